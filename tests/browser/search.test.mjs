// The page /search/ in Debian's Chromium, on the sample site served by nginx under the sub-path:
// the four queries of site.md return the reports that contain them, best first; a word found
// nowhere says so; the header field and the "more" button work by keyboard; without JavaScript
// the page says so; axe (with the table rules td-has-header and table-fake-caption), the Nu Html
// Checker and the link check pass on the page with its results; and every request not to the
// site is blocked, yet results are found: nothing leaves the site.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, launchChromium, reportSources, urlToFile } from './lib.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const EXTRA_RULES = ['td-has-header', 'table-fake-caption'];

const site = new URL(env.siteUrl);
let browser;
let context;
/** Requests the pages made, and those blocked for leaving the site. */
const requested = [];
const blocked = [];

before(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requested.push(url);
    if (new URL(url).origin === site.origin) return route.continue();
    blocked.push(url);
    return route.abort();
  });
});
after(async () => {
  await context?.close();
  await browser?.close();
});

const searchUrl = (q, extra = '') => `${site.href}search/?q=${encodeURIComponent(q)}${extra}`;

/** Opens /search/ for a query and waits for the announced outcome. */
async function results(page, q, extra = '') {
  const res = await page.goto(searchUrl(q, extra), { waitUntil: 'load' });
  assert.equal(res?.status(), 200);
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status')?.textContent || '';
    return /找到|失败/.test(s);
  });
  const status = await page.textContent('#search-status');
  const items = await page.$$eval('#search-results > li', (lis) => lis.map((li) => ({
    href: li.querySelector('a').href,
    title: li.querySelector('a').textContent,
    meta: li.querySelector('.result-meta').textContent,
    excerpt: li.querySelector('.excerpt').textContent,
    marks: Array.from(li.querySelectorAll('mark')).map((m) => m.textContent),
  })));
  return { status, items };
}

/** `shilixian-jiaoyuju/2023/` of a result URL. */
const folder = (href) => href.slice(site.href.length);

const published = reportSources().filter((r) => !r.draft);
const drafts = reportSources().filter((r) => r.draft);

test('教育局: the reports of the 教育局 first, and no draft', async () => {
  const page = await context.newPage();
  const { status, items } = await results(page, '教育局');
  const want = published.filter((r) => r.agency === 'shilixian-jiaoyuju').map((r) => `${r.agency}/${r.year}/`);
  assert.ok(want.length > 0);
  assert.match(status, /找到 \d+ 份/);
  const first = items.slice(0, want.length).map((i) => folder(i.href));
  assert.deepEqual([...first].sort(), [...want].sort(), status);
  for (const d of drafts) assert.ok(!items.some((i) => folder(i.href) === `${d.agency}/${d.year}/`), 'a draft found');
  assert.ok(items[0].title.includes('教育局') && items[0].meta.includes('教育局'));
  await page.close();
});

test('2023: every 2023 report first', async () => {
  const page = await context.newPage();
  const { status, items } = await results(page, '2023');
  const want = published.filter((r) => r.year === '2023').map((r) => `${r.agency}/2023/`);
  assert.ok(items.length >= Math.min(want.length, 10), status);
  // The first page shows ten; every one of them is a 2023 report.
  for (const i of items.slice(0, Math.min(want.length, 10))) {
    assert.ok(want.includes(folder(i.href)), `${folder(i.href)} before a 2023 report`);
    assert.match(i.meta, /2023 年度/);
  }
  assert.match(status, new RegExp(`找到 (\\d+) 份`));
  assert.ok(Number(status.match(/找到 (\d+) 份/)[1]) >= want.length);
  await page.close();
});

for (const q of ['信息处理费', '依申请公开']) {
  test(`${q}: reports that contain it, with the words marked in the excerpt`, async () => {
    const page = await context.newPage();
    const { status, items } = await results(page, q);
    assert.ok(items.length > 0, status);
    for (const i of items) {
      assert.ok(i.marks.includes(q), `${folder(i.href)}: “${q}” not in the excerpt “${i.excerpt}”`);
      assert.ok(urlToFile(i.href), `${i.href} is not a page of the site`);
    }
    await page.close();
  });
}

