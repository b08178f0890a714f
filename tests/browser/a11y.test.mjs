// axe-core on every page of the built site, in Debian's Chromium (driven by playwright-core),
// at 1280 and 320 CSS px: WCAG 2.1 A/AA rules and best practices, plus the table rules axe leaves
// off by default (a data cell with no header, a header cell passing for a caption), zero
// violations; and at both widths the page itself never scrolls sideways.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { env, htmlFiles, fileUrl, launchChromium } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
// Experimental in axe, so off unless named; the official tables must pass them (issue 12).
const EXTRA_RULES = ['td-has-header', 'table-fake-caption'];
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 320, height: 640 },
];


let browser;
before(async () => {
  browser = await launchChromium();
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

/** In the page: contrast of the given elements' text against their effective background. */
function contrastCheck(selectors) {
  const rgb = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const out = [];
  for (const sel of selectors) {
    const el = document.querySelector(sel);
    if (!el || !el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    let fg = rgb(style.color);
    let bg = null;
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a >= 1) { bg = c; break; }
    }
    bg ||= { r: 255, g: 255, b: 255, a: 1 };
    if (fg.a < 1) fg = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a), a: 1 };
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const px = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700 || style.fontWeight === 'bold';
    const need = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
    if (ratio < need) {
      const hex = (c) => `#${[c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
      out.push({ target: sel, ratio: ratio.toFixed(2), need, fg: hex(fg), bg: hex(bg) });
    }
  }
  return out;
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
    let reviewed = 0;
    try {
      for (const rel of pages) {
        const url = fileUrl(rel);
        await t.test(`${width}px ${rel}`, async () => {
          const res = await page.goto(url, { waitUntil: 'load' });
          assert.equal(res?.status(), 200, `${url}: HTTP ${res?.status()}`);
          await page.addScriptTag({ content: axeSource });
          const { violations, incomplete, ran } = await page.evaluate(async ([tags, extra]) => {
            // eslint-disable-next-line no-undef
            const r = await axe.run(document, {
              runOnly: { type: 'tag', values: tags },
              rules: Object.fromEntries(extra.map((id) => [id, { enabled: true }])),
              resultTypes: ['violations', 'incomplete'],
            });
            const slim = (list) => list.map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              helpUrl: v.helpUrl,
              nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
            }));
            const all = [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable];
            const ran = extra.filter((id) => all.some((v) => v.id === id));
            return { violations: slim(r.violations), incomplete: slim(r.incomplete), ran };
          }, [TAGS, EXTRA_RULES]);
          assert.deepEqual(ran, EXTRA_RULES, `${url}: axe did not run ${EXTRA_RULES}`);
          // axe leaves the contrast of some cells undecided ("overlapped by another element":
          // rowspan/colspan header cells); those are computed here from the element's colour and
          // the first opaque background up its ancestors, and held to the same 4.5:1 (3:1 large).
          const undecided = incomplete.filter((v) => v.id === 'color-contrast').flatMap((v) => v.nodes);
          reviewed += undecided.length;
          const lowContrast = await page.evaluate(contrastCheck, undecided.map((n) => n.target[0]));
          const { scrollWidth, innerWidth } = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
          }));
          const problems = violations.map((v) => describe(url, v));
          for (const c of lowContrast) {
            problems.push(`${url}\n  [serious] color-contrast (computed, axe undecided): ${c.target}\n    contrast ${c.ratio}:1 (${c.fg} on ${c.bg}), needs ${c.need}:1`);
          }
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
    t.diagnostic(`${pages.length} pages at ${width} px; ${reviewed} cells whose contrast axe left undecided were computed`);
  });
}
