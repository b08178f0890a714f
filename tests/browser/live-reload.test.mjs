// Live reload in a real browser: `nianbao serve` on a copy of the sample site; a page opened in
// headless Chromium shows an edit made on disk without the test navigating, shows the error
// overlay after a broken edit, and drops it after the fix.
//
// Env: NIANBAO_BIN (default target/release/nianbao), CHROMIUM (default /usr/bin/chromium),
// NIANBAO_ROOT (default the repository this file is in).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = process.env.NIANBAO_ROOT || resolve(here, '../..');
const bin = process.env.NIANBAO_BIN || join(repo, 'target/release/nianbao');

const REPORT = 'content/shilixian-jiaoyuju/2023.md';
const REPORT_PATH = 'shilixian-jiaoyuju/2023/';
const HEADING = '## 五、存在的主要问题及改进情况\n';
const NEW_ROW = '  new: [';
const WAIT = 10_000;

let site;
let server;
let serverExit;
let url;
let browser;
let log = '';

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function until(what, f, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    let v;
    try {
      v = await f();
    } catch {
      v = undefined; // e.g. the page is navigating: its context is gone for a moment
    }
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}\nserve said:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  assert.ok(existsSync(bin), `no nianbao binary at ${bin}`);
  site = mkdtempSync(join(process.env.BROWSER_TMP || tmpdir(), 'nianbao-live-'));
  cpSync(join(repo, 'site.toml'), join(site, 'site.toml'));
  cpSync(join(repo, 'content'), join(site, 'content'), { recursive: true });
  cpSync(join(repo, 'themes'), join(site, 'themes'), { recursive: true });

  const port = await freePort();
  server = spawn(bin, ['serve', '--port', String(port), '--root', site], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serverExit = new Promise((ok) => server.on('exit', (code, signal) => ok({ code, signal })));
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  url = await until('serve to print its address', () => log.match(/http:\/\/[^\s（]+\//)?.[0]);
  await until('the first build', async () => {
    const r = await fetch(new URL(REPORT_PATH, url));
    return r.status === 200;
  }, 30_000);

  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGINT');
    const ended = await Promise.race([serverExit, new Promise((r) => setTimeout(() => r(null), 5000))]);
    if (!ended) server.kill('SIGKILL');
  }
  if (site) rmSync(site, { recursive: true, force: true });
});

/** What the page says about itself: its text, how it was loaded, and our marker. */
function state(page) {
  return page.evaluate(() => ({
    text: document.body.innerText,
    navigation: performance.getEntriesByType('navigation')[0]?.type,
    marker: window.testMarker ?? null,
    live: window.nianbaoLive ?? null,
    overlay: document.getElementById('nianbao-overlay')?.innerText ?? null,
  }));
}

test('a page reloads by itself after an edit, shows the overlay on a broken one, drops it after the fix', async () => {
  const page = await browser.newPage();
  const navigations = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
  await page.goto(new URL(REPORT_PATH, url).href);
  await until('the live-reload connection', async () => (await state(page)).live === 'open');
  const before = await state(page);
  assert.equal(before.overlay, null);
  await page.evaluate(() => {
    window.testMarker = 'set before the edit';
  });

  // 1. An edit of the narrative.
  const file = join(site, REPORT);
  const original = readFileSync(file, 'utf8');
  assert.ok(original.includes(HEADING));
  const marker = `浏览器实时刷新测试${Date.now()}`;
  const edited = original.replace(HEADING, `${HEADING}\n${marker}\n`);
  const saved = Date.now();
  writeFileSync(file, edited);
  const after = await until('the page to show the edit', async () => {
    const s = await state(page);
    return s.text.includes(marker) && s;
  });
  const took = Date.now() - saved;
  assert.equal(after.marker, null, 'the document was replaced (reloaded), not patched');
  assert.equal(after.navigation, 'reload', 'the page reloaded itself');
  assert.equal(after.overlay, null);
  assert.equal(page.url(), new URL(REPORT_PATH, url).href);
  console.log(`# edit shown in the browser ${took} ms after the save`);

  // 2. A total that does not add up: the overlay, over the last good page.
  const at = edited.indexOf(NEW_ROW) + NEW_ROW.length;
  writeFileSync(file, `${edited.slice(0, at)}9999${edited.slice(at)}`);
  const broken = await until('the overlay', async () => {
    const s = await state(page);
    return s.overlay && s;
  });
  assert.match(broken.overlay, /error\[R001\]/);
  assert.match(broken.overlay, /shilixian-jiaoyuju\/2023\.md/);
  assert.ok(broken.text.includes(marker), 'the last good page stays under the overlay');
  assert.ok(await page.isVisible('#nianbao-overlay'));

  // 3. The fix: the overlay goes, the page shows the fixed text.
  writeFileSync(file, edited.replace(marker, `${marker}（已修正）`));
  await until('the overlay to go', async () => {
    const s = await state(page);
    return s.overlay === null && s.text.includes(`${marker}（已修正）`);
  });
  await page.close();
  assert.ok(navigations.length >= 4, `the page navigated by itself: ${navigations.length}`);
});

test('serve stops on SIGINT and removes its private folder', async () => {
  server.kill('SIGINT');
  const ended = await Promise.race([serverExit, new Promise((r) => setTimeout(() => r(null), 5000))]);
  assert.ok(ended, 'serve did not stop within 5 s');
  assert.equal(ended.code, 0);
  const left = readdirSync(site).filter((n) => n.includes('nianbao-serve'));
  assert.deepEqual(left, []);
  assert.ok(!existsSync(join(tmpdir(), `nianbao-serve-${server.pid}`)), 'private folder left');
});
