// The device page's vitals panels, from GET /api/devices/{id}/vitals (one sample per status) and .../history (firmware
// runs, campaigns, reset/crash/rollback events, the journal backlog's latest and peak): battery and drain, the latest
// counters, the journal backlog, the wake-to-publish phases (a chart per phase over the page's range) and the history
// tables. The boxes are made here, below the page's other panels, once; each is hidden while it has nothing to show.
import { getJson } from './api.js';
import { row, cell, ago, duration } from './dom.js';
import { drawChart, chartsAvailable } from './chart.js';

// Wake to first PUBACK, as the status's "w2p" carries it (docs/formats/README.md, "Status").
export const PHASES = [
  { key: 'totalMs', title: 'Wake to PUBACK' },
  { key: 'wifiJoinMs', title: 'Wi-Fi join' },
  { key: 'dhcpMs', title: 'DHCP' },
  { key: 'tlsHandshakeMs', title: 'TLS handshake' },
  { key: 'mqttConnectMs', title: 'MQTT connect' },
  { key: 'publishMs', title: 'Publish to PUBACK' },
];

// A voltage needs this many status samples over this span before the receiver estimates a drain (Vitals/BatteryDrain.cs).
const DRAIN_NEEDS = 'needs 3 status samples over 6 h';

function el(tag, props, ...children) {
  const e = Object.assign(document.createElement(tag), props || {});
  for (const c of children) e.append(c);
  return e;
}

function table(id, headings) {
  return el('table', {}, el('thead', {}, el('tr', {}, ...headings.map(h => el('th', { textContent: h })))), el('tbody', { id }));
}

function figure(attrs, caption) {
  const f = el('figure', {}, el('figcaption', { textContent: caption }), el('div', { className: 'chart' }));
  Object.assign(f.dataset, attrs);
  return f;
}

function box(id, title, ...content) {
  return el('div', { id: id + '-box', className: 'panel', hidden: true }, el('h3', { className: 'box-title', textContent: title }), ...content);
}

function ensureBoxes() {
  if (document.getElementById('vitals-panels')) return;
  const panels = el('div', { id: 'vitals-panels' },
    box('battery', 'Battery and drain', el('dl', { id: 'battery-facts', className: 'facts' }),
      el('div', { className: 'vitals-charts' }, figure({ vitals: 'battery' }, 'Battery at each status (V)'))),
    box('vitals', 'Vitals', el('dl', { id: 'vitals-facts', className: 'facts' })),
    box('backlog', 'Journal backlog', el('dl', { id: 'backlog-facts', className: 'facts' }),
      el('div', { className: 'vitals-charts' }, figure({ vitals: 'backlog' }, 'Readings kept in the journal at each status (readings)'))),
    box('phases', 'Wake to first PUBACK, per phase (ms)', table('phases-latest', ['Phase', 'Latest wake', 'Median in range']),
      el('div', { className: 'vitals-charts' }, ...PHASES.map(p => figure({ phase: p.key }, p.title + ' (ms)')))),
    box('versions', 'Firmware versions', table('versions', ['Version', 'First seen', 'Last seen', 'Statuses'])),
    box('events', 'Boot and rollback events', table('events', ['When', 'Event', 'Firmware', 'Detail'])));
  document.querySelector('#device-view .panels').append(panels);
}

function showFacts(dl, facts) {
  dl.replaceChildren();
  for (const [name, value] of facts) {
    if (value == null) continue;
    dl.append(el('dt', { textContent: name }), el('dd', { textContent: String(value) }));
  }
}

function median(values) {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b), mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function when(unixSeconds) {
  return ago(new Date(unixSeconds * 1000).toISOString());
}

function showBattery(vitals, from, to) {
  const withBattery = vitals.samples.filter(s => s.batteryMv != null && s.batteryMv >= 0);
  const last = withBattery[withBattery.length - 1];
  const drain = vitals.health.drainMillivoltsPerDay;
  showFacts(document.getElementById('battery-facts'), [
    ['Now', last ? (last.batteryMv / 1000).toFixed(3) + ' V' : null],
    ['Drain', drain == null ? `not estimated (${DRAIN_NEEDS}; ${withBattery.length} in the last 7 days)` : drain.toFixed(1) + ' mV/day'],
    ['Estimated from', drain == null ? null : withBattery.length + ' statuses'],
  ]);
  show('battery', withBattery.length > 0); // before drawing: a hidden box has no width to draw in
  if (chartsAvailable()) {
    const points = withBattery.filter(s => s.at >= from).map(s => ({ t: s.at, avg: s.batteryMv / 1000, min: s.batteryMv / 1000, max: s.batteryMv / 1000 }));
    drawChart(document.querySelector('figure[data-vitals="battery"]'), points, from, to, 'V');
  }
  return withBattery.length > 0;
}

// Uptime, reconnects, heap and the phases go only in the first status of each clock hour (docs/formats/README.md,
// "Status"), which always carries reconnects (null in the others); older firmware left reconnects out at 0, so its
// hourly status is told by the other fields.
function carriesHourly(s) {
  return s.reconnects != null || s.uptimeS != null || s.heapLowBytes != null || s.wakeToPublish != null;
}

