// A campaign's rollback on the campaign page (CampaignRollbackView): the version it offers back to the updated devices
// if it halts, and once a halt offered it, the rollback campaign <id>-rollback linked with its state and progress. On
// the rollback campaign itself, a link back to the halted campaign it undoes.

function link(id) {
  return Object.assign(document.createElement('a'), { href: '#campaign=' + encodeURIComponent(id), textContent: id, className: 'campaign-link' });
}

function progress(r) {
  const n = r.counts;
  const parts = [`${n.succeeded} of ${n.total} back on ${r.version}`];
  if (n.inFlight) parts.push(n.inFlight + ' in flight');
  if (n.waiting) parts.push(n.waiting + ' waiting');
  if (n.failed + n.rolledBack) parts.push((n.failed + n.rolledBack) + ' failed');
  if (n.cancelled) parts.push(n.cancelled + ' cancelled');
  return parts.join(', ');
}

// The facts (label, text or element) the campaign page lists for the rollback; none for a campaign without one.
export function rollbackFacts(c) {
  const facts = [];
  const r = c.rollback;
  if (r) {
    const planned = `${r.version} (downgrade counter ${r.downgradeCounter})`;
    if (!r.campaignId) facts.push(['Rollback', planned + ': offered to the updated devices if it halts']);
    else {
      const shown = Object.assign(document.createElement('span'), { className: 'rollback-progress' });
      const state = Object.assign(document.createElement('span'), { className: 'campaign-state campaign-' + r.state, textContent: r.state });
      if (r.stateReason) state.title = r.stateReason;
      shown.append(link(r.campaignId), ' ', state, ': ' + progress(r));
      facts.push(['Rollback', planned], ['Rollback campaign', shown]);
    }
  }
  if (c.rollbackOf) facts.push(['Rollback of', link(c.rollbackOf)]);
  return facts;
}
