// The dashboard in a real browser (Debian's chromium through playwright-core) against a
// real `lifeboat serve` (README "Dashboard"): sign-in and a refused token, finding a
// profile, replication off surviving a reload, a recovery followed on the state graph
// from its event to SUCCEEDED, a dead letter redriven, a planted name rendered as text,
// axe-core on every page, screenshots of every page (desktop and phone) kept under
// LIFEBOAT_ARTIFACTS. Run by ctest as browser.Dashboard; needs root (the homes belong to
// other uids, as on a real volume).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { Daemon, profile } from './daemon.mjs';

const require = createRequire(import.meta.url);
const BIN = process.env.LIFEBOAT_BIN;
const SOURCE = process.env.LIFEBOAT_SOURCE_DIR || path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = process.env.LIFEBOAT_ARTIFACTS || path.join(process.cwd(), 'test-artifacts', 'browser');
const CHROMIUM = process.env.LIFEBOAT_CHROMIUM || '/usr/bin/chromium';
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const XSS_NAME = '<img src=x onerror=window.__xss=1>';
const XSS_DOMAIN = '<svg onload=window.__xss=2>';

let daemon;
let browser;
let context;
let page;
const problems = [];  // CSP violations, page errors, alert() calls: each one fails the run

// The shipped workflow as an administrator may edit it (`serve --workflow`): no Retry on
// Replicate, so a missing old home is dead-lettered at once, and AwaitHome looks every
// second, so a recovery waiting for its new home finishes as soon as it appears.
function testWorkflow() {
  const wf = JSON.parse(fs.readFileSync(path.join(SOURCE, 'workflows/recovery.asl.json'), 'utf8'));
  delete wf.States.Replicate.Retry;
  wf.States.AwaitHome.Parameters.pollSeconds = 1;
  return wf;
}

async function until(what, fn, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})\n${daemon.logText()}`);
}

async function axeCheck(name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), [],
    `axe-core found serious or critical violations on ${name}`);
}

// Screenshots at 1280×800 and 390×844; the page is left at desktop size.
async function shoot(name) {
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
}

async function visit(hash, heading) {
  await page.goto(`${daemon.url}/#${hash}`);
  await page.locator('main h1', { hasText: heading }).first().waitFor();
}

before(async () => {
  assert.ok(BIN, 'LIFEBOAT_BIN must name the lifeboat binary');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  daemon = new Daemon(BIN, testWorkflow());
  await daemon.start();
  // The platform: a domain, alice and bob with homes, a profile whose name is markup.
  daemon.makeHome('300001', 300001, { 'notes.txt': 'alice was here\n' });
  daemon.makeHome('300002', 300002, { 'bob.txt': 'bob\n' });
  daemon.makeHome('300020', 300020, {});
  await daemon.events([
    ['CreateDomain', { domainId: 'd-64656d6f', domainName: 'demo', homeEfsFileSystemId: 'home' }],
    ['CreateUserProfile', profile('demo', 'alice', 300001)],
    ['CreateUserProfile', profile('demo', 'bob', 300002)],
    ['CreateSpace', profile('demo', 'analytics', 300030, { space: true })],
    ['CreateUserProfile', profile(XSS_DOMAIN, XSS_NAME, 300020)],
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: DESKTOP });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => {
    problems.push(`a script opened a ${d.type()} dialog: ${d.message()}`);
    await d.dismiss();
  });
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (daemon) {
      await daemon.stop();
      if (process.exitCode) console.error(daemon.logText());
      daemon.cleanup();
    }
  }
});

test('a wrong token is refused and nothing is kept', async () => {
  await page.goto(`${daemon.url}/`);
  await page.getByLabel('API token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#sign-in-error', { hasText: 'That token was refused' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('lifeboat.token')), null);
  await shoot('sign-in');
  await axeCheck('the sign-in page');
});

