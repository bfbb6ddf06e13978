// The SLI panel: each fleet SLI (GET /api/sli) beside its target, marked met, missed or without data.
import { getJson } from './api.js';
import { row, cell, percent, duration } from './dom.js';

function judged(value, shown, target, targetShown, met) {
  if (value == null) return [shown, targetShown, cell('no data', 'sli-none')];
  return [shown, targetShown, cell(met ? 'met' : 'missed', met ? 'sli-met' : 'sli-missed')];
}

export async function refreshSli() {
  const s = await getJson('/api/sli');
  const t = s.targets;
  const c = s.connectivity, f = s.freshness;
  const rows = [
    ['Connectivity', c.seen + ' / ' + c.registered + ' seen', ...judged(c.rate, percent(c.rate), t.connectivity, '≥ ' + percent(t.connectivity), c.rate >= t.connectivity)],
    ['Freshness p95', f.withoutReadings ? f.withoutReadings + ' without readings' : f.devices + ' devices',
      ...judged(f.p95Seconds, f.p95Seconds == null ? '–' : duration(f.p95Seconds), t.freshnessP95Seconds, '≤ ' + duration(t.freshnessP95Seconds), f.p95Seconds <= t.freshnessP95Seconds)],
    ['Command success', s.commands.good + ' / ' + s.commands.total, ...judged(s.commands.rate, percent(s.commands.rate), t.commands, '≥ ' + percent(t.commands), s.commands.rate >= t.commands)],
    ['OTA success', s.ota.good + ' / ' + s.ota.total, ...judged(s.ota.rate, percent(s.ota.rate), t.ota, '≥ ' + percent(t.ota), s.ota.rate >= t.ota)],
  ];
  const body = document.getElementById('sli');
  body.replaceChildren(...rows.map(([name, detail, value, target, verdict]) => {
    const tr = row([name, value, target, verdict], 'sli-row');
    tr.firstChild.title = detail;
    return tr;
  }));
}
