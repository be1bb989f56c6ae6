/**
 * Golden cases: every folder under examples/ and test/cases/ holds a kustz.yml and what kustz
 * must print for it, compared byte for byte; what renders must also pass the independent
 * API-server checker (test/helpers/apiserver.ts). UPDATE=1 rewrites the expectations (review the diff).
 *   args           extra command-line arguments, one per line (default: render -c kustz.yml)
 *   env            KEY=VALUE lines added to the environment
 *   expected.yaml  stdout of a successful run (exit 0)
 *   warnings.txt   stderr of a successful run, when it warns
 *   error.txt      stderr of a failed run (exit 1); stdout must then be empty
 *   exit           the exit code of a failed run when it is not 1 (2: the command line is wrong)
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { apiServerProblems, parseManifests } from './helpers/apiserver.js';
import { caseArgs, caseEnv, goldenCases } from './helpers/cases.js';
import { kustz, ROOT } from './helpers/cli.js';

const UPDATE = process.env['UPDATE'] === '1';

function runCase(dir: string) {
  return kustz(caseArgs(dir), { cwd: dir, env: caseEnv(dir) });
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
      const exit = join(dir, 'exit');
      if (UPDATE) expectFile(exit, r.status === 1 ? '' : `${r.status}\n`, 'exit code');
      assert.is(r.status, existsSync(exit) ? Number(readFileSync(exit, 'utf8')) : 1, `${name}: exit code (stderr: ${r.stderr})`);
      assert.is(r.stdout, '', `${name}: stdout must be empty on failure`);
      assert.not.match(r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
      expectFile(join(dir, 'error.txt'), r.stderr, 'stderr');
    } else {
      assert.is(r.status, 0, `${name}: exit code (stderr: ${r.stderr})`);
      const { objects, problems } = parseManifests(r.stdout);
      assert.equal([...problems, ...apiServerProblems(objects)], [], `${name}: the API server would reject the output`);
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
