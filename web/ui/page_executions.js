// Executions (#/executions): the list with a status filter; one execution
// (#/executions/<id>): its state graph drawn from its ASL definition, the selected
// state's input, output, retries and error, and the whole event history.
import { get, withQuery } from './api.js';
import { alertBox, badge, facts, formatDuration, h, jsonBlock, replace, table, timeElement } from './dom.js';
import { legend, mergeStatuses, stateGraph, stateStatuses, STATUS_LABELS } from './graph.js';
import { pager, pageHash } from './pager.js';

const PAGE_SIZE = 50;
const MAX_CHILDREN_SHOWN = 20;
export const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
export const EXECUTION_COLUMNS = ['Execution', 'Profile', 'Status', 'Started', 'Duration'];

function duration(e) {
  if (!e.startDate) return '—';
  const end = e.stopDate ? new Date(e.stopDate) : new Date();
  return formatDuration(end - new Date(e.startDate)) + (e.stopDate ? '' : ' so far');
}

function who(e) {
  const input = e.input && typeof e.input === 'object' ? e.input : {};
  if (typeof input.profileName !== 'string') return '—';
  const kind = typeof input.kind === 'string' ? input.kind : 'user';
  const domain = String(input.domainName ?? '');
  return h('a', { href: `#/profiles/${encodeURIComponent(domain)}/${encodeURIComponent(kind)}/${encodeURIComponent(input.profileName)}` },
    `${domain}/${input.profileName}`);
}

//! Table rows (EXECUTION_COLUMNS) for executions as the API lists them.
export function executionRows(list) {
  return list.map((e) => [
    h('a', { href: `#/executions/${encodeURIComponent(e.id)}`, class: 'strong mono' }, e.name || e.id),
    who(e), badge(e.status), timeElement(e.startDate), duration(e),
  ]);
}

async function renderList(ctx) {
  const q = ctx.query;
  const statusSelect = h('select', { id: 'f-status', name: 'status' },
    h('option', { value: '' }, 'any'),
    STATUSES.map((v) => h('option', { value: v, selected: v === q.get('status') }, v)));
  const form = h('form', { class: 'filters', 'aria-label': 'Filter executions' },
    h('div', { class: 'field' }, h('label', { for: 'f-status' }, 'Status'), statusSelect),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Filter')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = pageHash('executions', { status: statusSelect.value });
  });
  const results = h('div', { 'aria-live': 'polite' });
  replace(ctx.root, h('div', { class: 'page-head' }, h('h1', {}, 'Executions')), form, results);
  let list = [];
  const load = async () => {
    const answer = await get(withQuery('/v1/executions', { status: q.get('status'), limit: PAGE_SIZE, cursor: q.get('cursor') }));
    if (ctx.stale()) return;
    list = (answer.executions || []).filter((e) => !q.get('status') || e.status === q.get('status'));
    replace(results,
      table('Executions', EXECUTION_COLUMNS, executionRows(list), 'No execution matches.'),
      pager('executions', q, answer.nextCursor));
  };
  await load();
  return { refresh: load, live: () => list.some((e) => e.status === 'RUNNING') };
}

function stateDetails(name, st, definition) {
  const state = definition && definition.States ? definition.States[name] : undefined;
  if (!st) st = { status: 'notreached', retries: 0 };
  return h('section', { class: 'card state-details', 'aria-labelledby': 'sd-title', id: 'state-details' },
    h('h2', { id: 'sd-title' }, `State ${name}`),
    facts([
      ['Type', state && state.Type ? state.Type : '—'],
      ['Status', h('span', { class: `pill ${st.status}` }, STATUS_LABELS[st.status])],
      ['Entered', `${st.entered || 0} time${st.entered === 1 ? '' : 's'}`],
      ['Retries', String(st.retries || 0)],
      ['Error', st.error ?? '—'],
      ['Cause', st.cause ? h('span', { class: 'cause' }, st.cause) : '—'],
    ]),
    h('details', { open: true }, h('summary', {}, 'Input'), st.input === undefined ? h('p', { class: 'empty' }, 'Not entered.') : jsonBlock(st.input)),
    h('details', {}, h('summary', {}, 'Output'), st.output === undefined ? h('p', { class: 'empty' }, 'No output yet.') : jsonBlock(st.output)),
    state ? h('details', {}, h('summary', {}, 'Definition'), jsonBlock(state)) : null);
}

function eventSummary(e) {
  const d = e.details && typeof e.details === 'object' ? e.details : {};
  const bits = [];
  if (typeof d.name === 'string') bits.push(d.name);
  if (d.attempt) bits.push(`attempt ${d.attempt}`);
  if (typeof d.error === 'string') bits.push(d.error);
  if (typeof d.caught === 'string') bits.push(`caught ${d.caught}`);
  return bits.join(' · ');
}

