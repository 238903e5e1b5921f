// The dashboard's shell: sign-in, hash routing (#/profiles, #/executions/<id>, …), the
// confirmation dialog, and live polling while a page shows something running (README
// "Dashboard"). Plain ES modules, no framework, no build step.
import { api, clearToken, setToken, setUnauthorizedHandler, token } from './api.js';
import { alertBox, h, replace } from './dom.js';
import * as overview from './page_overview.js';
import * as profiles from './page_profiles.js';
import * as executions from './page_executions.js';
import * as transfers from './page_transfers.js';
import * as deadLetters from './page_dead_letters.js';

const POLL_MS = 3000;
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
const liveBadge = document.getElementById('live');

let current = null;  // {refresh, live} of the page on screen
let generation = 0;  // bumped by each navigation: a slow answer for an old page is dropped
let signInMessage = '';

//! Parses location.hash: "#/executions/abc?x=1" → {parts: ['executions','abc'], query}.
function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search] = hash.split('?', 2);
  const parts = path.split('/').filter((p) => p !== '').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return { parts, query: new URLSearchParams(search || '') };
}

const pages = {
  overview: { title: 'Overview', module: overview },
  profiles: { title: 'Profiles', module: profiles },
  executions: { title: 'Executions', module: executions },
  transfers: { title: 'Transfers', module: transfers },
  'dead-letters': { title: 'Dead letters', module: deadLetters },
};

function setLive(live) {
  liveBadge.hidden = !live;
}

async function show() {
  const mine = ++generation;
  current = null;
  setLive(false);
  if (!token()) {
    renderSignIn();
    return;
  }
  nav.hidden = false;
  signOutButton.hidden = false;
  const { parts, query } = route();
  const name = parts[0] || 'overview';
  const page = pages[name];
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!page) {
    document.title = 'Not found · Lifeboat';
    replace(main, h('h1', {}, 'Not found'),
      alertBox('error', `The dashboard has no page "${parts.join('/')}".`),
      h('p', {}, h('a', { href: '#/overview' }, 'Go to the overview')));
    return;
  }
  const root = h('div', { class: 'page' });
  replace(main, root);
  const ctx = {
    root,
    params: parts.slice(1),
    query,
    setTitle: (title) => { document.title = `${title} · Lifeboat`; },
    stale: () => mine !== generation,
  };
  ctx.setTitle(page.title);
  try {
    const handle = await page.module.render(ctx);
    if (mine !== generation) return;
    current = handle || null;
    setLive(Boolean(current && current.live && current.live()));
  } catch (e) {
    if (mine !== generation || (e && e.status === 401)) return;
    replace(root, h('h1', {}, page.title), alertBox('error', e.message));
  }
}

function renderSignIn() {
  nav.hidden = true;
  signOutButton.hidden = true;
  document.title = 'Sign in · Lifeboat';
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
    spellcheck: 'false', 'aria-describedby': 'token-help',
  });
  const error = h('p', { id: 'sign-in-error', class: 'alert error', role: 'alert', hidden: !signInMessage },
    signInMessage);
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const form = h('form', { class: 'card sign-in', novalidate: true },
    h('h1', {}, 'Sign in to Lifeboat'),
    h('label', { for: 'token' }, 'API token'),
    input,
    h('p', { id: 'token-help', class: 'help' },
      'The token of this daemon: ', h('code', {}, 'lifeboat token'),
      ' prints it. It is kept in this tab only and forgotten when the tab closes.'),
    error,
    button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const presented = input.value.trim();
    if (!presented) {
      replace(error, 'Enter the API token.');
      error.hidden = false;
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      await api('GET', '/v1/dead-letters?limit=1', undefined, presented);
      setToken(presented);
      signInMessage = '';
      show();
    } catch (e) {
      replace(error, e.status === 401
        ? 'That token was refused. Check it with `lifeboat token` on the daemon\'s host.'
        : e.message);
      error.hidden = false;
      input.select();
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  replace(main, h('div', { class: 'page narrow' }, form));
  input.focus();
}

function signOut(message) {
  clearToken();
  signInMessage = message || '';
  show();
}

setUnauthorizedHandler((message) => {
  if (!token()) return;
  signOut(`The daemon refused the token (${message}). Sign in again.`);
});
signOutButton.addEventListener('click', () => signOut('You are signed out.'));
window.addEventListener('hashchange', () => {
  show();
  main.focus({ preventScroll: true });
});

// Live: while the page shows something running and the tab is visible, refresh it every
// few seconds (EventSource cannot send the Authorization header, so this polls).
async function poll() {
  const page = current;
  if (!page || document.hidden || !page.live || !page.live()) return;
  const mine = generation;
  try {
    await page.refresh();
  } catch {
    // the next round tries again; a 401 signs out through the handler
  }
  if (mine === generation) setLive(Boolean(page.live()));
}
setInterval(poll, POLL_MS);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) poll();
});

show();
