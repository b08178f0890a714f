// The text-size control for older readers (适老化): shown only with JavaScript, it scales every
// text of the page, keeps the page from scrolling sideways, and is remembered from page to page.
// Without JavaScript the page is whole and the control stays hidden.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launchChromium } from './lib.mjs';

const REPORT = 'shilixian-zhengfu/2023/';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const bodySize = (page) => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));

const sizes = (page) =>
  page.evaluate(() => ({
    body: parseFloat(getComputedStyle(document.body).fontSize),
    table: parseFloat(getComputedStyle(document.querySelector('table.official td')).fontSize),
    sideways: document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth,
  }));

test('the larger sizes scale the text, are announced as pressed and carry to the next page', async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
  const page = await context.newPage();
  await page.goto(new URL(REPORT, env.siteUrl).href);
  const group = page.getByRole('group', { name: '字号' });
  await group.waitFor({ state: 'visible' });
  const normal = await sizes(page);
  assert.equal(await page.getByRole('button', { name: '标准' }).getAttribute('aria-pressed'), 'true');

  await page.getByRole('button', { name: '特大' }).click();
  const larger = await sizes(page);
  assert.ok(Math.abs(larger.body / normal.body - 1.5) < 0.01, `body ${normal.body} → ${larger.body}`);
  assert.ok(Math.abs(larger.table / normal.table - 1.5) < 0.01, `table ${normal.table} → ${larger.table}`);
  assert.equal(larger.sideways, false, 'the page scrolls sideways at the largest size');
  assert.equal(await page.getByRole('button', { name: '特大' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByRole('button', { name: '标准' }).getAttribute('aria-pressed'), 'false');

  // Kept on the next page of the site.
  await page.goto(new URL('years/', env.siteUrl).href);
  const next = await bodySize(page);
  assert.ok(Math.abs(next / normal.body - 1.5) < 0.01, `next page body ${next}`);

  // And back to the standard size.
  await page.getByRole('button', { name: '标准' }).click();
  assert.equal(await bodySize(page), normal.body);
  await context.close();
});

test('without JavaScript the page is whole and shows no dead control', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(new URL(REPORT, env.siteUrl).href);
  assert.equal(await page.locator('.text-size').isVisible(), false);
  // Tables 二 (one table per block), 三 and 四.
  assert.ok((await page.locator('table.official.t2').count()) >= 1);
  assert.equal(await page.locator('table.official.t3').count(), 1);
  assert.equal(await page.locator('table.official.t4').count(), 1);
  assert.ok((await page.locator('main').innerText()).includes('六、'));
  await context.close();
});
