// DOM helpers. Every value from the API is attacker-controlled (profile names, error
// messages, event bodies; docs/security.md "The dashboard"): it reaches the page only as
// text nodes and attribute values through these helpers, never as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.setAttribute('class', value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

//! h('a', {href: '#/x'}, 'text', child): an HTML element; strings become text nodes.
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

//! s('rect', {x: 1}): an SVG element.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

//! Replaces everything inside `el`.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function formatBytes(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Number(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatNumber(n) {
  if (n === null || n === undefined) return '—';
  return Number(n).toLocaleString('en-US');
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  const sec = Number(ms) / 1000;
  if (sec < 1) return `${Number(ms)} ms`;
  if (sec < 60) return `${sec.toFixed(1)} s`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min} min ${Math.round(sec % 60)} s`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours} h ${min % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

//! "2026-11-30 10:00:00 UTC" from RFC 3339; the raw text when it is not a time.
export function formatTime(text) {
  if (!text) return '—';
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return String(text);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function timeElement(text) {
  return h('time', { datetime: text || undefined }, formatTime(text));
}

//! A status word as a coloured badge ("SUCCEEDED", "FAILED", "active", …).
export function badge(status) {
  const text = status === null || status === undefined ? '—' : String(status);
  const tone = {
    SUCCEEDED: 'ok', SUCCESS: 'ok', active: 'ok', on: 'ok', ok: 'ok', redriven: 'ok',
    FAILED: 'bad', TIMED_OUT: 'bad', ABORTED: 'bad', FAILURE: 'bad', ERROR: 'bad', off: 'warn',
    RUNNING: 'run', pending: 'warn', PARTIAL: 'warn', deleted: 'muted', waiting: 'warn',
  }[text] || 'muted';
  return h('span', { class: `badge ${tone}` }, text);
}

//! A definition list of [label, value] pairs.
export function facts(pairs) {
  return h('dl', { class: 'facts' },
    pairs.map(([label, value]) => h('div', {}, h('dt', {}, label), h('dd', {}, value))));
}

//! A table that reflows to cards on narrow screens: each cell carries its column's label.
export function table(caption, columns, rows, empty) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((cells) => h('tr', {},
        cells.map((cell, i) => h('td', { 'data-label': columns[i] }, cell)))))));
}

//! Pretty JSON as text (never parsed as markup).
export function jsonBlock(value) {
  let text;
  try {
    text = JSON.stringify(value, null, 2);
  } catch {
    text = String(value);
  }
  // Focusable: a long block scrolls, and a keyboard user must be able to scroll it.
  return h('pre', { class: 'json', tabindex: '0' }, text === undefined ? 'null' : text);
}

export function alertBox(kind, message) {
  return h('p', { class: `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
}
