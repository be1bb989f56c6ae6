/**
 * Golden cases: every folder under examples/ and test/cases/ holds a kustz.yml and what kustz
 * must print for it, compared byte for byte. UPDATE=1 rewrites the expectations (review the diff).
 *   args           extra command-line arguments, one per line (default: render -c kustz.yml)
 *   env            KEY=VALUE lines added to the environment
 *   expected.yaml  stdout of a successful run (exit 0)
 *   warnings.txt   stderr of a successful run, when it warns
 *   error.txt      stderr of a failed run (exit 1); stdout must then be empty
 */
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kustz, ROOT } from './helpers/cli.js';

const UPDATE = process.env['UPDATE'] === '1';

export function goldenCases(): string[] {
  const out: string[] = [];
  for (const base of ['examples', 'test/cases']) {
    const dir = join(ROOT, base);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (existsSync(join(dir, name, 'kustz.yml'))) out.push(join(dir, name));
    }
  }
  return out;
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

export function runCase(dir: string) {
  const args = existsSync(join(dir, 'args')) ? lines(join(dir, 'args')) : ['render', '-c', 'kustz.yml'];
  const env = Object.fromEntries(lines(join(dir, 'env')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return kustz(args, { cwd: dir, env });
}

function expectFile(file: string, actual: string, what: string) {
  if (UPDATE) {
    if (actual === '') {
      if (existsSync(file)) unlinkSync(file);
    } else writeFileSync(file, actual);
    return;
  }
  const expected = existsSync(file) ? readFileSync(file, 'utf8') : '';
  assert.fixture(actual, expected, `${what} differs from ${file}`);
}

for (const dir of goldenCases()) {
  const name = dir.slice(ROOT.length);
  test(name, () => {
    const r = runCase(dir);
    const failing = existsSync(join(dir, 'error.txt'));
    if (UPDATE ? r.status !== 0 : failing) {
      assert.is(r.status, 1, `${name}: exit code (stderr: ${r.stderr})`);
      assert.is(r.stdout, '', `${name}: stdout must be empty on failure`);
      assert.not.match(r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
      expectFile(join(dir, 'error.txt'), r.stderr, 'stderr');
    } else {
      assert.is(r.status, 0, `${name}: exit code (stderr: ${r.stderr})`);
      expectFile(join(dir, 'expected.yaml'), r.stdout, 'stdout');
      expectFile(join(dir, 'warnings.txt'), r.stderr, 'warnings');
    }
  });
}

test('rendering the same input twice gives identical bytes', () => {
  for (const dir of goldenCases().filter((d) => !existsSync(join(d, 'error.txt')))) {
    assert.is(runCase(dir).stdout, runCase(dir).stdout, dir);
  }
});

test.run();
