// Table 三 on a phone: at 320 CSS px its numbers scroll sideways inside their container while
// the row labels stay where they were, so a reader never loses which row a number belongs to.
// Checked on every report page: after scrolling to the last column, every row's labels are still
// inside the container and on top at their centre, and a screenshot of the label columns is the
// same as before the scroll.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { htmlFiles, fileUrl, launchChromium } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const reports = htmlFiles().filter((f) => /^[^/]+\/\d{4}\/index\.html$/.test(f) && !/^(years|regions)\//.test(f));

test('the site has report pages', () => {
  assert.ok(reports.length > 0);
});

/** In the page: the label cells of table 三's body rows that are not covered, and where they are. */
function labelsInView() {
  const table = document.getElementById('t3');
  const box = table.closest('.table-scroll').getBoundingClientRect();
  const out = { rows: 0, problems: [] };
  for (const tr of table.tBodies[0].rows) {
    out.rows += 1;
    // The innermost label of the row: its last header cell.
    const ths = tr.querySelectorAll('th');
    const th = ths[ths.length - 1];
    const r = th.getBoundingClientRect();
    const x = r.left + Math.min(r.width / 2, 20);
    const y = r.top + r.height / 2;
    const top = document.elementFromPoint(x, y);
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
      out.problems.push(`${th.id} is out of its container (${Math.round(r.left)}–${Math.round(r.right)} px)`);
    } else if (!top || !th.contains(top)) {
      out.problems.push(`${th.id} is covered by ${top?.tagName} ${top?.textContent?.slice(0, 20)}`);
    }
  }
  return out;
}

test('table 三 keeps its row labels in view while its numbers scroll at 320 px', async (t) => {
  // Tall enough to hold the whole table: every row is checked where it is drawn.
  const context = await browser.newContext({ viewport: { width: 320, height: 2600 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  try {
    for (const rel of reports) {
      await t.test(rel, async () => {
        await page.goto(fileUrl(rel), { waitUntil: 'load' });
        const scroller = page.locator('#s3 .table-scroll');
        if ((await scroller.count()) === 0) return;
        await scroller.scrollIntoViewIfNeeded();
        const geometry = await scroller.evaluate((el) => {
          const table = el.querySelector('table');
          const corner = table.querySelector('thead td');
          const box = el.getBoundingClientRect();
          const tb = table.tBodies[0].getBoundingClientRect();
          return {
            scrolls: el.scrollWidth > el.clientWidth,
            clip: {
              x: box.left + 1,
              y: tb.top + window.scrollY,
              width: corner.getBoundingClientRect().width - 2,
              height: tb.height,
            },
          };
        });
        assert.ok(geometry.scrolls, `${rel}: table 三 fits 320 px, nothing to check`);
        assert.ok(geometry.clip.width < 200, `${rel}: the labels take ${geometry.clip.width} px of 320`);
        const shot = () => page.screenshot({ clip: geometry.clip, fullPage: true });
        const beforeShot = await shot();
        await scroller.evaluate((el) => { el.scrollLeft = el.scrollWidth; });
        const scrolled = await scroller.evaluate((el) => el.scrollLeft);
        assert.ok(scrolled > 0, `${rel}: the container did not scroll`);
        const { rows, problems } = await page.evaluate(labelsInView);
        assert.ok(rows > 20, `${rel}: ${rows} rows`);
        assert.deepEqual(problems, [], `${rel} after scrolling ${scrolled} px`);
        const afterShot = await shot();
        assert.ok(beforeShot.equals(afterShot), `${rel}: the label columns changed when the numbers scrolled`);
      });
    }
  } finally {
    await context.close();
  }
});
