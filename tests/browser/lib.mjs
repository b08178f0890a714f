// Shared helpers of the browser tests: the environment run.sh passes, the built site's files,
// and a small attribute scanner for generated HTML (no parser dependency).

import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { chromium } from 'playwright-core';

function need(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run the suite with bash tests/browser/run.sh`);
  }
  return v;
}

export const env = {
  get bin() { return need('NIANBAO_BIN'); },
  get siteDir() { return need('SITE_DIR'); },
  get siteUrl() { return need('SITE_URL'); },
  get root() { return need('NIANBAO_ROOT'); },
  get chromium() { return process.env.CHROMIUM || '/usr/bin/chromium'; },
};

/** Every file under `dir`, as sorted paths relative to it with `/` separators. */
export function listFiles(dir) {
  const out = [];
  (function walk(d) {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  })(dir);
  return out;
}

/** The built site's HTML files, relative to SITE_DIR. */
export function htmlFiles() {
  return listFiles(env.siteDir).filter((f) => f.endsWith('.html'));
}

/** The URL a built file is served at: `a/b/index.html` → SITE_URL + `a/b/`. */
export function fileUrl(rel) {
  const path = rel === 'index.html' ? '' : rel.replace(/(^|\/)index\.html$/, '$1');
  return new URL(path, env.siteUrl).href;
}

/**
 * The built file a URL path names, or null when none: `…/x/` → `x/index.html`, `…/f.css` → the
 * file. A folder without the trailing slash is not accepted (it would only work by redirect).
 */
export function urlToFile(url) {
  const u = new URL(url);
  const base = new URL(env.siteUrl);
  if (u.origin !== base.origin || !u.pathname.startsWith(base.pathname)) return null;
  let rel;
  try {
    rel = decodeURIComponent(u.pathname.slice(base.pathname.length));
  } catch {
    return null;
  }
  if (rel.split('/').some((s) => s === '..')) return null;
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const p = join(env.siteDir, rel);
  return existsSync(p) && statSync(p).isFile() ? rel : null;
}

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (m, e) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(n);
    }
    return entities[e.toLowerCase()] ?? m;
  });
}

/** Values of the given attributes in HTML text (comments skipped), with their line numbers. */
export function attributes(html, names) {
  const text = html.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  const out = [];
  const tag = /<([a-zA-Z][\w:-]*)(\s[^>]*)?>/g;
  let m;
  while ((m = tag.exec(text))) {
    if (!m[2]) continue;
    const attr = /([^\s"'=<>\/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
    let a;
    while ((a = attr.exec(m[2]))) {
      const name = a[1].toLowerCase();
      if (!names.includes(name)) continue;
      const raw = a[2] ?? a[3] ?? a[4] ?? '';
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ tag: m[1].toLowerCase(), name, value: decodeEntities(raw), line });
    }
  }
  return out;
}

/** The ids (and `<a name>`s) an HTML text defines. */
export function ids(html) {
  const set = new Set();
  for (const a of attributes(html, ['id'])) set.add(a.value);
  for (const a of attributes(html, ['name'])) if (a.tag === 'a') set.add(a.value);
  return set;
}

/** The URLs a page links to or loads: href, src, srcset, poster, data on any element. */
export function pageLinks(html) {
  const out = [];
  for (const a of attributes(html, ['href', 'src', 'srcset', 'poster', 'data', 'action'])) {
    if (a.name === 'data' && a.tag !== 'object') continue;
    const values = a.name === 'srcset'
      ? a.value.split(',').map((s) => s.trim().split(/\s+/)[0]).filter(Boolean)
      : [a.value.trim()];
    for (const v of values) out.push({ ...a, value: v });
  }
  return out;
}

/** Report sources: every content/<agency>/<year>.md, with whether its front matter says draft. */
export function reportSources() {
  const content = join(env.root, 'content');
  const out = [];
  for (const agency of readdirSync(content).sort()) {
    const dir = join(content, agency);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      const m = /^(\d{4})\.md$/.exec(f);
      if (!m) continue;
      const text = readFileSync(join(dir, f), 'utf8');
      const fm = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
      const draft = !!fm && /^draft:\s*(true|yes|on)\s*(#.*)?$/im.test(fm[1]);
      out.push({ agency, year: m[1], draft, path: `content/${agency}/${f}` });
    }
  }
  return out;
}

export function readSite(rel) {
  return readFileSync(join(env.siteDir, rel), 'utf8');
}

// As root, on a machine whose only network is loopback and the package registries.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium, headless; playwright-core gives each launch a new empty profile. */
export function launchChromium() {
  return chromium.launch({
    executablePath: env.chromium,
    args: CHROMIUM_ARGS,
    chromiumSandbox: false,
    timeout: 60_000,
  });
}
