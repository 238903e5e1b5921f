// Profiles (#/profiles): search by name prefix, filters, pages; one profile
// (#/profiles/<domain>/<kind>/<name>): its facts, last replication, history timeline,
// recoveries, and the replication and add-target actions (each confirmed in a dialog).
import { get, post, profileName, profilePath, withQuery } from './api.js';
import { confirmAction } from './confirm.js';
import { alertBox, badge, facts, formatBytes, formatDuration, formatNumber, h, replace, table, timeElement } from './dom.js';
import { executionRows, EXECUTION_COLUMNS } from './page_executions.js';
import { pager, pageHash } from './pager.js';

const PAGE_SIZE = 50;
const FILTERS = {
  kind: ['user', 'space'],
  status: ['active', 'deleted', 'pending'],
  replication: ['on', 'off'],
};

export function profileHref(p) {
  return `#/profiles/${encodeURIComponent(p.domain_name)}/${encodeURIComponent(p.kind)}/${encodeURIComponent(profileName(p))}`;
}

function home(p) {
  return p.efs_sys_id ? `${p.efs_sys_id}/${p.efs_uid}` : '—';
}

// The daemon may be older than its list filters: what it did not filter is filtered here.
function matches(p, q) {
  if (q.get('prefix') && !profileName(p).startsWith(q.get('prefix'))) return false;
  if (q.get('domain') && p.domain_name !== q.get('domain')) return false;
  if (q.get('kind') && p.kind !== q.get('kind')) return false;
  if (q.get('status') && p.status !== q.get('status')) return false;
  if (q.get('replication') && (p.replication ? 'on' : 'off') !== q.get('replication')) return false;
  return true;
}

function select(name, label, values, current) {
  return h('div', { class: 'field' },
    h('label', { for: `f-${name}` }, label),
    h('select', { id: `f-${name}`, name },
      h('option', { value: '' }, 'any'),
      values.map((v) => h('option', { value: v, selected: v === current }, v))));
}

function filterForm(q) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find profiles' },
    h('div', { class: 'field grow' },
      h('label', { for: 'f-prefix' }, 'Name starts with'),
      h('input', { id: 'f-prefix', name: 'prefix', type: 'search', value: q.get('prefix') || '', autocomplete: 'off' })),
    h('div', { class: 'field' },
      h('label', { for: 'f-domain' }, 'Domain'),
      h('input', { id: 'f-domain', name: 'domain', type: 'text', value: q.get('domain') || '', autocomplete: 'off' })),
    select('kind', 'Kind', FILTERS.kind, q.get('kind')),
    select('status', 'Status', FILTERS.status, q.get('status')),
    select('replication', 'Replication', FILTERS.replication, q.get('replication')),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Search')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const params = {};
    for (const [k, v] of new FormData(form).entries()) if (String(v).trim()) params[k] = String(v).trim();
    location.hash = pageHash('profiles', params);
  });
  return form;
}

async function renderList(ctx) {
  const q = ctx.query;
  const results = h('div', { 'aria-live': 'polite' });
  replace(ctx.root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Profiles')),
    filterForm(q),
    results);
  const params = { limit: PAGE_SIZE, cursor: q.get('cursor') };
  for (const k of ['prefix', 'domain', 'kind', 'status', 'replication']) params[k] = q.get(k);
  const answer = await get(withQuery('/v1/profiles', params));
  if (ctx.stale()) return null;
  const rows = (answer.profiles || []).filter((p) => matches(p, q));
  replace(results,
    table('Profiles', ['Name', 'Domain', 'Kind', 'Status', 'Replication', 'Home', 'Last replication', 'Updated'],
      rows.map((p) => [
        h('a', { href: profileHref(p), class: 'strong' }, profileName(p)),
        p.domain_name, p.kind, badge(p.status), badge(p.replication ? 'on' : 'off'), home(p),
        p.replication_status ? badge(p.replication_status) : '—', timeElement(p.updated_at),
      ]),
      'No profile matches these filters.'),
    pager('profiles', q, answer.nextCursor));
  return null;
}

function timeline(history) {
  if (!history || history.length === 0) return h('p', { class: 'empty' }, 'No history recorded.');
  return h('ol', { class: 'timeline' }, history.map((e) => h('li', { class: `tl-${e.outcome || 'event'}` },
    h('div', { class: 'tl-head' }, h('strong', {}, e.event_type || 'event'), ' ', badge(e.outcome), ' ',
      timeElement(e.event_time || e.recorded_at)),
    e.detail ? h('p', { class: 'tl-detail' }, e.detail) : null)));
}

function replicationAction(p, path, onDone) {
  const turningOn = !p.replication;
  return h('button', {
    type: 'button', class: `button ${turningOn ? 'primary' : 'danger'}`, id: 'toggle-replication',
    onclick: async () => {
      const done = await confirmAction({
        title: turningOn ? 'Turn replication on?' : 'Turn replication off?',
        text: turningOn
          ? `When ${profileName(p)} is recreated, Lifeboat will copy the old home into the new one.`
          : `When ${profileName(p)} is recreated, Lifeboat will not copy the old home: the new home starts empty.`,
        confirmLabel: turningOn ? 'Turn on' : 'Turn off',
        danger: !turningOn,
        action: () => post(`${path}/replication`, { enabled: turningOn }),
      });
      if (done) onDone(turningOn ? 'Replication is on.' : 'Replication is off.');
    },
  }, turningOn ? 'Turn replication on' : 'Turn replication off');
}