function historyList(history, openIds) {
  return h('ol', { class: 'events' }, history.map((e) => {
    const isError = /Failed|TimedOut|Aborted/.test(e.type) || (e.details && e.details.caught);
    const item = h('details', { 'data-event': String(e.id), open: openIds.has(String(e.id)) },
      h('summary', {},
        h('span', { class: 'ev-id' }, `#${e.id}`),
        h('span', { class: `ev-type${isError ? ' text-bad' : ''}` }, e.type),
        h('span', { class: 'ev-what' }, eventSummary(e)),
        timeElement(e.timestamp)),
      e.node ? h('p', { class: 'help' }, `Run by ${e.node}`) : null,
      jsonBlock(e.details));
    item.addEventListener('toggle', () => {
      if (item.open) openIds.add(String(e.id));
      else openIds.delete(String(e.id));
    });
    return h('li', {}, item);
  }));
}

async function renderExecution(ctx) {
  const id = ctx.params[0];
  let selected = null;
  let detail = null;
  const openIds = new Set();
  const load = async () => {
    detail = await get(`/v1/executions/${encodeURIComponent(id)}`);
    const statuses = stateStatuses(detail.history);
    const children = (detail.childExecutions || []).slice(0, MAX_CHILDREN_SHOWN);
    for (const child of children) {
      try {
        const c = await get(`/v1/executions/${encodeURIComponent(child.id)}`);
        mergeStatuses(statuses, stateStatuses(c.history));
      } catch {
        // a child that cannot be read leaves its states grey
      }
    }
    if (ctx.stale()) return;
    ctx.setTitle(`${detail.name || id} · Executions`);
    if (!selected) {
      selected = [...statuses.entries()].reverse().find(([, st]) => st.status === 'failed' || st.status === 'running')?.[0]
        || (detail.path && detail.path.length ? detail.path[detail.path.length - 1] : null);
    }
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.state : null;
    const detailsSlot = h('div', {});
    const select = (name) => {
      selected = name;
      replace(detailsSlot, stateDetails(name, statuses.get(name), detail.definition));
      for (const g of ctx.root.querySelectorAll('g.state')) g.classList.toggle('selected', g.dataset.state === name);
    };
    const graph = detail.definition && detail.definition.States
      ? stateGraph(detail.definition, statuses, select)
      : alertBox('warn', 'This daemon does not send the execution\'s definition, so its graph cannot be drawn.');
    const failedChildren = (detail.childExecutions || []).filter((c) => c.status === 'FAILED').length;
    replace(ctx.root,
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/executions' }, 'Executions')),
      h('div', { class: 'page-head' },
        h('h1', { class: 'mono' }, detail.name || id),
        h('div', { class: 'head-badges', id: 'execution-status' }, badge(detail.status))),
      detail.error ? alertBox('error', `${detail.error}: ${detail.cause ?? ''}`) : null,
      h('section', { class: 'card', 'aria-labelledby': 'ex-facts' },
        h('h2', { id: 'ex-facts', class: 'visually-hidden' }, 'Execution'),
        facts([
          ['Id', h('span', { class: 'mono' }, detail.id)],
          ['Profile', who(detail)],
          ['Started', timeElement(detail.startDate)],
          ['Stopped', timeElement(detail.stopDate)],
          ['Duration', duration(detail)],
          ['Parent', detail.parentId ? h('a', { href: `#/executions/${encodeURIComponent(detail.parentId)}` }, detail.parentId) : '—'],
          ['Branches', detail.childExecutions && detail.childExecutions.length
            ? `${detail.childExecutions.length}${failedChildren ? `, ${failedChildren} failed` : ''}` : '—'],
        ])),
      h('div', { class: 'graph-layout' },
        h('section', { class: 'card graph-card', 'aria-labelledby': 'ex-graph' },
          h('h2', { id: 'ex-graph' }, 'State graph'),
          legend(),
          h('div', { class: 'graph-scroll' }, graph)),
        detailsSlot),
      h('section', { class: 'card', 'aria-labelledby': 'ex-io' },
        h('h2', { id: 'ex-io' }, 'Input and output'),
        h('details', {}, h('summary', {}, 'Execution input'), jsonBlock(detail.input)),
        h('details', {}, h('summary', {}, 'Execution output'), jsonBlock(detail.output))),
      h('section', { 'aria-labelledby': 'ex-history' },
        h('h2', { id: 'ex-history' }, `Event history (${(detail.history || []).length})`),
        historyList(detail.history || [], openIds)));
    if (selected) select(selected);
    if (focused) {
      const again = [...ctx.root.querySelectorAll('g.state')].find((g) => g.dataset.state === focused);
      if (again) again.focus({ preventScroll: true });
    }
  };
  await load();
  return { refresh: load, live: () => Boolean(detail && detail.status === 'RUNNING') };
}

export async function render(ctx) {
  if (ctx.params.length > 0) return renderExecution(ctx);
  return renderList(ctx);
}
