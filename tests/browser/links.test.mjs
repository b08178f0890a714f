// Internal links, checked on the built files: every href/src on every page that points into the
// site resolves to an existing file of the build (a folder URL ends in `/` and has an
// index.html), and every #fragment names an id of its target page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, htmlFiles, fileUrl, urlToFile, pageLinks, ids, readSite, attributes } from './lib.mjs';

const SKIP_SCHEMES = /^(mailto|tel|data|javascript|sms):/i;

const pages = htmlFiles();
const idCache = new Map();
function idsOf(rel) {
  if (!idCache.has(rel)) idCache.set(rel, ids(readSite(rel)));
  return idCache.get(rel);
}

/** Problems with one URL found in `rel` (a built file), or []. */
function check(rel, pageUrl, link) {
  const v = link.value;
  if (v === '' || SKIP_SCHEMES.test(v)) return [];
  let u;
  try {
    u = new URL(v, pageUrl);
  } catch {
    return [`line ${link.line}: <${link.tag} ${link.name}="${v}"> is not a valid URL`];
  }
  const base = new URL(env.siteUrl);
  if (u.origin !== base.origin) {
    // Anything absolute that is not the site is external; a link to the site's host outside
    // its sub-path would break under the sub-path.
    return u.host === base.host
      ? [`line ${link.line}: <${link.tag} ${link.name}="${v}"> leaves the site's sub-path`]
      : [];
  }
  if (!u.pathname.startsWith(base.pathname)) {
    return [`line ${link.line}: <${link.tag} ${link.name}="${v}"> → ${u.pathname} is outside ${base.pathname}`];
  }
  const target = urlToFile(u.href);
  if (!target) {
    return [`line ${link.line}: <${link.tag} ${link.name}="${v}"> → ${u.pathname}: no such file in the build`];
  }
  if (u.hash && u.hash !== '#') {
    if (!target.endsWith('.html')) return [];
    const frag = decodeURIComponent(u.hash.slice(1));
    if (!idsOf(target).has(frag)) {
      return [`line ${link.line}: <${link.tag} ${link.name}="${v}"> → no id "${frag}" in ${target}`];
    }
  }
  return [];
}

test('internal links of every page resolve to built files', async (t) => {
  assert.ok(pages.length > 0, `no HTML files in ${env.siteDir}`);
  let count = 0;
  for (const rel of pages) {
    await t.test(rel, () => {
      const html = readSite(rel);
      const url = fileUrl(rel);
      const problems = [];
      for (const link of pageLinks(html)) {
        count += 1;
        problems.push(...check(rel, url, link));
      }
      // aria and table references to ids of the same page
      const own = idsOf(rel);
      for (const a of attributes(html, ['aria-labelledby', 'aria-describedby', 'aria-controls', 'headers', 'for'])) {
        for (const id of a.value.split(/\s+/).filter(Boolean)) {
          if (!own.has(id)) problems.push(`line ${a.line}: <${a.tag} ${a.name}> names "${id}", which no element has`);
        }
      }
      assert.deepEqual(problems, [], `${rel}:\n  ${problems.join('\n  ')}`);
    });
  }
  t.diagnostic(`${count} links on ${pages.length} pages`);
});

test('404.html links work from any path (no relative URLs)', () => {
  const problems = pageLinks(readSite('404.html'))
    .filter((l) => !SKIP_SCHEMES.test(l.value) && !l.value.startsWith('#'))
    .filter((l) => !/^([a-z][a-z0-9+.-]*:|\/)/i.test(l.value))
    .map((l) => `line ${l.line}: <${l.tag} ${l.name}="${l.value}"> is relative`);
  assert.deepEqual(problems, []);
});

test('sitemap.xml and atom.xml name built pages', () => {
  const problems = [];
  const sitemap = readSite('sitemap.xml');
  const locs = [...sitemap.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1].trim());
  assert.ok(locs.length > 0, 'sitemap.xml has no <loc>');
  for (const loc of locs) if (!urlToFile(loc)) problems.push(`sitemap.xml: ${loc}`);
  const atom = readSite('atom.xml');
  const hrefs = [...atom.matchAll(/<link\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1]);
  assert.ok(hrefs.length > 1, 'atom.xml has no links');
  for (const h of hrefs) if (!urlToFile(h)) problems.push(`atom.xml: ${h}`);
  // every page of the sitemap is an HTML page of the build, and every page but 404 is in it
  const listed = new Set(locs.map((l) => urlToFile(l)));
  for (const p of pages) if (p !== '404.html' && !listed.has(p)) problems.push(`not in sitemap.xml: ${p}`);
  assert.deepEqual(problems, []);
});
