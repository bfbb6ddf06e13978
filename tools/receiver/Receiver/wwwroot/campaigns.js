// OTA campaigns: the list (GET /api/campaigns), a campaign's page (GET /api/campaigns/{id}) with its devices per wave
// and state, a health-gated campaign's stages and per-stage health comparison, its rollback (rollback.js), and the
// controls: create from a signed package (optionally with a stage plan and a rollback, rollback-form.js), pause,
// resume, abort. Each asks first; the controls are shown only to roles that may use them (the API refuses the others
// anyway), and a refusal shows the API's reason.
// The campaign page's panels follow device.js's pattern: one more entry in PANELS for a new kind of campaign data.
import { getJson, postJson, base64 } from './api.js';
import { row, cell, badge, ago, duration, percent, confirmAction, field } from './dom.js';
import { rollbackFacts } from './rollback.js';
import { addRollbackFields, rollbackOf } from './rollback-form.js';

// Device states as CampaignView names them, in the order a device passes them.
const DEVICE_STATES = ['waiting', 'offered', 'downloading', 'trial', 'succeeded', 'failed', 'rolledback', 'cancelled'];

// What each control does to a campaign, and in which states the engine takes it (Ota/CampaignEngine.cs).
const ACTIONS = {
  pause: { when: s => s === 'canary' || s === 'rolling', ask: c => `Pause campaign "${c.name}"? No further device is offered ${c.targetVersion}; devices already offered finish.` },
  resume: { when: (s, c) => (s === 'draft' || s === 'paused' || s === 'halted') && !c.trustProblem, ask: c => `Resume campaign "${c.name}" (${c.state})? Devices will be offered ${c.targetVersion} again.` },
  abort: { when: s => s !== 'completed' && s !== 'aborted', ask: c => `Abort campaign "${c.name}" for good? Every unfinished device's offer of ${c.targetVersion} is withdrawn; this cannot be resumed.` },
};

export async function refreshCampaignList() {
  renderCampaignList(await getJson('/api/campaigns'));
}

function renderCampaignList(campaigns) {
  document.getElementById('campaigns-box').hidden = false;
  document.getElementById('no-campaigns').hidden = campaigns.length > 0;
  document.getElementById('campaigns').replaceChildren(...campaigns.map(c => {
    const state = badge(c.state, 'campaign-state campaign-' + c.state);
    if (c.trustProblem) state.firstChild.title = 'not served: ' + c.trustProblem;
    else if (c.stateReason) state.firstChild.title = c.stateReason;
    const n = c.counts;
    const tr = row([c.name, c.targetVersion, state, n.succeeded + ' / ' + (n.failed + n.rolledBack) + ' / ' + n.total], 'campaign');
    tr.firstChild.title = c.id;
    tr.dataset.id = c.id;
    tr.addEventListener('click', () => { location.hash = 'campaign=' + encodeURIComponent(c.id); });
    return tr;
  }));
  markShown();
}

// Highlights the campaign on the page in the list (none while the device page is shown).
export function markShown() {
  const id = shown && !document.getElementById('campaign-view').hidden ? shown.id : null;
  document.querySelectorAll('#campaigns tr').forEach(tr => tr.classList.toggle('selected', tr.dataset.id === id));
}

// Devices per wave (canary, rest; or stage 1, stage 2, …) and state: one row per wave, one column per state.
const wavesPanel = {
  id: 'waves',
  load(c) {
    const waves = c.gate ? c.gate.stages.map(s => 'stage ' + s.number) : ['canary', 'rest'];
    return waves.map(w => {
      const inWave = (c.devices || []).filter(d => d.wave === w);
      return row([w, ...DEVICE_STATES.map(s => String(inWave.filter(d => d.state === s).length)), String(inWave.length)], 'wave');
    });
  },
};

const devicesPanel = {
  id: 'campaign-devices',
  load(c) {
    return (c.devices || []).map(d => {
      const link = document.createElement('td');
      link.appendChild(Object.assign(document.createElement('a'), { href: '#device=' + encodeURIComponent(d.deviceId), textContent: d.deviceId }));
      const progress = d.total > 0 ? Math.round(100 * d.done / d.total) + ' %' : '–';
      return row([link, d.wave, cell(d.state, 'ota-' + d.state), progress, d.reportedFirmware || '–',
        d.finishedAt ? ago(d.finishedAt) : d.offeredAt ? 'offered ' + ago(d.offeredAt) : '–', d.reason || ''], 'campaign-device');
    });
  },
};

