// The device page: facts from GET /api/devices/{id}, a chart per channel (GET .../telemetry), then panels. Each panel is
// { id, title, load(deviceId) -> rows or null }: a new kind of device data is one more entry in PANELS and a
// <div class="panel"> in index.html. The vitals, firmware and event panels are vitals.js's.
import { getJson } from './api.js';
import { row, cell, ago } from './dom.js';
import { drawChart, chartsAvailable } from './chart.js';
import { refreshVitals } from './vitals.js';

// Channel name -> how to show it: the API gives values in the batch's SenML unit.
const CHANNELS = {
  temperature: { unit: '°C', convert: (v, u) => u === 'K' ? v - 273.15 : v },
  humidity: { unit: '%RH', convert: (v) => v },
  pressure: { unit: 'hPa', convert: (v, u) => u === 'Pa' ? v / 100 : v },
  battery: { unit: 'V', convert: (v, u) => u === 'mV' ? v / 1000 : v },
};

// The device's latest commands and what became of each: queued, delivered, acknowledged, expired or dropped.
const commandsPanel = {
  id: 'commands',
  async load(id) {
    const commands = await getJson('/api/devices/' + encodeURIComponent(id) + '/commands?limit=10');
    return commands.map(c => {
      const fate = c.state === 'acknowledged' && c.ok === false ? 'refused by device' : c.state;
      const tr = row([c.op, cell(fate, 'command-' + c.state), ago(c.createdAt), c.detail || ''], 'command');
      tr.firstChild.title = c.id;
      return tr;
    });
  },
};

const PANELS = [commandsPanel];

function showFacts(d) {
  const facts = [
    ['Board', d.board], ['Firmware', d.firmware], ['Slot', d.slot], ['State', d.revoked ? 'revoked' : d.state],
    ['Battery', d.batteryMillivolts == null ? null : (d.batteryMillivolts / 1000).toFixed(2) + ' V'],
    ['Seen', ago(d.lastSeen)], ['Readings', d.readingCount], ['Certificate', d.certSerial], ['Tags', (d.tags || []).join(', ')],
  ];
  const dl = document.getElementById('device-facts');
  dl.replaceChildren();
  for (const [name, value] of facts) {
    dl.appendChild(Object.assign(document.createElement('dt'), { textContent: name }));
    dl.appendChild(Object.assign(document.createElement('dd'), { textContent: value == null || value === '' ? '–' : String(value) }));
  }
}

async function refreshCharts(id) {
  const figures = document.querySelectorAll('#charts figure');
  document.getElementById('charts-missing').hidden = chartsAvailable();
  if (!chartsAvailable()) return;
  if (!id) { figures.forEach(f => drawChart(f, [], 0, 1, '')); return; }
  const span = rangeSeconds();
  const to = Math.floor(Date.now() / 1000) + 60;
  const data = await getJson(`/api/devices/${encodeURIComponent(id)}/telemetry?from=${to - span}&to=${to}`);
  figures.forEach(f => {
    const rule = CHANNELS[f.dataset.channel];
    const series = data.series.find(s => s.channel === f.dataset.channel);
    const points = series ? series.points.map(p => ({
      t: p.t, avg: rule.convert(p.avg, series.unit), min: rule.convert(p.min, series.unit), max: rule.convert(p.max, series.unit),
    })) : [];
    drawChart(f, points, data.from, data.to, rule.unit);
  });
}

async function refreshPanels(id) {
  for (const panel of PANELS) {
    const box = document.getElementById(panel.id + '-box');
    let rows = [];
    try {
      if (id) rows = await panel.load(id);
    } catch (e) {
      // The device page stays useful without one panel.
    }
    box.hidden = rows.length === 0;
    box.querySelector('tbody').replaceChildren(...rows);
  }
}

export async function showDevice(id) {
  document.getElementById('device-title').textContent = id || 'No device selected';
  if (id) showFacts(await getJson('/api/devices/' + encodeURIComponent(id)));
  else document.getElementById('device-facts').replaceChildren();
  await refreshCharts(id);
  await refreshPanels(id);
  await refreshVitals(id, rangeSeconds());
}

export async function redrawCharts(id) {
  await refreshCharts(id);
  await refreshVitals(id, rangeSeconds());
}

function rangeSeconds() {
  return Number(document.getElementById('range').value);
}