test('a word found nowhere says so', async () => {
  const page = await context.newPage();
  const { status, items } = await results(page, '量子纠缠望远镜');
  assert.match(status, /没有找到包含“量子纠缠望远镜”的报告/);
  assert.equal(items.length, 0);
  await page.close();
});

test('filters: a year and a region narrow the results', async () => {
  const page = await context.newPage();
  const { items } = await results(page, '依申请公开', '&year=2022');
  assert.ok(items.length > 0);
  for (const i of items) assert.match(i.meta, /2022 年度/);
  assert.equal(await page.inputValue('#search-year'), '2022');
  const region = '黑龙江省佳木斯市汤原县';
  const r = await results(page, '政府信息公开', `&region=${encodeURIComponent(region)}`);
  assert.ok(r.items.length > 0, r.status);
  for (const i of r.items) assert.ok(i.meta.includes(region), i.meta);
  // A region takes in the regions below it (declared in site.toml by their full names).
  const city = '示例省示例市';
  const c = await results(page, '政府信息公开', `&region=${encodeURIComponent(city)}`);
  assert.equal(await page.inputValue('#search-region'), city);
  assert.ok(c.items.length > 0, c.status);
  for (const i of c.items) assert.ok(i.meta.includes(city), i.meta);
  assert.ok(c.items.some((i) => i.meta.includes('示例省示例市示例县')), 'no report of a region below');
  await page.close();
});

test('by keyboard: the header field leads to the results, "more" moves focus to them', async () => {
  const page = await context.newPage();
  await page.goto(site.href, { waitUntil: 'load' });
  await page.focus('#site-search-q');
  await page.keyboard.type('依申请公开');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\/\?q=/);
  assert.ok(page.url().startsWith(`${site.href}search/?q=`), page.url());
  await page.waitForSelector('#search-results > li');
  const before = await page.$$eval('#search-results > li', (l) => l.length);
  if (await page.isVisible('#search-more')) {
    await page.focus('#search-more');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('#search-results > li').length > n, before);
    const focused = await page.evaluate(() => document.activeElement?.closest('li') &&
      Array.prototype.indexOf.call(document.querySelectorAll('#search-results > li'), document.activeElement.closest('li')));
    assert.equal(focused, before, 'focus is on the first new result');
  }
  await page.close();
});

test('without JavaScript the page says so and links to the indexes', async () => {
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const page = await noJs.newPage();
  await page.goto(searchUrl('教育局'), { waitUntil: 'load' });
  assert.ok(await page.isVisible('#search-nojs'));
  const links = await page.$$eval('#search-nojs a', (as) => as.map((a) => a.href));
  assert.deepEqual(links, [`${site.href}agencies/`, `${site.href}years/`]);
  await noJs.close();
});

for (const width of [1280, 320]) {
  test(`axe with the table rules, at ${width} px, on the page with its results`, async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 800 });
    await results(page, '依申请公开');
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async ({ tags, extra }) => {
      // eslint-disable-next-line no-undef
      const rules = axe.getRules(tags).map((r) => r.ruleId).concat(extra);
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: 'rule', values: rules } });
      return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }, { tags: TAGS, extra: EXTRA_RULES });
    assert.deepEqual(violations, []);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(sideways, false, 'the page scrolls sideways');
    await page.close();
  });
}

test('Nu Html Checker: the page with its results has no error', async () => {
  const page = await context.newPage();
  await results(page, '信息处理费');
  const file = join(process.env.BROWSER_TMP || here, 'search-results.html');
  writeFileSync(file, `<!DOCTYPE html>\n${await page.evaluate(() => document.documentElement.outerHTML)}`);
  await page.close();
  const jar = join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  const r = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'text', file], { encoding: 'utf8' });
  assert.ifError(r.error);
  assert.equal(r.status, 0, `${r.stderr}${r.stdout}`);
});

test('no request left the site, and every one was to its sub-path', () => {
  assert.ok(requested.length > 0);
  assert.deepEqual(blocked, []);
  for (const u of requested) assert.ok(u.startsWith(site.href), `${u} is outside ${site.href}`);
});
