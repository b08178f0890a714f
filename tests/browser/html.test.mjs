// The Nu Html Checker (vnu-jar, with Debian's Java) on every .html file of the built site:
// zero errors. One JVM checks all files at once; each file is then its own subtest.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { env, htmlFiles } from './lib.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const jar = join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');

test('Nu Html Checker: no errors on any page', async (t) => {
  require.resolve('vnu-jar/package.json'); // a clear failure when setup.sh was not run
  const files = htmlFiles();
  assert.ok(files.length > 0, `no HTML files in ${env.siteDir}`);
  const paths = files.map((f) => join(env.siteDir, f));
  const r = spawnSync(
    'java',
    ['-Xss1024k', '-jar', jar, '--errors-only', '--format', 'json', ...paths],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.ifError(r.error);
  // vnu writes its JSON report to stderr; exit 1 means it found errors.
  const out = (r.stderr || r.stdout || '').trim();
  let report;
  try {
    report = JSON.parse(out);
  } catch {
    assert.fail(`vnu gave no JSON report (exit ${r.status}):\n${out.slice(0, 2000)}\n${r.stdout.slice(0, 2000)}`);
  }
  const byFile = new Map(files.map((f) => [pathToFileURL(join(env.siteDir, f)).href, []]));
  const stray = [];
  for (const m of report.messages) {
    if (m.type !== 'error' && m.subType !== 'fatal' && m.type !== 'non-document-error') continue;
    // vnu names files `file:/tmp/…`; the WHATWG form is `file:///tmp/…`
    const list = m.url && byFile.get(new URL(m.url).href);
    if (list) list.push(m);
    else stray.push(m);
  }
  assert.deepEqual(stray, [], 'vnu errors not tied to a page');
  for (const [i, f] of files.entries()) {
    await t.test(f, () => {
      const msgs = byFile.get(pathToFileURL(paths[i]).href);
      const text = msgs
        .map((m) => `  ${f}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'} ${m.message}` +
          (m.extract ? `\n      ${m.extract.replace(/\n/g, '⏎')}` : ''))
        .join('\n');
      assert.equal(msgs.length, 0, `\n${text}`);
    });
  }
  assert.equal(r.status, 0, `vnu exited ${r.status}`);
});
