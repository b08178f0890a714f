// The serve overlay on a phone (issue 16): a clerk's full-width commas (`new: [5，1，0，0，0，0]`,
// typed with a Chinese input method) at 390 CSS px. The message wraps; the source line and its
// caret scroll sideways instead of wrapping, so the caret stays under the character it names;
// the page itself does not scroll sideways. A screenshot goes to SCREENSHOT_DIR (or the suite's scratch folder).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
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
const SLIP = 'new: [5，1，0，0，0，0]';
const WAIT = 15_000;

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
      v = undefined;
    }
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}\nserve said:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  site = mkdtempSync(join(process.env.BROWSER_TMP || tmpdir(), 'nianbao-overlay-'));
  cpSync(join(repo, 'site.toml'), join(site, 'site.toml'));
  cpSync(join(repo, 'content'), join(site, 'content'), { recursive: true });
  const port = await freePort();
  server = spawn(bin, ['serve', '--port', String(port), '--root', site], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serverExit = new Promise((ok) => server.on('exit', (code, signal) => ok({ code, signal })));
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  url = await until('serve to print its address', () => log.match(/http:\/\/[^\s（]+\//)?.[0]);
  await until('the first build', async () => (await fetch(new URL(REPORT_PATH, url))).status === 200, 30_000);
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

test('at 390 px the overlay scrolls the snippet sideways and keeps the caret under the full-width comma', async () => {
  const file = join(site, REPORT);
  const text = readFileSync(file, 'utf8');
  const row = text.match(/^ {2}new: \[[^\]]*\]/m);
  assert.ok(row, 'the report has a new: row');
  writeFileSync(file, text.replace(row[0], `  ${SLIP}`));

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(new URL(REPORT_PATH, url).href);
  await until('the overlay', async () => page.isVisible('#nianbao-overlay'));
  // The browser may have been served the page before the rebuild: wait for the comma's message.
  await until('the full-width comma message', async () =>
    (await page.locator('#nianbao-overlay').innerText()).includes('中文逗号'));

  const m = await page.evaluate((slip) => {
    const pre = [...document.querySelectorAll('#nianbao-overlay pre')].find((p) => p.textContent.includes(slip));
    const node = pre.firstChild;
    const t = node.textContent;
    const lineAt = t.indexOf(slip);
    const commaAt = lineAt + slip.indexOf('，');
    const caretAt = t.indexOf('^', t.indexOf('\n', lineAt));
    const left = (i) => {
      const r = document.createRange();
      r.setStart(node, i);
      r.setEnd(node, i + 1);
      return r.getBoundingClientRect().left;
    };
    const style = getComputedStyle(pre);
    return {
      comma: left(commaAt),
      caret: left(caretAt),
      whiteSpace: style.whiteSpace,
      preScrolls: pre.scrollWidth > pre.clientWidth,
      pageScrolls: document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth,
      messageWraps: [...document.querySelectorAll('#nianbao-overlay pre')]
        .filter((p) => p.textContent.startsWith('error[N002]'))
        .map((p) => getComputedStyle(p).whiteSpace),
      message: document.getElementById('nianbao-overlay').innerText,
    };
  }, SLIP);
  assert.equal(m.whiteSpace, 'pre', 'the snippet is not wrapped');
  assert.ok(Math.abs(m.caret - m.comma) < 1, `caret at ${m.caret} px, comma at ${m.comma} px`);
  assert.equal(m.pageScrolls, false, 'the page itself scrolls sideways');
  assert.match(m.message, /error\[N002\]: 第 \d+ 行第 10 列是中文逗号“，”，应为英文逗号“,”/);
  assert.deepEqual(m.messageWraps, ['pre-wrap'], 'the message itself wraps');

  const dir = process.env.SCREENSHOT_DIR || process.env.BROWSER_TMP || tmpdir();
  mkdirSync(dir, { recursive: true });
  const shot = join(dir, 'overlay-390.png');
  await page.screenshot({ path: shot });
  console.log(`# screenshot: ${shot}; the snippet ${m.preScrolls ? 'scrolls' : 'fits'} sideways`);
  await context.close();
});
