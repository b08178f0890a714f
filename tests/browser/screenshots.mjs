// Screenshots of built pages at 1280 and 320 px, for a person to look at (not a test):
//   node tests/browser/screenshots.mjs SITE_DIR OUT_DIR [PATH ...]
// SITE_DIR is a build made with `--base-url /` (e.g. `nianbao build --output /dev/shm/s
// --base-url /`); PATH defaults to one page of every kind the sample site has.

import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync, mkdirSync } from 'node:fs';
import { join, extname, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const [siteDir, outDir, ...paths] = process.argv.slice(2);
if (!siteDir || !outDir) {
  console.error('usage: node tests/browser/screenshots.mjs SITE_DIR OUT_DIR [PATH ...]');
  process.exit(2);
}
const pages = paths.length
  ? paths
  : [
      '/',
      '/agencies/',
      '/years/',
      '/years/2023/',
      '/regions/',
      '/regions/shilixian/',
      '/regions/shilixian/2023/',
      '/shilixian-zhengfu/',
      '/shilixian-zhengfu/2023/',
      '/shilixian-jiaoyuju/2023/',
      '/search/',
    ];

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.xml': 'application/xml' };
const server = createServer((req, res) => {
  let rel = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (rel.includes('..')) { res.writeHead(400).end(); return; }
  let p = join(siteDir, rel);
  if (existsSync(p) && statSync(p).isDirectory()) p = join(p, 'index.html');
  if (!existsSync(p)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': types[extname(p)] || 'application/octet-stream' });
  res.end(readFileSync(p));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
try {
  for (const width of [1280, 320]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const path of pages) {
      const r = await page.goto(base + path).catch(() => null);
      if (!r || r.status() !== 200) {
        console.error(`${path}: not found`);
        continue;
      }
      const name = (path.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'home') + `-${width}.png`;
      await page.screenshot({ path: join(outDir, name), fullPage: true });
      // A page wider than the viewport scrolls sideways: say so (tables scroll in their own box).
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      console.log(`${name}${wide > width ? `  (page is ${wide} px wide)` : ''}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
