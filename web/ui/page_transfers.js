// Transfers (#/transfers): every recorded replication, newest first: who, result, files,
// bytes, duration.
import { get, profileName, withQuery } from './api.js';
import { badge, formatBytes, formatDuration, formatNumber, h, replace, table, timeElement } from './dom.js';
import { pager } from './pager.js';

const PAGE_SIZE = 50;

export async function render(ctx) {
  const q = ctx.query;
  const answer = await get(withQuery('/v1/transfers', { limit: PAGE_SIZE, cursor: q.get('cursor') }));
  if (ctx.stale()) return null;
  const rows = (answer.transfers || []).map((t) => {
    const name = profileName(t);
    return [
      h('a', { href: `#/profiles/${encodeURIComponent(t.domain_name)}/${encodeURIComponent(t.kind)}/${encodeURIComponent(name)}`, class: 'strong' }, name),
      t.domain_name,
      badge(t.replication_status),
      formatNumber(t.files_transferred),
      formatBytes(t.bytes_transferred),
      formatDuration(t.total_duration_ms),
      t.execution_id ? h('a', { href: `#/executions/${encodeURIComponent(t.execution_id)}`, class: 'mono' }, 'graph') : '—',
      timeElement(t.recorded_at),
    ];
  });
  replace(ctx.root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Transfers')),
    h('p', { class: 'help' }, 'Each copy of an old home into a new one, as recorded when it finished. '
      + 'Files and bytes count what was copied; the result says whether every file was verified.'),
    table('Transfers', ['Profile', 'Domain', 'Result', 'Files', 'Bytes', 'Duration', 'Execution', 'Recorded'], rows,
      'No transfer has run yet.'),
    pager('transfers', q, answer.nextCursor));
  return null;
}
