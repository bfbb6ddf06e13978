// The fleet page: the SLI panel, the fleet and the campaigns on the left; on the right the device page (#device=ID,
// initially the device with the newest reading) or a campaign's page (#campaign=ID). Plain modules, no framework.
import { AuthError, takeTokenFromFragment, setToken, signedOut, getJson, getAllDevices, mayOperate } from './api.js';
import { row, cell, badge, ago } from './dom.js';
import { refreshSli } from './sli.js';
import { showDevice, redrawCharts } from './device.js';
import { refreshCampaignList, showCampaign, markShown, setOperator, wireCampaignControls, clearCampaignMessage } from './campaigns.js';

const REFRESH_MS = 10000;
let devices = [];
let selected = null;  // the device on the device page

function route() {
  const m = /^#(device|campaign)=(.{1,200})$/.exec(location.hash);
  return m ? { view: m[1], id: decodeURIComponent(m[2]) } : { view: 'device', id: null };
}

function showSignedIn(who) {
  document.getElementById('login').hidden = !!who;
  document.getElementById('logout').hidden = !who;
  const el = document.getElementById('who');
  el.hidden = !who;
  el.textContent = who ? who.actor + ' · ' + who.role : '';
  setOperator(!!who && mayOperate(who.role));
}

function renderDevices() {
  document.getElementById('no-devices').hidden = devices.length > 0;
  document.getElementById('devices').replaceChildren(...devices.map(d => {
    const name = d.revoked ? 'revoked' : (d.state || 'unknown');
    const tr = row([cell(d.id, d.revoked ? 'revoked' : ''),
      badge(name, 'state state-' + (['online', 'offline', 'sleeping'].includes(name) ? name : 'unknown')),
      d.firmware || '–', ago(d.lastSeen), d.batteryMillivolts == null ? '–' : (d.batteryMillivolts / 1000).toFixed(2) + ' V'],
      d.id === selected && route().view === 'device' ? 'selected' : '');
    tr.addEventListener('click', () => { location.hash = 'device=' + encodeURIComponent(d.id); });
    return tr;
  }));
}

async function refreshView() {
  const r = route();
  document.getElementById('device-view').hidden = r.view !== 'device';
  document.getElementById('campaign-view').hidden = r.view !== 'campaign';
  if (r.view === 'campaign') {
    renderDevices();
    return showCampaign(r.id);
  }
  markShown();
  if (r.id) selected = r.id;
  if (!selected || !devices.some(d => d.id === selected)) {
    const withData = devices.filter(d => d.lastReadingTime != null).sort((a, b) => b.lastReadingTime - a.lastReadingTime);
    selected = (withData[0] || devices[0] || {}).id || null;
  }
  renderDevices();
  return showDevice(selected);
}

async function refresh() {
  const status = document.getElementById('status');
  try {
    devices = await getAllDevices();
    renderDevices();
    await refreshSli();
    await refreshCampaignList();
    await refreshView();
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

function signOut() {
  setToken(null);
  showSignedIn(null);
  devices = [];
  selected = null;
  renderDevices();
  location.hash = '';
  document.getElementById('status').textContent = 'signed out';
}

document.getElementById('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('token');
  if (input.value.trim()) setToken(input.value.trim());
  input.value = '';
  signIn();
});
document.getElementById('logout').addEventListener('click', signOut);
signedOut.addEventListener('signedout', () => showSignedIn(null));
document.getElementById('confirm-ok').addEventListener('click', () => document.getElementById('confirm').close('confirm'));
document.getElementById('confirm-cancel').addEventListener('click', () => document.getElementById('confirm').close('cancel'));
document.getElementById('range').addEventListener('change', () => redrawCharts(selected));
window.addEventListener('hashchange', () => {
  if (/^#token=/.test(location.hash)) return;
  clearCampaignMessage();
  refreshView().catch(e => { document.getElementById('status').textContent = 'update failed: ' + e.message; });
});
wireCampaignControls();
takeTokenFromFragment();
signIn();
setInterval(refresh, REFRESH_MS);