// A gated campaign's stages (GateView): share, devices, where each stands and its last verdict.
const stagesPanel = {
  id: 'gate-stages',
  head: ['Stage', 'Share', 'Devices', 'Offered', 'Updated', 'Failed', 'Status', 'Verdict'],
  title: 'Stages',
  load(c) {
    if (!c.gate) return [];
    return c.gate.stages.map(s => row(['stage ' + s.number, s.percent + ' %', String(s.devices), String(s.offered), String(s.updated), String(s.failed),
      cell(s.status, 'stage-' + s.status), s.judgement ? s.judgement.reason : '–'], 'gate-stage'));
  },
};

// The health signals a stage is judged on (HealthGate), how each is shown, and the limit the thresholds set on the updated devices.
const SIGNALS = [
  { name: 'crash_free_rate', label: 'crash-free rate', value: h => h.crashFreeRate, show: percent,
    limit: (b, t) => b == null ? null : '≥ ' + percent(b - t.crashFreeDrop), rule: t => `baseline − ${percent(t.crashFreeDrop)}` },
  { name: 'reconnect_rate', label: 'reconnects / device-day', value: h => h.reconnectsPerDay, show: v => v == null ? '–' : v.toFixed(2),
    limit: (b, t) => b == null ? null : '≤ ' + (b * t.reconnectRatio + t.reconnectSlackPerDay).toFixed(2), rule: t => `baseline × ${t.reconnectRatio} + ${t.reconnectSlackPerDay}` },
  { name: 'wake_to_publish', label: 'wake-to-publish (median)', value: h => h.wakeToPublishMs, show: v => v == null ? '–' : Math.round(v) + ' ms',
    limit: (b, t) => b == null ? null : '≤ ' + Math.round(b * t.wakeToPublishRatio) + ' ms', rule: t => `baseline × ${t.wakeToPublishRatio}` },
  { name: 'battery_drain', label: 'battery drain (median)', value: h => h.drainMillivoltsPerDay, show: v => v == null ? '–' : v.toFixed(1) + ' mV/day',
    limit: (b, t) => b == null ? null : '≤ ' + (Math.max(b, 0) * t.drainRatio).toFixed(1) + ' mV/day', rule: t => `baseline × ${t.drainRatio}` },
];

// Per stage judged and board: the updated devices against the not-updated ones on that board, signal by signal, with the limit.
const healthPanel = {
  id: 'gate-health',
  head: ['Stage', 'Board', 'Signal', 'Updated', 'Baseline', 'Limit', 'Verdict'],
  title: 'Health: updated vs not-updated devices on the same board',
  load(c) {
    if (!c.gate) return [];
    const t = c.gate.thresholds;
    return c.gate.stages.filter(s => s.judgement).flatMap(s => s.judgement.boards.flatMap(b => [
      row(['stage ' + s.number, b.board || '(unknown)', 'devices with vitals', String(b.updated.devices), String(b.baseline.devices),
        '≥ ' + t.minDevices + ' each', b.outcome], 'gate-health'),
      ...SIGNALS.map(sig => {
        const breached = b.outcome === 'breach' && b.signal === sig.name;
        const limit = cell(sig.limit(sig.value(b.baseline), t) || '–');
        limit.title = sig.rule(t);
        return row(['stage ' + s.number, b.board || '(unknown)', sig.label, sig.show(sig.value(b.updated)), sig.show(sig.value(b.baseline)), limit,
          cell(breached ? 'breach' : '', breached ? 'ota-failed' : '')], 'gate-health' + (breached ? ' breached' : ''));
      }),
    ]));
  },
};

const PANELS = [stagesPanel, healthPanel, wavesPanel, devicesPanel];