function addTargetAction(p, onDone) {
  return h('button', {
    type: 'button', class: 'button', id: 'add-target',
    onclick: async () => {
      const domain = h('input', { id: 't-domain', value: p.domain_name, required: true, autocomplete: 'off' });
      const kind = h('select', { id: 't-kind' }, ['user', 'space'].map((k) => h('option', { value: k, selected: k === p.kind }, k)));
      const name = h('input', { id: 't-name', required: true, autocomplete: 'off' });
      const extra = h('div', { class: 'dialog-fields' },
        h('div', { class: 'field' }, h('label', { for: 't-domain' }, 'Target domain'), domain),
        h('div', { class: 'field' }, h('label', { for: 't-kind' }, 'Target kind'), kind),
        h('div', { class: 'field' }, h('label', { for: 't-name' }, 'Target name'), name));
      const done = await confirmAction({
        title: 'Point a future profile at this home',
        text: `When the named profile is created, Lifeboat copies ${profileName(p)}'s home into it.`,
        extra,
        confirmLabel: 'Add target',
        action: () => post('/v1/replication-targets', {
          source: { domainName: p.domain_name, kind: p.kind, profileName: profileName(p) },
          target: { domainName: domain.value.trim(), kind: kind.value, profileName: name.value.trim() },
        }),
      });
      if (done) onDone(`${name.value.trim()} will receive this home when it is created.`);
    },
  }, 'Add target…');
}

async function renderProfile(ctx) {
  const [domain, kind, name] = ctx.params;
  const path = profilePath(domain, kind, name);
  let notice = null;
  let recoveries = [];
  const load = async () => {
    const p = await get(path);
    const list = await get(withQuery('/v1/executions', { profile: `${domain}/${kind}/${name}`, limit: 20 }));
    if (ctx.stale()) return;
    recoveries = (list.executions || []).filter((e) => {
      const input = e.input || {};
      return input.profileName === undefined
        || (input.profileName === name && input.domainName === domain && (input.kind || 'user') === kind);
    });
    ctx.setTitle(`${name} · Profiles`);
    const reload = (message) => {
      notice = message;
      load();
    };
    replace(ctx.root,
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/profiles' }, 'Profiles'), ' / ', domain, ' / ', kind),
      h('div', { class: 'page-head' },
        h('h1', {}, name),
        h('div', { class: 'head-badges' }, badge(p.status), badge(p.replication ? 'on' : 'off'))),
      notice ? alertBox('ok', notice) : null,
      h('div', { class: 'toolbar' }, replicationAction(p, path, reload), addTargetAction(p, reload)),
      h('div', { class: 'grid-2' },
        h('section', { class: 'card', 'aria-labelledby': 'p-facts' },
          h('h2', { id: 'p-facts' }, 'Profile'),
          facts([
            ['Domain', `${p.domain_name} (${p.domain_id || '—'})`],
            ['Kind', p.kind],
            ['Status', badge(p.status)],
            ['Replication', p.replication ? 'on: a recreated profile gets its old home back' : 'off: opted out'],
            ['Home', home(p)],
            ['Owner', p.owner_uid === null ? '—' : `uid ${p.owner_uid}, gid ${p.owner_gid}`],
            ['Pending source', p.pending_source_efs_sys_id ? `${p.pending_source_efs_sys_id}/${p.pending_source_efs_uid}` : '—'],
            ['Last event', timeElement(p.last_event_time)],
          ])),
        h('section', { class: 'card', 'aria-labelledby': 'p-last' },
          h('h2', { id: 'p-last' }, 'Last replication'),
          p.replication_status
            ? facts([
              ['Result', badge(p.replication_status)],
              ['Files', formatNumber(p.files_transferred)],
              ['Bytes', formatBytes(p.bytes_transferred)],
              ['Duration', formatDuration(p.total_duration_ms)],
              ['Execution', p.execution_id ? h('a', { href: `#/executions/${encodeURIComponent(p.execution_id)}` }, p.execution_id) : '—'],
            ])
            : h('p', { class: 'empty' }, 'Never replicated.'))),
      h('section', { 'aria-labelledby': 'p-recoveries' },
        h('h2', { id: 'p-recoveries' }, 'Recoveries'),
        table('Recoveries of this profile', EXECUTION_COLUMNS, executionRows(recoveries), 'No recovery has run for this profile.')),
      h('section', { 'aria-labelledby': 'p-history' },
        h('h2', { id: 'p-history' }, 'Homes and events over time'),
        timeline(p.history)));
  };
  await load();
  return { refresh: load, live: () => recoveries.some((e) => e.status === 'RUNNING') };
}

export async function render(ctx) {
  if (ctx.params.length >= 3) return renderProfile(ctx);
  if (ctx.params.length > 0) {
    replace(ctx.root, h('h1', {}, 'Profiles'), alertBox('error', 'A profile is addressed as #/profiles/DOMAIN/KIND/NAME.'));
    return null;
  }
  return renderList(ctx);
}
