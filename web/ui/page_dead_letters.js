// Dead letters (#/dead-letters): recoveries that failed for good, with their error, and
// a redrive button (POST /v1/dead-letters/{id}/redrive, confirmed in a dialog).
import { get, post, withQuery } from './api.js';
import { confirmAction } from './confirm.js';
import { badge, h, jsonBlock, replace, table, timeElement } from './dom.js';
import { pager } from './pager.js';

const PAGE_SIZE = 50;

export async function render(ctx) {
  const q = ctx.query;
  let notice = null;
  const load = async () => {
    const answer = await get(withQuery('/v1/dead-letters', { limit: PAGE_SIZE, cursor: q.get('cursor') }));
    if (ctx.stale()) return;
    const rows = (answer.deadLetters || []).map((d) => {
      const payload = d.payload && typeof d.payload === 'object' ? d.payload : {};
      const canRedrive = !d.redriveExecutionId;
      return [
        h('span', { class: 'mono' }, d.id),
        typeof payload.profileName === 'string' ? `${payload.domainName ?? ''}/${payload.profileName}` : '—',
        h('div', {}, h('strong', { class: 'text-bad' }, d.error || '—'), h('div', { class: 'cause' }, d.cause || '')),
        timeElement(d.createdAt),
        h('a', { href: `#/executions/${encodeURIComponent(d.executionId)}` }, 'failed execution'),
        canRedrive
          ? h('button', {
            type: 'button', class: 'button primary small', 'data-redrive': d.id,
            onclick: async () => {
              let started = null;
              const done = await confirmAction({
                title: 'Redrive this recovery?',
                text: 'A new execution starts with the same input. Redrive once the cause is fixed.',
                extra: h('details', {}, h('summary', {}, 'Input'), jsonBlock(d.payload)),
                confirmLabel: 'Redrive',
                action: async () => {
                  started = await post(`/v1/dead-letters/${encodeURIComponent(d.id)}/redrive`);
                },
              });
              if (done) {
                notice = h('p', { class: 'alert ok', role: 'status' }, 'Redriven: ',
                  h('a', { href: `#/executions/${encodeURIComponent(started.executionId)}` }, 'follow the new execution'), '.');
                await load();
              }
            },
          }, 'Redrive…')
          : h('div', {}, badge(d.status || 'redriven'), ' ',
            h('a', { href: `#/executions/${encodeURIComponent(d.redriveExecutionId)}` }, 'new execution')),
      ];
    });
    replace(ctx.root,
      h('div', { class: 'page-head' }, h('h1', {}, 'Dead letters')),
      notice,
      h('p', { class: 'help' }, 'Recoveries that failed after every retry. Fix the cause (the error says what), then redrive.'),
      table('Dead letters', ['Letter', 'Profile', 'Error', 'Failed at', 'Execution', 'Redrive'], rows,
        'No dead letter: every failed recovery was redriven or none failed.'),
      pager('dead-letters', q, answer.nextCursor));
  };
  await load();
  return null;
}
