// The 打印本页 button of report pages and the [portal] links (issue 16). The button is a real
// <button>, shown only where the theme's script runs, reached and pressed by keyboard, and never
// on the printed sheet; the portal links head every page and stay off the sheet too. With
// SCREENSHOT_DIR set, the report page is saved at 1280 and 320 CSS px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { env, launchChromium } from './lib.mjs';

const REPORT = 'shilixian-zhengfu/2023/';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function open(width, options = {}) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, ...options });
  // Count the calls instead of opening the dialog.
  await context.addInitScript(() => {
    window.printed = 0;
    window.print = () => {
      window.printed += 1;
    };
  });
  const page = await context.newPage();
  await page.goto(new URL(REPORT, env.siteUrl).href);
  return { context, page };
}

test('打印本页 is a button that prints, by mouse and by keyboard, at 1280 and 320 px', async () => {
  for (const width of [1280, 320]) {
    const { context, page } = await open(width);
    const button = page.getByRole('button', { name: '打印本页' });
    await button.waitFor({ state: 'visible' });
    await button.click();
    assert.equal(await page.evaluate(() => window.printed), 1, `${width}: a click prints`);
    // Keyboard: Tab reaches it, Enter and Space press it.
    await page.evaluate(() => document.activeElement?.blur());
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.classList.contains('print-page'));
    }
    assert.ok(reached, `${width}: Tab never reaches the button`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => window.printed), 3, `${width}: Enter and Space print`);
    const sideways = await page.evaluate(() => document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth);
    assert.equal(sideways, false, `${width}: the page scrolls sideways`);
    if (process.env.SCREENSHOT_DIR) {
      mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
      await page.evaluate(() => document.activeElement?.blur());
      await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, `report-${width}.png`) });
      await page.goto(new URL('', env.siteUrl).href);
      await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, `home-${width}.png`) });
    }
    await context.close();
  }
});

test('the button and the portal links stay off the printed sheet', async () => {
  const { context, page } = await open(1280);
  await page.getByRole('button', { name: '打印本页' }).waitFor({ state: 'visible' });
  assert.ok(await page.getByRole('navigation', { name: '门户网站' }).isVisible());
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByRole('button', { name: '打印本页' }).isVisible(), false);
  assert.equal(await page.locator('.portal-links').isVisible(), false);
  await context.close();
});

test('without JavaScript there is no button, and the portal links are there', async () => {
  const { context, page } = await open(1280, { javaScriptEnabled: false });
  assert.equal(await page.locator('button.print-page').isVisible(), false);
  const links = page.getByRole('navigation', { name: '门户网站' }).getByRole('link');
  assert.deepEqual(await links.allInnerTexts(), ['返回门户首页', '政府信息公开指南', '依申请公开']);
  await context.close();
});
