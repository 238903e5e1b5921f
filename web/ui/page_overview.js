// Overview (#/overview): the daemon's health and the figures an administrator checks
// first, from GET /v1/status, with a chart of recoveries per hour.
import { get } from './api.js';
import { alertBox, badge, facts, formatBytes, formatDuration, formatNumber, formatTime, h, replace, s } from './dom.js';

function stat(label, value, tone, href) {
  const body = [h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label)];
  return h('li', { class: `stat ${tone || ''}` }, href ? h('a', { href }, body) : body);
}

//! A bar chart of `hours` ([{hour, succeeded, failed}], oldest first) as SVG, with a text
//! summary for screen readers.
export function recoveriesChart(hours) {
  const width = 720;
  const height = 160;
  const pad = { left: 32, right: 8, top: 10, bottom: 24 };
  const max = Math.max(1, ...hours.map((x) => (x.succeeded || 0) + (x.failed || 0)));
  const slot = (width - pad.left - pad.right) / Math.max(1, hours.length);
  const y = (v) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const total = hours.reduce((a, x) => a + (x.succeeded || 0), 0);
  const failed = hours.reduce((a, x) => a + (x.failed || 0), 0);
  const svg = s('svg', {
    class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Recoveries per hour over the last ${hours.length} hours: ${total} succeeded, ${failed} failed`,
  });
  for (const v of [0, max]) {
    svg.append(s('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: pad.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(v)));
  }
  hours.forEach((x, i) => {
    const ok = x.succeeded || 0;
    const bad = x.failed || 0;
    const bx = pad.left + i * slot + slot * 0.15;
    const bw = slot * 0.7;
    const title = s('title', {}, `${formatTime(x.hour)}: ${ok} succeeded, ${bad} failed`);
    const group = s('g', {}, title);
    if (ok) group.append(s('rect', { x: bx, y: y(ok), width: bw, height: y(0) - y(ok), class: 'bar ok' }));
    if (bad) group.append(s('rect', { x: bx, y: y(ok + bad), width: bw, height: y(ok) - y(ok + bad), class: 'bar bad' }));
    svg.append(group);
    if (i % 6 === 0 && x.hour) {
      const d = new Date(x.hour);
      const label = Number.isNaN(d.getTime()) ? '' : `${String(d.getUTCHours()).padStart(2, '0')}:00`;
      svg.append(s('text', { x: bx + bw / 2, y: height - 6, class: 'axis', 'text-anchor': 'middle' }, label));
    }
  });
  return h('figure', { class: 'chart-figure' }, svg,
    h('figcaption', {}, h('span', { class: 'key ok' }, 'succeeded'), ' ', h('span', { class: 'key bad' }, 'failed'),
      ' per hour (UTC), last 24 hours'));
}

function view(st) {
  const p = st.profiles || {};
  const r = st.recoveries || {};
  const d24 = r.last24h || {};
  const d7 = r.last7d || {};
  const attention = Array.isArray(st.attention) ? st.attention : [];
  const healthy = st.ready && st.store === 'ok' && attention.length === 0;
  return [
    h('div', { class: 'page-head' },
      h('h1', {}, 'Overview'),
      h('p', { class: `health ${healthy ? 'ok' : 'bad'}`, role: 'status' },
        healthy ? 'All is well' : 'Needs attention')),
    attention.length
      ? h('section', { class: 'card attention', 'aria-labelledby': 'attention-title' },
        h('h2', { id: 'attention-title' }, 'Needs attention'),
        h('ul', {}, attention.map((a) => h('li', {}, a))))
      : null,
    h('section', { 'aria-labelledby': 'profiles-title' },
      h('h2', { id: 'profiles-title' }, 'Profiles'),
      h('ul', { class: 'stats' },
        stat('protected', formatNumber(p.protected), 'ok', '#/profiles?status=active&replication=on'),
        stat('opted out', formatNumber(p.optedOut), p.optedOut ? 'warn' : '', '#/profiles?replication=off'),
        stat('pending', formatNumber(p.pending), '', '#/profiles?status=pending'),
        stat('deleted', formatNumber(p.deleted), '', '#/profiles?status=deleted'),
        stat('total', formatNumber(p.total), '', '#/profiles'))),
    h('section', { 'aria-labelledby': 'recoveries-title' },
      h('h2', { id: 'recoveries-title' }, 'Recoveries'),
      h('ul', { class: 'stats' },
        stat('running', formatNumber(r.running), r.running ? 'run' : '', '#/executions?status=RUNNING'),
        stat('succeeded, 24 h', formatNumber(d24.succeeded), 'ok', '#/executions?status=SUCCEEDED'),
        stat('failed, 24 h', formatNumber(d24.failed), d24.failed ? 'bad' : '', '#/executions?status=FAILED'),
        stat('succeeded, 7 days', formatNumber(d7.succeeded), 'ok'),
        stat('failed, 7 days', formatNumber(d7.failed), d7.failed ? 'bad' : ''),
        stat('restored', formatBytes(r.bytesRestored), '', '#/transfers'),
        stat('files restored', formatNumber(r.filesRestored), ''),
        stat('dead letters', formatNumber(st.deadLetters), st.deadLetters ? 'bad' : '', '#/dead-letters')),
      Array.isArray(st.recoveriesByHour) ? recoveriesChart(st.recoveriesByHour) : null),
    h('section', { class: 'card', 'aria-labelledby': 'daemon-title' },
      h('h2', { id: 'daemon-title' }, 'Daemon'),
      facts([
        ['Node', st.node ?? '—'],
        ['Version', st.version ?? '—'],
        ['Ready', badge(st.ready ? 'ok' : 'not ready')],
        ['Store', st.store === 'ok' ? badge('ok') : h('span', { class: 'text-bad' }, String(st.store ?? '—'))],
        ['Up since', `${formatTime(st.startedAt)} (${formatDuration((st.uptimeSeconds ?? 0) * 1000)})`],
        ['Workers busy', st.workers ? `${st.workers.busy} of ${st.workers.total}` : '—'],
        ['Change stream lag', formatNumber(st.streamLag)],
        ['Last reconcile', formatTime(st.lastReconcile)],
        ['Dispatcher', st.dispatcher === undefined ? '—' : (st.dispatcher ? 'this node' : 'another node')],
      ])),
  ];
}

export async function render(ctx) {
  let status = null;
  const load = async () => {
    try {
      status = await get('/v1/status');
    } catch (e) {
      if (e.status !== 404) throw e;
      status = null;
    }
    if (ctx.stale()) return;
    if (status) {
      replace(ctx.root, ...view(status));
    } else {
      replace(ctx.root, h('h1', {}, 'Overview'),
        alertBox('warn', 'This daemon does not answer GET /v1/status (it is older than the dashboard); '
          + 'the other pages work.'));
    }
  };
  await load();
  return {
    refresh: load,
    live: () => Boolean(status && status.recoveries && status.recoveries.running > 0),
  };
}
