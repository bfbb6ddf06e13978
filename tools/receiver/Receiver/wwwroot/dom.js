// Small DOM helpers shared by the page's views.
export function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export function row(cells, className) {
  const tr = document.createElement('tr');
  if (className) tr.className = className;
  for (const c of cells) tr.appendChild(typeof c === 'string' ? cell(c) : c);
  return tr;
}

export function badge(text, className) {
  const td = document.createElement('td');
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  td.appendChild(span);
  return td;
}

export function ago(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return duration(s) + ' ago';
}

export function duration(s) {
  if (s < 90) return Math.round(s) + ' s';
  if (s < 5400) return Math.round(s / 60) + ' min';
  if (s < 172800) return Math.round(s / 3600) + ' h';
  return Math.round(s / 86400) + ' d';
}

export function percent(rate) {
  return rate == null ? '–' : (100 * rate).toFixed(1) + ' %';
}

// Asks before an action: the dialog in index.html; resolves true only for "Confirm".
export function confirmAction(message, actionLabel) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = message;
  document.getElementById('confirm-ok').textContent = actionLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true }));
}

// A dialog's form field: the label's text, then an input with these properties.
export function field(label, name, attrs) {
  const l = document.createElement('label');
  l.append(label + ' ', Object.assign(document.createElement('input'), { name, ...attrs }));
  return l;
}
