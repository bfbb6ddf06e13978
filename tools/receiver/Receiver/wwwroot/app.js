'use strict';
// The fleet page: a table of devices and, for the selected one, charts drawn on <canvas> from /api data.
// No libraries: the receiver runs on machines without internet access.

const DATA_COLOR = '#0072b2';        // the line colour; nothing else on the page uses it
const BAND_COLOR = 'rgba(0, 114, 178, 0.18)';
const AXIS_COLOR = '#999';
const TEXT_COLOR = '#555';
const REFRESH_MS = 10000;

// Channel name -> how to show it: the API gives values in the batch's SenML unit.
const CHANNELS = {
  temperature: { convert: (v, u) => u === 'K' ? v - 273.15 : v, digits: 1 },
  humidity: { convert: (v) => v, digits: 0 },
  pressure: { convert: (v, u) => u === 'Pa' ? v / 100 : v, digits: 0 },
  battery: { convert: (v, u) => u === 'mV' ? v / 1000 : v, digits: 2 },
};

let selected = null;
let devices = [];

// Sign-in: the API wants 'Authorization: Bearer <token>' on every call. The token stays in this tab's
// sessionStorage and travels only in that header (no cookie, so a cross-site form carries nothing).
// A link may bring it in the fragment (#token=...), which browsers never send; it is removed from the address at once.
const TOKEN_KEY = 'receiver-token';

function takeTokenFromFragment() {
  const m = /^#token=([A-Za-z0-9_-]{1,128})$/.exec(location.hash);
  if (m) sessionStorage.setItem(TOKEN_KEY, m[1]);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
}

function showSignedIn(who) {
  document.getElementById('login').hidden = !!who;
  document.getElementById('logout').hidden = !who;
  const el = document.getElementById('who');
  el.hidden = !who;
  el.textContent = who ? who.actor + ' · ' + who.role : '';
}

class AuthError extends Error {}

async function getResponse(url) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new AuthError('sign in with an API token');
  const response = await fetch(url, { cache: 'no-store', headers: { Authorization: 'Bearer ' + token } });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignedIn(null);
    throw new AuthError('the token was refused: sign in again');
  }
  if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
  return response;
}

async function getJson(url) {
  return (await getResponse(url)).json();
}

// The whole fleet: /api/devices answers a page of up to 1000 devices and names the next page in X-Next-After.
const MAX_DEVICE_PAGES = 100;
async function getAllDevices() {
  const all = [];
  let after = null;
  for (let page = 0; page < MAX_DEVICE_PAGES; page++) {
    const response = await getResponse('/api/devices' + (after ? '?after=' + encodeURIComponent(after) : ''));
    all.push(...await response.json());
    after = response.headers.get('X-Next-After');
    if (!after) break;
  }
  return all;
}

function ago(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 90) return Math.round(s) + ' s ago';
  if (s < 5400) return Math.round(s / 60) + ' min ago';
  if (s < 172800) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderDevices() {
  const body = document.getElementById('devices');
  body.replaceChildren();
  document.getElementById('no-devices').hidden = devices.length > 0;
  for (const d of devices) {
    const tr = document.createElement('tr');
    if (d.id === selected) tr.className = 'selected';
    tr.appendChild(cell(d.id, d.revoked ? 'revoked' : ''));
    const stateTd = document.createElement('td');
    const state = document.createElement('span');
    const name = d.revoked ? 'revoked' : (d.state || 'unknown');
    state.className = 'state state-' + (['online', 'offline', 'sleeping'].includes(name) ? name : 'unknown');
    state.textContent = name;
    stateTd.appendChild(state);
    tr.appendChild(stateTd);
    tr.appendChild(cell(d.firmware || '–'));
    tr.appendChild(cell(ago(d.lastSeen)));
    tr.appendChild(cell(d.batteryMillivolts == null ? '–' : (d.batteryMillivolts / 1000).toFixed(2) + ' V'));
    tr.addEventListener('click', () => { selected = d.id; renderDevices(); refreshCharts(); refreshCommands(); });
    body.appendChild(tr);
  }
}

function niceRange(min, max) {
  if (min === max) { const pad = Math.abs(min) * 0.05 || 1; return [min - pad, max + pad]; }
  const pad = (max - min) * 0.08;
  return [min - pad, max + pad];
}

function formatTime(t, span) {
  const d = new Date(t * 1000);
  const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  return span >= 86400 ? d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + hm : hm;
}

