// The key-figures charts of agency and region pages in Chromium: at 320 CSS px every chart fits
// the screen (the page never scrolls sideways, which a11y.test.mjs checks on every page) with its
// smallest text at 12 px or more; at 1280 px they sit side by side. No script draws them: they
// are there with JavaScript off.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { htmlFiles, fileUrl, launchChromium, readSite } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

// Agency pages: `<slug>/index.html` with a key-figures table.
const agencies = htmlFiles().filter(
  (f) => /^[^/]+\/index\.html$/.test(f) && readSite(f).includes('class="figures"') && !/^(years|regions|agencies)\//.test(f),
);

// Region pages: `regions/<slug>/index.html`, charting the region's roll-ups.
const regions = htmlFiles().filter((f) => /^regions\/[^/]+\/index\.html$/.test(f));

test('the site has agency and region pages with charts', () => {
  assert.ok(agencies.length > 0);
  assert.ok(regions.length > 0);
  for (const f of [...agencies, ...regions]) assert.ok(readSite(f).includes('<figure class="chart"'), f);
});

/** In the page: each chart's box, and its smallest text in CSS px as drawn. */
function measure() {
  return [...document.querySelectorAll('figure.chart svg')].map((svg) => {
    const r = svg.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    const sizes = [...svg.querySelectorAll('text, tspan')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    return { left: r.left, right: r.right, top: r.top, width: r.width, smallest: Math.min(...sizes) };
  });
}

for (const { width, perRow } of [{ width: 320, perRow: 1 }, { width: 1280, perRow: 3 }]) {
  test(`agency and region charts at ${width} px`, async (t) => {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      deviceScaleFactor: 1,
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    try {
      for (const rel of [...agencies, ...regions]) {
        await t.test(rel, async () => {
          await page.goto(fileUrl(rel), { waitUntil: 'load' });
          const charts = await page.evaluate(measure);
          const innerWidth = await page.evaluate(() => window.innerWidth);
          assert.equal(charts.length, 6, rel);
          for (const c of charts) {
            assert.ok(c.left >= 0 && c.right <= innerWidth, `${rel}: a chart spans ${c.left}–${c.right} px`);
            assert.ok(c.smallest >= 12, `${rel}: text drawn at ${c.smallest.toFixed(1)} px`);
          }
          const firstRow = charts.filter((c) => Math.abs(c.top - charts[0].top) < 1).length;
          assert.equal(firstRow, perRow, `${rel}: ${firstRow} charts in the first row`);
        });
      }
    } finally {
      await context.close();
    }
  });
}
