// OTA campaigns: the list (GET /api/campaigns), a campaign's page (GET /api/campaigns/{id}) with its devices per wave
// and state, and the controls: create from a signed package, pause, resume, abort. Each asks first; the controls are
// shown only to roles that may use them (the API refuses the others anyway), and a refusal shows the API's reason.
// The campaign page's panels follow device.js's pattern: one more entry in PANELS for a new kind of campaign data.
import { getJson, postJson } from './api.js';
import { row, cell, badge, ago, confirmAction } from './dom.js';

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

// Devices per wave (canary, rest) and state: one row per wave, one column per state.
const wavesPanel = {
  id: 'waves',
  load(c) {
    const waves = ['canary', 'rest'];
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

const PANELS = [wavesPanel, devicesPanel];

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
  const facts = [
    ['Why', c.trustProblem ? 'not served: ' + c.trustProblem : c.stateReason], ['Cohort', cohortText(c.cohort)],
    ['Canary', c.canaryPercent + ' %'], ['Success threshold', Math.round(100 * c.successThreshold) + ' %'],
    ['Window', Math.round(c.windowSeconds / 3600) + ' h'], ['Downgrade', c.downgrade ? 'yes (counter ' + c.downgradeCounter + ')' : 'no'],
    ['Created', ago(c.createdAt)], ['Updated', ago(c.updatedAt)], ['Id', c.id],
  ];
  document.getElementById('campaign-facts').replaceChildren(...facts.flatMap(([k, v]) => [
    Object.assign(document.createElement('dt'), { textContent: k }),
    Object.assign(document.createElement('dd'), { textContent: v == null || v === '' ? '–' : String(v) }),
  ]));
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

// The package is read in the browser and sent as base64 (CreateCampaignBody.Package): the receiver checks its
// signature against the release key before it stores anything.
function base64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function create(event) {
  event.preventDefault();
  const form = document.getElementById('create-form');
  const file = form.elements.package.files[0];
  const problem = document.getElementById('create-message');
  if (!file) { problem.textContent = 'choose a signed package (.nfw)'; return; }
  const tags = form.elements.tags.value.split(',').map(t => t.trim()).filter(Boolean);
  const body = {
    name: form.elements.name.value.trim() || file.name,
    package: base64(new Uint8Array(await file.arrayBuffer())),
    board: form.elements.board.value.trim() || null,
    tags,
    canaryPercent: Number(form.elements.canary.value),
    successThreshold: Number(form.elements.threshold.value) / 100,
    start: form.elements.start.checked,
  };
  document.getElementById('create').close();
  const cohort = cohortText({ board: body.board, tags });
  if (!(await confirmAction(`Create campaign "${body.name}" from ${file.name} (${file.size} bytes) for ${cohort}, ` +
    `${body.canaryPercent} % canary${body.start ? ', started at once' : ', as a draft'}?`, 'Create'))) return;
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