function drawChart(canvas, series, from, to) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = '11px system-ui, sans-serif';
  const left = 48, right = 10, top = 8, bottom = 22;
  const plotW = width - left - right, plotH = height - top - bottom;

  g.strokeStyle = AXIS_COLOR;
  g.lineWidth = 1;
  g.strokeRect(left + 0.5, top + 0.5, plotW, plotH);

  const channel = canvas.dataset.channel;
  const rule = CHANNELS[channel];
  const points = series ? series.points.map(p => ({
    t: p.t,
    avg: rule.convert(p.avg, series.unit),
    min: rule.convert(p.min, series.unit),
    max: rule.convert(p.max, series.unit),
  })) : [];
  if (points.length === 0) {
    g.fillStyle = TEXT_COLOR;
    g.textAlign = 'center';
    g.fillText('no data', left + plotW / 2, top + plotH / 2);
    return;
  }
  const [lo, hi] = niceRange(Math.min(...points.map(p => p.min)), Math.max(...points.map(p => p.max)));
  const x = t => left + (t - from) / (to - from) * plotW;
  const y = v => top + plotH - (v - lo) / (hi - lo) * plotH;

  g.fillStyle = TEXT_COLOR;
  g.textAlign = 'right';
  for (let i = 0; i <= 4; i++) {
    const v = lo + (hi - lo) * i / 4;
    g.fillText(v.toFixed(rule.digits), left - 4, y(v) + 4);
  }
  g.textAlign = 'left';
  g.fillText(formatTime(from, to - from), left, height - 6);
  g.textAlign = 'center';
  g.fillText(formatTime((from + to) / 2, to - from), left + plotW / 2, height - 6);
  g.textAlign = 'right';
  g.fillText(formatTime(to, to - from), left + plotW, height - 6);

  g.fillStyle = BAND_COLOR;
  g.beginPath();
  points.forEach((p, i) => i === 0 ? g.moveTo(x(p.t), y(p.max)) : g.lineTo(x(p.t), y(p.max)));
  for (let i = points.length - 1; i >= 0; i--) g.lineTo(x(points[i].t), y(points[i].min));
  g.closePath();
  g.fill();

  g.strokeStyle = DATA_COLOR;
  g.fillStyle = DATA_COLOR;
  g.lineWidth = 2;
  g.beginPath();
  points.forEach((p, i) => i === 0 ? g.moveTo(x(p.t), y(p.avg)) : g.lineTo(x(p.t), y(p.avg)));
  g.stroke();
  if (points.length < 3) points.forEach(p => { g.beginPath(); g.arc(x(p.t), y(p.avg), 3, 0, 2 * Math.PI); g.fill(); });
}

async function refreshCharts() {
  const canvases = document.querySelectorAll('#charts canvas');
  document.getElementById('device-title').textContent = selected || 'No device selected';
  if (!selected) { canvases.forEach(c => drawChart(c, null, 0, 1)); return; }
  const span = Number(document.getElementById('range').value);
  const to = Math.floor(Date.now() / 1000) + 60;
  const from = to - span;
  const data = await getJson(`/api/devices/${encodeURIComponent(selected)}/telemetry?from=${from}&to=${to}`);
  canvases.forEach(c => drawChart(c, data.series.find(s => s.channel === c.dataset.channel), data.from, data.to));
}

// OTA campaigns (/api/campaigns): state and device counts, the halt reason (or why the receiver does not serve the
// campaign: its package does not verify against the release key) as the state's tooltip.
function renderCampaigns(campaigns) {
  document.getElementById('campaigns-box').hidden = campaigns.length === 0;
  const body = document.getElementById('campaigns');
  body.replaceChildren();
  for (const c of campaigns) {
    const tr = document.createElement('tr');
    tr.className = 'campaign';
    tr.appendChild(cell(c.name, ''));
    tr.lastChild.title = c.id;
    tr.appendChild(cell(c.targetVersion));
    const stateTd = document.createElement('td');
    const state = document.createElement('span');
    state.className = 'campaign-state campaign-' + c.state;
    state.textContent = c.state;
    if (c.trustProblem) state.title = 'not served: ' + c.trustProblem;
    else if (c.stateReason) state.title = c.stateReason;
    stateTd.appendChild(state);
    tr.appendChild(stateTd);
    const n = c.counts;
    tr.appendChild(cell(n.succeeded + ' / ' + (n.failed + n.rolledBack) + ' / ' + n.total));
    body.appendChild(tr);
  }
}

// The selected device's latest commands (/api/devices/{id}/commands) and what became of each: queued, delivered,
// acknowledged, expired or dropped, with the device's answer or the reason as the detail.
async function refreshCommands() {
  const box = document.getElementById('commands-box');
  const body = document.getElementById('commands');
  let commands = [];
  try {
    if (selected) commands = await getJson('/api/devices/' + encodeURIComponent(selected) + '/commands?limit=10');
  } catch (e) {
    // The fleet view stays useful without the command list.
  }
  box.hidden = commands.length === 0;
  body.replaceChildren();
  for (const c of commands) {
    const tr = document.createElement('tr');
    tr.className = 'command';
    tr.appendChild(cell(c.op));
    tr.lastChild.title = c.id;
    const fate = c.state === 'acknowledged' && c.ok === false ? 'refused by device' : c.state;
    tr.appendChild(cell(fate, 'command-' + c.state));
    tr.appendChild(cell(ago(c.createdAt)));
    tr.appendChild(cell(c.detail || ''));
    body.appendChild(tr);
  }
}

async function refreshCampaigns() {
  try {
    renderCampaigns(await getJson('/api/campaigns'));
  } catch (e) {
    // The fleet view stays useful without the campaign list.
  }
}

async function refresh() {
  const status = document.getElementById('status');
  try {
    devices = await getAllDevices();
    if (!selected || !devices.some(d => d.id === selected)) {
      const withData = devices.filter(d => d.lastReadingTime != null)
        .sort((a, b) => b.lastReadingTime - a.lastReadingTime);
      selected = (withData[0] || devices[0] || {}).id || null;
    }
    renderDevices();
    await refreshCharts();
    await refreshCommands();
    await refreshCampaigns();
    status.textContent = devices.length + ' devices · updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    status.textContent = e instanceof AuthError ? e.message : 'update failed: ' + e.message;
  }
}

async function signIn() {
  try {
    showSignedIn(await getJson('/api/whoami'));
  } catch (e) {
    showSignedIn(null);
  }
  await refresh();
}

document.getElementById('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('token');
  if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
  signIn();
});
document.getElementById('logout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showSignedIn(null);
  devices = [];
  selected = null;
  renderDevices();
  refreshCharts();
  document.getElementById('status').textContent = 'signed out';
});

document.getElementById('range').addEventListener('change', refreshCharts);
window.addEventListener('resize', refreshCharts);
takeTokenFromFragment();
signIn();
setInterval(refresh, REFRESH_MS);
