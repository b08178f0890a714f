// Deployment under a sub-path with a real web server: run.sh has nginx (Debian's) serve the
// built site at SITE_URL (…/zfxxgk/ndbg/) with `error_page 404` set to the site's 404.html.
// A crawl from the home page must reach every published report with no error, the data files
// and feeds must be served, and a missing path must get the site's 404 page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, pageLinks, reportSources, readSite } from './lib.mjs';

const MAX_FETCHES = 2000; // the crawl is bounded, whatever the site links to
const TIMEOUT_MS = 10_000;

async function get(url) {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') || '', body, location: res.headers.get('location') };
}

/** Breadth-first crawl of the pages under SITE_URL, from the home page. */
async function crawl() {
  const base = new URL(env.siteUrl);
  const seen = new Map(); // url → { status, from }
  const queue = [{ url: base.href, from: '(start)' }];
  const queued = new Set([base.href]);
  while (queue.length) {
    assert.ok(seen.size < MAX_FETCHES, `crawl passed ${MAX_FETCHES} URLs`);
    const { url, from } = queue.shift();
    const r = await get(url);
    seen.set(url, { status: r.status, from, type: r.type });
    if (r.status !== 200 || !r.type.startsWith('text/html')) continue;
    for (const l of pageLinks(r.body.toString('utf8'))) {
      let u;
      try {
        u = new URL(l.value, url);
      } catch {
        continue;
      }
      if (u.origin !== base.origin || !u.pathname.startsWith(base.pathname)) continue;
      u.hash = '';
      if (!queued.has(u.href)) {
        queued.add(u.href);
        queue.push({ url: u.href, from: url });
      }
    }
  }
  return seen;
}

const sources = reportSources();
const published = sources.filter((s) => !s.draft);

test('crawl from the home page reaches every published report, with no error', async () => {
  assert.ok(published.length > 0, 'no published reports in content/');
  const seen = await crawl();
  const bad = [...seen].filter(([, v]) => v.status !== 200)
    .map(([u, v]) => `HTTP ${v.status} ${u} (linked from ${v.from})`);
  assert.deepEqual(bad, [], `\n${bad.join('\n')}`);
  const missing = published
    .map((s) => new URL(`${s.agency}/${s.year}/`, env.siteUrl).href)
    .filter((u) => !seen.has(u));
  assert.deepEqual(missing, [], `report pages the crawl did not reach from ${env.siteUrl}`);
  const pages = [...seen].filter(([, v]) => v.type.startsWith('text/html')).length;
  assert.ok(pages >= published.length + 3, `only ${pages} pages reached`);
});

test('data files, feeds and robots.txt are served', async (t) => {
  const files = [
    ['data/reports.json', 'application/json'],
    ['data/reports.csv', 'text/csv'],
    ['atom.xml', 'xml'],
    ['sitemap.xml', 'xml'],
    ['robots.txt', 'text/plain'],
  ];
  for (const s of published) {
    files.push([`${s.agency}/${s.year}/report.json`, 'application/json']);
    files.push([`${s.agency}/${s.year}/report.csv`, 'text/csv']);
  }
  const problems = [];
  for (const [path, type] of files) {
    const url = new URL(path, env.siteUrl).href;
    const r = await get(url);
    if (r.status !== 200) {
      problems.push(`HTTP ${r.status} ${url}`);
      continue;
    }
    if (!r.type.includes(type)) problems.push(`${url}: Content-Type ${r.type}, expected ${type}`);
    // the served bytes are the built file's
    if (!r.body.equals(Buffer.from(readSite(path), 'utf8'))) problems.push(`${url}: body differs from the built file`);
    if (path.endsWith('.json')) {
      try {
        JSON.parse(r.body.toString('utf8'));
      } catch (e) {
        problems.push(`${url}: not JSON (${e.message})`);
      }
    }
    if (path.endsWith('.csv') && !(r.body[0] === 0xef && r.body[1] === 0xbb && r.body[2] === 0xbf)) {
      problems.push(`${url}: no UTF-8 BOM`);
    }
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  const all = JSON.parse((await get(new URL('data/reports.json', env.siteUrl).href)).body.toString('utf8'));
  assert.equal(all.length, published.length, 'data/reports.json: one entry per published report');
  t.diagnostic(`${files.length} files fetched`);
});

test('robots.txt points at the sitemap under the sub-path', async () => {
  const r = await get(new URL('robots.txt', env.siteUrl).href);
  assert.match(r.body.toString('utf8'), new RegExp(`^Sitemap: ${new URL('sitemap.xml', env.siteUrl).href}$`, 'm'));
});

test('a missing path gets the site\'s 404 page with status 404', async () => {
  const page404 = readSite('404.html');
  for (const path of ['no-such-page/', 'no-such-agency/2023/', 'assets/missing.css']) {
    const url = new URL(path, env.siteUrl).href;
    const r = await get(url);
    assert.equal(r.status, 404, `${url}: HTTP ${r.status}`);
    assert.equal(r.body.toString('utf8'), page404, `${url}: not the site's 404.html`);
  }
});

test('drafts are not published', async () => {
  for (const s of sources.filter((x) => x.draft)) {
    const url = new URL(`${s.agency}/${s.year}/`, env.siteUrl).href;
    const r = await get(url);
    assert.equal(r.status, 404, `draft ${s.path} is served at ${url}`);
  }
});
