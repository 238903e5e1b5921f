// Cursor pages (README "HTTP API": every list answers one page and a nextCursor, null on
// the last). The cursor travels in the page's hash, so Back returns to the previous page.
import { h } from './dom.js';

//! "#/NAME?k=v…" for the parameters that are set.
export function pageHash(name, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const text = q.toString();
  return text ? `#/${name}?${text}` : `#/${name}`;
}

//! Links to the first and the next page; nothing when there is only one.

export function pager(name, query, nextCursor) {
  const params = Object.fromEntries(query.entries());
  delete params.cursor;
  const first = query.get('cursor') ? h('a', { href: pageHash(name, params), class: 'button subtle' }, 'First page') : null;
  const next = nextCursor
    ? h('a', { href: pageHash(name, { ...Object.fromEntries(query.entries()), cursor: nextCursor }), class: 'button', rel: 'next' }, 'Next page')
    : null;
  if (!first && !next) return null;
  return h('nav', { class: 'pager', 'aria-label': 'Pages' }, first, next);
}
