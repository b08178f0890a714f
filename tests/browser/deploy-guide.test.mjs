// What docs/部署.md promises webmasters, checked on the nginx that run.sh configures with the
// guide's own snippet: text files carry charset=utf-8, CSV is text/csv, pages and data are
// revalidated while the theme's assets are cached for a day, text is compressed, nianbao's
// manifest is never served (the site's 404 page instead), and the bare sub-path redirects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, readSite } from './lib.mjs';

async function get(path, headers = {}) {
  const url = new URL(path, env.siteUrl);
  const res = await fetch(url, { redirect: 'manual', headers, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body, url: url.href };
}

const REPORT = 'shilixian-jiaoyuju/2023/';

test('text files are served with their type and charset=utf-8', async () => {
  const want = [
    ['', 'text/html; charset=utf-8'],
    [REPORT, 'text/html; charset=utf-8'],
    [`${REPORT}report.csv`, 'text/csv; charset=utf-8'],
    [`${REPORT}report.json`, 'application/json; charset=utf-8'],
    ['data/reports.csv', 'text/csv; charset=utf-8'],
    ['data/reports.json', 'application/json; charset=utf-8'],
    ['atom.xml', 'xml; charset=utf-8'],
    ['sitemap.xml', 'xml; charset=utf-8'],
    ['robots.txt', 'text/plain; charset=utf-8'],
    ['assets/nianbao.css', 'text/css; charset=utf-8'],
    ['assets/nianbao.js', 'javascript; charset=utf-8'],
  ];
  const wrong = [];
  for (const [path, type] of want) {
    const r = await get(path);
    const got = r.headers.get('content-type') || '';
    if (r.status !== 200 || !got.endsWith(type)) wrong.push(`${r.url}: ${r.status} ${got}, expected …${type}`);
  }
  assert.deepEqual(wrong, [], `\n${wrong.join('\n')}`);
});

test('pages and data are revalidated, the assets cached for a day', async () => {
  for (const path of ['', REPORT, `${REPORT}report.csv`, 'data/reports.json', 'atom.xml']) {
    const r = await get(path);
    assert.equal(r.headers.get('cache-control'), 'no-cache', path);
    assert.ok(r.headers.get('last-modified') && r.headers.get('etag'), `${path}: no validator`);
  }
  for (const path of ['assets/nianbao.css', 'assets/nianbao.js']) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('cache-control'), 'max-age=86400', path);
  }
  // A revalidation of an unchanged page costs no body.
  const first = await get(REPORT);
  const again = await fetch(new URL(REPORT, env.siteUrl), { headers: { 'if-none-match': first.headers.get('etag') } });
  assert.equal(again.status, 304);
});

test('text is compressed for a client that accepts gzip', async () => {
  const res = await fetch(new URL('data/reports.csv', env.siteUrl), { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  const body = Buffer.from(await res.arrayBuffer());
  assert.ok(body.equals(Buffer.from(readSite('data/reports.csv'), 'utf8')), 'the same bytes once decompressed');
});

test("nianbao's manifest and staging names are never served: the site's 404 page is", async () => {
  const page404 = readSite('404.html');
  for (const path of ['.nianbao-build', '.nianbao-tmp-public-1/index.html', 'shilixian-jiaoyuju/.nianbao-build']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body, page404, `${path}: not the site's 404 page`);
  }
});

test('the sub-path without its slash redirects to the site', async () => {
  const base = new URL(env.siteUrl);
  const res = await fetch(new URL(base.pathname.replace(/\/$/, ''), base), { redirect: 'manual' });
  assert.equal(res.status, 301);
  assert.equal(new URL(res.headers.get('location'), base).pathname, base.pathname);
});