test('signing in shows the overview', async () => {
  await page.getByLabel('API token').fill(daemon.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main h1', { hasText: 'Overview' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('lifeboat.token')), daemon.token);
  assert.deepEqual(await context.cookies(), [], 'the dashboard sets no cookie');
});

test('a profile is found by name and opened', async () => {
  await visit('/profiles', 'Profiles');
  await page.getByLabel('Name starts with').fill('ali');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/prefix=ali/);
  await page.getByRole('link', { name: 'alice', exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'bob', exact: true }).count(), 0, 'bob does not start with "ali"');
  await visit('/profiles', 'Profiles');
  await page.getByRole('link', { name: 'bob', exact: true }).waitFor();
  await shoot('profiles');
  await axeCheck('the profiles page');
  await page.getByRole('link', { name: 'alice', exact: true }).click();
  await page.locator('main h1', { hasText: 'alice' }).waitFor();
  await page.getByText('home/300001').first().waitFor();
});

test('replication turned off stays off after a reload', async () => {
  await visit('/profiles/demo/user/bob', 'bob');
  await page.getByRole('button', { name: 'Turn replication off' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Turn replication off?' }).waitFor();
  await axeCheck('the confirmation dialog');
  await dialog.getByRole('button', { name: 'Turn off' }).click();
  await page.getByRole('button', { name: 'Turn replication on' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Turn replication on' }).waitFor();
  const bob = await daemon.api('GET', '/v1/profiles/demo/user/bob');
  assert.equal(bob.replication, false);
  await shoot('profile');
  await axeCheck('a profile page');
});

test('an add-target the API refuses shows its error and changes nothing', async () => {
  await visit('/profiles/demo/user/alice', 'alice');
  await page.getByRole('button', { name: 'Add target…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Target name').fill('bob');  // bob exists: not a future profile
  await dialog.getByRole('button', { name: 'Add target' }).click();
  await dialog.locator('#confirm-error').waitFor();
  const message = await dialog.locator('#confirm-error').textContent();
  assert.ok(message.length > 10, `the API's error is shown: ${message}`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  const bob = await daemon.api('GET', '/v1/profiles/demo/user/bob');
  assert.equal(bob.pending_source_efs_uid, null);
});

test('a planted profile name is shown as text and runs nothing', async () => {
  await visit('/profiles', 'Profiles');
  await page.getByRole('link', { name: XSS_NAME, exact: true }).waitFor();
  await page.getByText(XSS_DOMAIN, { exact: true }).first().waitFor();
  await page.getByRole('link', { name: XSS_NAME, exact: true }).click();
  await page.locator('main h1', { hasText: XSS_NAME }).waitFor();
  assert.equal(await page.locator('main img[src="x"], main svg[onload]').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'a planted handler ran');
  assert.equal(await page.title(), `${XSS_NAME} · Profiles · Lifeboat`);
});

test('a recovery is followed from its event to SUCCEEDED on the graph', async () => {
  // alice is deleted and recreated; her new home does not exist yet, so the recovery
  // waits in AwaitHome until it appears.
  await daemon.events([
    ['DeleteUserProfile', profile('demo', 'alice', 300001)],
    ['CreateUserProfile', profile('demo', 'alice', 300003)],
  ]);
  await visit('/executions', 'Executions');
  const link = page.locator('main table a').first();
  await link.waitFor();
  await link.click();
  const state = (name) => page.locator(`svg.graph g.state[data-state="${name}"]`);
  await until('AwaitHome in progress', async () => (await state('AwaitHome').getAttribute('data-status')) === 'running');
  assert.equal(await state('Replicate').getAttribute('data-status'), 'notreached');
  assert.equal(await state('ApplyDefaults').getAttribute('data-status'), 'succeeded');
  await page.locator('#live').waitFor({ state: 'visible' });
  await shoot('execution-running');
  daemon.makeHome('300003', 300003);
  // The page polls while the execution runs: no reload.
  await until('the graph to reach Recovered', async () => (await state('Recovered').getAttribute('data-status')) === 'succeeded', 45000);
  for (const name of ['AwaitHome', 'Replicate', 'RecordResult']) {
    assert.equal(await state(name).getAttribute('data-status'), 'succeeded', name);
  }
  assert.equal(await state('SendToDeadLetter').getAttribute('data-status'), 'notreached');
  await page.locator('#execution-status', { hasText: 'SUCCEEDED' }).waitFor();
  assert.equal(fs.readFileSync(path.join(daemon.volume, '300003/notes.txt'), 'utf8'), 'alice was here\n');
  await state('Replicate').click();
  await page.locator('#state-details', { hasText: 'State Replicate' }).waitFor();
  await page.locator('.events details').first().waitFor();
  await shoot('execution');
  await axeCheck('an execution page');
  await visit('/executions', 'Executions');
  await shoot('executions');
  await axeCheck('the executions page');
  await visit('/transfers', 'Transfers');
  await page.getByRole('link', { name: 'alice' }).first().waitFor();
  await shoot('transfers');
  await axeCheck('the transfers page');
});

test('a dead letter is redriven from the dashboard', async () => {
  // carol's old home is not on the volume: her recovery fails and is dead-lettered.
  daemon.makeHome('300041', 300041);
  await daemon.events([
    ['CreateUserProfile', profile('demo', 'carol', 300040)],
    ['DeleteUserProfile', profile('demo', 'carol', 300040)],
    ['CreateUserProfile', profile('demo', 'carol', 300041)],
  ]);
  await until('a dead letter', async () => (await daemon.api('GET', '/v1/dead-letters')).deadLetters.length === 1);
  await visit('/dead-letters', 'Dead letters');
  await page.getByText('demo/carol').waitFor();
  await shoot('dead-letters');
  await axeCheck('the dead letters page');
  // The cause is fixed: the old home is restored from a backup.
  daemon.makeHome('300040', 300040, { 'thesis.tex': 'chapter 1\n' });
  await page.getByRole('button', { name: 'Redrive…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redrive' }).click();
  await page.getByRole('link', { name: 'follow the new execution' }).click();
  await until('the redriven execution to succeed', async () =>
    (await page.locator('#execution-status').textContent()) === 'SUCCEEDED', 45000);
  assert.equal(fs.readFileSync(path.join(daemon.volume, '300041/thesis.tex'), 'utf8'), 'chapter 1\n');
  await visit('/dead-letters', 'Dead letters');
  assert.equal(await page.getByRole('button', { name: 'Redrive…' }).count(), 0, 'a letter is redriven once');
});

test('the overview shows the figures', async () => {
  await visit('/overview', 'Overview');
  const status = await daemon.api('GET', '/v1/status');
  const value = (label) => page.locator('.stat', { has: page.locator('.stat-label', { hasText: new RegExp(`^${label}$`) }) }).locator('.stat-value').textContent();
  assert.equal(await value('protected'), String(status.profiles.protected));
  assert.equal(await value('opted out'), '1', 'bob was opted out');
  assert.equal(await value('succeeded, 24 h'), String(status.recoveries.last24h.succeeded));
  assert.equal(await page.locator('svg.chart rect.bar').count() > 0, true, 'the chart shows the recoveries');
  await shoot('overview');
  await axeCheck('the overview');
});

test('an unknown page and signing out', async () => {
  await page.goto(`${daemon.url}/#/nowhere`);
  await page.locator('main h1', { hasText: 'Not found' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API token').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('lifeboat.token')), null);
});

test('a token that stops working returns to the sign-in form with a message', async () => {
  await page.evaluate(() => sessionStorage.setItem('lifeboat.token', 'revoked-token'));
  await page.goto(`${daemon.url}/#/profiles`);
  await page.locator('#sign-in-error', { hasText: 'refused the token' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('lifeboat.token')), null);
});

test('no page broke the Content-Security-Policy or ran a planted script', () => {
  assert.deepEqual(problems, []);
});
