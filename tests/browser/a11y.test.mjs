// axe-core on every page of the built site, in Debian's Chromium (driven by playwright-core),
// at 1280 and 320 CSS px: WCAG 2.1 A/AA rules and best practices, zero violations; and at both
// widths the page itself never scrolls sideways.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { env, htmlFiles, fileUrl } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 320, height: 640 },
];

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

let browser;
before(async () => {
  // playwright-core gives each launch a new empty profile (its own --user-data-dir).
  browser = await chromium.launch({
    executablePath: env.chromium,
    args: CHROMIUM_ARGS,
    chromiumSandbox: false,
    timeout: 60_000,
  });
});
after(async () => {
  await browser?.close();
});

function describe(url, v) {
  const nodes = v.nodes
    .slice(0, 5)
    .map((n) => `      ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`)
    .join('\n');
  const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
  return `${url}\n  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
}

const pages = htmlFiles();

test('the site has pages to check', () => {
  assert.ok(pages.length > 0, `no HTML files in ${env.siteDir}`);
  assert.ok(pages.includes('index.html') && pages.includes('404.html'));
});

for (const { width, height } of WIDTHS) {
  test(`axe-core and no sideways scrolling at ${width} px`, async (t) => {
    const context = await browser.newContext({
      viewport: { width, height },
      deviceScaleFactor: 1,
      javaScriptEnabled: true,
    });
    const page = await context.newPage();
    try {
      for (const rel of pages) {
        const url = fileUrl(rel);
        await t.test(`${width}px ${rel}`, async () => {
          const res = await page.goto(url, { waitUntil: 'load' });
          assert.equal(res?.status(), 200, `${url}: HTTP ${res?.status()}`);
          await page.addScriptTag({ content: axeSource });
          const { violations, incomplete } = await page.evaluate(async (tags) => {
            // eslint-disable-next-line no-undef
            const r = await axe.run(document, {
              runOnly: { type: 'tag', values: tags },
              resultTypes: ['violations', 'incomplete'],
            });
            const slim = (list) => list.map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              helpUrl: v.helpUrl,
              nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
            }));
            return { violations: slim(r.violations), incomplete: slim(r.incomplete) };
          }, TAGS);
          // "incomplete" are checks axe could not decide (needs review): shown, not failed.
          for (const v of incomplete) {
            if (v.id === 'color-contrast' && v.nodes.length) {
              t.diagnostic(`review ${url} ${v.id}: ${v.nodes.length} node(s), e.g. ${v.nodes[0].target.join(' ')}`);
            }
          }
          const { scrollWidth, innerWidth } = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
          }));
          const problems = violations.map((v) => describe(url, v));
          if (scrollWidth > innerWidth) {
            const wide = await page.evaluate((limit) => {
              // the outermost elements that stick out of the viewport, to say what is too wide
              const out = [];
              for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right > limit + 0.5 && !(el.parentElement && out.includes(el.parentElement))) {
                  let p = el.parentElement;
                  let inside = false;
                  while (p) { if (out.includes(p)) { inside = true; break; } p = p.parentElement; }
                  if (!inside) out.push(el);
                }
              }
              return out.slice(0, 5).map((el) => {
                const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
                return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`;
              });
            }, innerWidth);
            problems.push(`${url}\n  page scrolls sideways at ${width} px: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}\n    too wide: ${wide.join(', ')}`);
          }
          assert.ok(problems.length === 0, `\n${problems.join('\n')}`);
        });
      }
    } finally {
      await context.close();
    }
  });
}