// The gate's panels are built here (index.html holds the others): before the waves, in the same shape.
function addGatePanels() {
  const waves = document.getElementById('waves-box');
  for (const panel of [stagesPanel, healthPanel]) {
    const box = Object.assign(document.createElement('div'), { id: panel.id + '-box', className: 'panel', hidden: true });
    const table = document.createElement('table');
    const head = document.createElement('tr');
    head.append(...panel.head.map(h => Object.assign(document.createElement('th'), { textContent: h })));
    table.append(Object.assign(document.createElement('thead'), {}), Object.assign(document.createElement('tbody'), { id: panel.id }));
    table.tHead.append(head);
    box.append(Object.assign(document.createElement('h3'), { className: 'box-title', textContent: panel.title }), table);
    waves.before(box);
  }
}

// The create form's stage plan (CreateCampaignBody.Gate): stages, dwell and rate; empty stages keep canary → rest.
function addStageFields() {
  const start = document.getElementById('create-form').elements.start.closest('label');
  start.before(
    field('Health-gated stages, % comma-separated (e.g. 1, 10, 50, 100; empty: canary → rest)', 'stages', { maxLength: 80 }),
    field('Dwell per stage (h)', 'dwell', { type: 'number', min: 0.01, max: 720, step: 'any', defaultValue: 12 }),
    field('Devices offered per minute', 'rate', { type: 'number', min: 0.01, max: 10000, step: 'any', defaultValue: 10 }));
}

// The gate object for the request, or null without stages; throws with what is wrong.
function gateOf(form) {
  const text = form.elements.stages.value.trim();
  if (!text) return null;
  const stages = text.split(',').map(t => Number(t.trim()));
  if (stages.some(p => !Number.isFinite(p))) throw new Error('stages: percentages separated by commas, e.g. 1, 10, 50, 100');
  return { stages, dwellSeconds: Math.round(Number(form.elements.dwell.value) * 3600), devicesPerMinute: Number(form.elements.rate.value) };
}

let shown = null;      // the campaign on the page
let canOperate = false;

export function setOperator(allowed) {
  canOperate = allowed;
  document.querySelectorAll('.needs-operate').forEach(e => { e.hidden = !allowed; });
}

function say(text, isError) {
  const el = document.getElementById('campaign-message');
  el.textContent = text;
  el.className = isError ? 'message error' : 'message';
  el.hidden = !text;
}

export async function showCampaign(id) {
  const c = await getJson('/api/campaigns/' + encodeURIComponent(id));
  shown = c;
  markShown();
  document.getElementById('campaign-title').textContent = c.name + ' → ' + c.targetVersion;
  const state = document.getElementById('campaign-state');
  state.textContent = c.state;
  state.className = 'campaign-state campaign-' + c.state;
  const g = c.gate;
  const facts = [
    ['Why', c.trustProblem ? 'not served: ' + c.trustProblem : c.stateReason], ['Cohort', cohortText(c.cohort)],
    ...(g ? [['Stage', `${g.stage} of ${g.stages.length} (${g.stagePercents[g.stage - 1]} %), plan ${g.stagePercents.join(' → ')} %`],
      ['Dwell', duration(g.dwellSeconds)], ['Rate', g.devicesPerMinute + ' devices/min'], ['Offered', g.offered + ' / updated ' + g.updated],
      ['Judged', g.judgedFrom ? 'from ' + new Date(g.judgedFrom).toLocaleString() : 'when the stage\'s devices have finished']]
      : [['Canary', c.canaryPercent + ' %']]), ['Success threshold', Math.round(100 * c.successThreshold) + ' %'],
    ['Window', Math.round(c.windowSeconds / 3600) + ' h'], ['Downgrade', c.downgrade ? 'yes (counter ' + c.downgradeCounter + ')' : 'no'],
    ...rollbackFacts(c), ['Created', ago(c.createdAt)], ['Updated', ago(c.updatedAt)], ['Id', c.id],
  ];
  document.getElementById('campaign-facts').replaceChildren(...facts.flatMap(([k, v]) => {
    const dd = document.createElement('dd');
    dd.append(v instanceof Node ? v : v == null || v === '' ? '–' : String(v));
    return [Object.assign(document.createElement('dt'), { textContent: k }), dd];
  }));
  for (const [name, action] of Object.entries(ACTIONS)) {
    const button = document.getElementById('campaign-' + name);
    button.disabled = !canOperate || !action.when(c.state, c);
  }
  for (const panel of PANELS) {
    const rows = panel.load(c);
    const box = document.getElementById(panel.id + '-box');
    box.hidden = rows.length === 0;
    box.querySelector('tbody').replaceChildren(...rows);
  }
}