function showCounters(vitals) {
  const s = vitals.samples[vitals.samples.length - 1];
  if (!s) return false;
  const h = [...vitals.samples].reverse().find(carriesHourly) || s;
  showFacts(document.getElementById('vitals-facts'), [
    ['Boots', s.boots], ['Brown-outs', s.brownouts], ['Watchdog resets', s.watchdogs], ['Panics', s.panics],
    ['Uptime', h.uptimeS == null || h.boots !== s.boots ? 'not known' : duration(h.uptimeS + (s.at - h.at))], ['Reconnects', h.reconnects == null ? 'not known' : h.reconnects],
    ['Heap low-water', h.heapLowBytes == null ? 'not measured' : (h.heapLowBytes / 1024).toFixed(1) + ' KiB'],
    ['Crash-free', vitals.health.crashFreeRate == null ? null : (vitals.health.crashFreeRate === 1 ? 'yes' : 'no') + ' (last 7 days)'],
    ['Reconnects a day', vitals.health.reconnectsPerDay == null ? null : vitals.health.reconnectsPerDay.toFixed(1)],
    ['Reported', ago(new Date(s.at * 1000).toISOString())],
  ]);
  return true;
}

function readings(n) {
  return n === 1 ? '1 reading' : n + ' readings';
}

// The readings the device still kept in its journal (not yet acknowledged) when it sent each status: the latest and the
// peak over the history's window (92 days), the chart over the page's range. A count: the axis starts at 0 and spans
// at least 5 so its steps are whole readings.
function showBacklog(vitals, history, from, to) {
  const b = history.backlog;
  const days = Math.round((history.to - history.from) / 86400);
  showFacts(document.getElementById('backlog-facts'), b ? [
    ['Now', readings(b.latest)], ['Reported', when(b.latestAt)],
    ['Peak', `${readings(b.peak)} (${when(b.peakAt)}; last ${days} days)`],
  ] : []);
  show('backlog', !!b);
  if (chartsAvailable()) {
    const points = vitals.samples.filter(s => s.pending != null && s.at >= from).map(s => ({ t: s.at, avg: s.pending, min: s.pending, max: s.pending }));
    const figure = document.querySelector('figure[data-vitals="backlog"]');
    drawChart(figure, points, from, to, 'readings', [0, 5]);
  }
  return !!b;
}

function showPhases(vitals, from, to) {
  const wakes = vitals.samples.filter(s => s.wakeToPublish && s.at >= from);
  const latest = wakes[wakes.length - 1];
  document.getElementById('phases-latest').replaceChildren(...PHASES.map(p => {
    const values = wakes.map(s => s.wakeToPublish[p.key]).filter(v => v != null);
    const now = latest ? latest.wakeToPublish[p.key] : null;
    const tr = row([p.title, now == null ? 'not told apart' : now + ' ms', values.length ? median(values) + ' ms' : '–'], 'phase');
    tr.dataset.phase = p.key;
    tr.dataset.latest = now == null ? '' : String(now);
    return tr;
  }));
  show('phases', wakes.length > 0);
  if (chartsAvailable()) {
    for (const p of PHASES) {
      const points = wakes.filter(s => s.wakeToPublish[p.key] != null)
        .map(s => ({ t: s.at, avg: s.wakeToPublish[p.key], min: s.wakeToPublish[p.key], max: s.wakeToPublish[p.key] }));
      drawChart(document.querySelector(`figure[data-phase="${p.key}"]`), points, from, to, 'ms');
    }
  }
  return wakes.length > 0;
}

function showHistory(history) {
  document.getElementById('versions').replaceChildren(...history.firmware.map(r =>
    row([r.version, when(r.since), when(r.until), String(r.samples)], 'version')));
  document.getElementById('events').replaceChildren(...history.events.map(e =>
    row([when(e.at), cell(e.kind, 'event-' + e.kind), e.firmware || '–', e.detail], 'event')));
  // The campaigns the device was in (the box in index.html): what it was offered and how that ended.
  document.getElementById('firmware').replaceChildren(...history.ota.map(o =>
    row([o.targetVersion, campaignLink(o), cell(o.state, 'ota-' + o.state), o.reportedFirmware || '–',
      o.finishedAt ? ago(o.finishedAt) : (o.offeredAt ? 'offered ' + ago(o.offeredAt) : '–'), o.reason || ''], 'firmware-entry')));
  return { versions: history.firmware.length > 0, events: history.events.length > 0, firmware: history.ota.length > 0 };
}

function campaignLink(o) {
  const td = document.createElement('td');
  td.append(el('a', { href: '#campaign=' + encodeURIComponent(o.campaignId), textContent: o.campaign || o.campaignId }));
  return td;
}

function show(id, visible) {
  document.getElementById(id + '-box').hidden = !visible;
}

// Fills the vitals panels for device `id` over the page's range (`span` seconds up to now); hides them without a device.
export async function refreshVitals(id, span) {
  ensureBoxes();
  const shown = { battery: false, vitals: false, backlog: false, phases: false, versions: false, events: false, firmware: false };
  try {
    if (id) {
      const to = Math.floor(Date.now() / 1000) + 60, from = to - span;
      const device = encodeURIComponent(id);
      // The counters and the drain look at the last 7 days whatever the range; the charts show the range.
      const [vitals, history] = await Promise.all([getJson(`/api/devices/${device}/vitals`), getJson(`/api/devices/${device}/history`)]);
      shown.battery = showBattery(vitals, from, to);
      shown.vitals = showCounters(vitals);
      shown.backlog = showBacklog(vitals, history, from, to);
      shown.phases = showPhases(vitals, from, to);
      Object.assign(shown, showHistory(history));
    }
  } catch (e) {
    // The device page stays useful without its vitals.
  }
  for (const [name, visible] of Object.entries(shown)) show(name, visible);
}