function cohortText(cohort) {
  const parts = [];
  if (cohort.board) parts.push('board ' + cohort.board);
  if (cohort.firmware) parts.push('firmware ' + cohort.firmware);
  if (cohort.tags && cohort.tags.length) parts.push('tags ' + cohort.tags.join(', '));
  return parts.length ? parts.join(' · ') : 'every device';
}

async function act(name) {
  const c = shown;
  if (!c || !(await confirmAction(ACTIONS[name].ask(c), name[0].toUpperCase() + name.slice(1)))) return;
  try {
    const after = await postJson('/api/campaigns/' + encodeURIComponent(c.id) + '/' + name);
    say(`${name}: campaign is ${after.state}`, false);
  } catch (e) {
    say(`${name} refused: ${e.message}`, true);
  }
  await showCampaign(c.id).then(refreshCampaignList).catch(() => { /* the next refresh shows it */ });
}

// Base64 makes a package a third larger: 6 MiB of packages fill the receiver's 8 MiB campaign body (Receiver:Limits).
const MAX_PACKAGE_BYTES = 6 * 1024 * 1024;

async function create(event) {
  event.preventDefault();
  const form = document.getElementById('create-form');
  const file = form.elements.package.files[0];
  const problem = document.getElementById('create-message');
  if (!file) { problem.textContent = 'choose a signed package (.nfw)'; return; }
  const tags = form.elements.tags.value.split(',').map(t => t.trim()).filter(Boolean);
  let gate, rollback;
  try {
    gate = gateOf(form);
    rollback = await rollbackOf(form);
    if (file.size + (rollback ? rollback.packageBytes : 0) > MAX_PACKAGE_BYTES) throw new Error(rollback && rollback.packageBytes
      ? 'the package and the rollback package together are over 6 MiB, more than the receiver takes in one request; give the rollback by its version'
      : 'the package is over 6 MiB, more than the receiver takes in one request');
  } catch (e) { problem.textContent = e.message; return; }
  const body = {
    name: form.elements.name.value.trim() || file.name,
    package: base64(new Uint8Array(await file.arrayBuffer())),
    board: form.elements.board.value.trim() || null,
    tags,
    canaryPercent: gate ? null : Number(form.elements.canary.value),
    successThreshold: Number(form.elements.threshold.value) / 100,
    start: form.elements.start.checked,
    gate,
    rollback: rollback ? rollback.body : null,
  };
  document.getElementById('create').close();
  const cohort = cohortText({ board: body.board, tags });
  if (!(await confirmAction(`Create campaign "${body.name}" from ${file.name} (${file.size} bytes) for ${cohort}, ` +
    (gate ? `stages ${gate.stages.join(' → ')} %` : `${body.canaryPercent} % canary`) +
    (rollback ? `; if it halts, the devices that updated are offered back ${rollback.describes}` : '; no rollback if it halts') +
    `${body.start ? ', started at once' : ', as a draft'}?`, 'Create'))) return;
  try {
    const c = await postJson('/api/campaigns', body);
    form.reset();
    location.hash = 'campaign=' + encodeURIComponent(c.id);
    await refreshCampaignList();
    say('created: ' + c.counts.total + ' devices in the cohort', false);
  } catch (e) {
    problem.textContent = 'refused: ' + e.message;
    document.getElementById('create').showModal();
  }
}

export function wireCampaignControls() {
  addGatePanels();
  addStageFields();
  addRollbackFields(document.getElementById('create-form'));
  for (const name of Object.keys(ACTIONS)) document.getElementById('campaign-' + name).addEventListener('click', () => act(name));
  document.getElementById('new-campaign').addEventListener('click', () => {
    document.getElementById('create-message').textContent = '';
    document.getElementById('create').showModal();
  });
  document.getElementById('create-form').addEventListener('submit', create);
  document.getElementById('create-cancel').addEventListener('click', () => document.getElementById('create').close());
}

export function clearCampaignMessage() {
  say('', false);
}
