/**
 * The same input gives the same bytes whatever the machine around it: locale (LANG, LC_ALL),
 * time zone (TZ), current directory (for the same -c target, given as an absolute path), and the
 * order in which the input files were created on disk. Only argument order decides the order of
 * documents from several -c files.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT, type Run } from './helpers/cli.js';

const made: string[] = [];
test.after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kustz-determinism-'));
  made.push(dir);
  return dir;
}

/** The CLI with exactly this environment (plus PATH): nothing inherited that could vary. */
function run(args: readonly string[], cwd: string, env: Record<string, string>): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** Every example that renders with plain `render -c kustz.yml`, with the variables its env file sets. */
function examples(): { configs: string[]; env: Record<string, string> } {
  const configs: string[] = [];
  const env: Record<string, string> = {};
  for (const name of readdirSync(join(ROOT, 'examples')).sort()) {
    const dir = join(ROOT, 'examples', name);
    if (!existsSync(join(dir, 'kustz.yml')) || existsSync(join(dir, 'args'))) continue;
    for (const l of lines(join(dir, 'env'))) env[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
    configs.push(join(dir, 'kustz.yml'));
  }
  return { configs, env };
}

test('locale and time zone change no byte of stdout or stderr', () => {
  const { configs, env } = examples();
  assert.ok(configs.length >= 5, 'enough examples');
  const args = ['render', ...configs.flatMap((c) => ['-c', c])];
  const base = run(args, ROOT, { ...env, LANG: 'C', LC_ALL: 'C', TZ: 'UTC' });
  assert.is(base.status, 0, base.stderr);
  const variants: Array<Record<string, string>> = [
    { LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'Europe/Istanbul' },
    { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', TZ: 'Pacific/Chatham' },
    { LANG: 'ja_JP.UTF-8', LC_COLLATE: 'ja_JP.UTF-8', TZ: 'America/St_Johns' },
    { TZ: 'Asia/Kathmandu' },
  ];
  for (const variant of variants) {
    const r = run(args, ROOT, { ...env, ...variant });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, base.stdout, `stdout under ${JSON.stringify(variant)}`);
    assert.is(r.stderr, base.stderr, `stderr under ${JSON.stringify(variant)}`);
  }
});

test('the current directory does not matter for the same absolute -c target', () => {
  const { configs, env } = examples();
  const args = ['render', ...configs.flatMap((c) => ['-c', c])];
  const base = run(args, ROOT, env);
  assert.is(base.status, 0, base.stderr);
  for (const cwd of ['/', temp(), join(ROOT, 'examples', 'minimal'), join(ROOT, 'test')]) {
    const r = run(args, cwd, env);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, base.stdout, `stdout from ${cwd}`);
  }
  // The same file named by a relative path from two directories.
  const upstream = join(ROOT, 'examples', 'upstream');
  assert.is(run(['render', '-c', 'kustz.yml'], upstream, env).stdout, run(['render', '-c', 'upstream/kustz.yml'], join(ROOT, 'examples'), env).stdout);
});

/** Copies `from` to a new directory creating files in the given order, each with its own mtime. */
function copyInOrder(from: string, order: 'forward' | 'reverse'): string {
  const dir = temp();
  const files: string[] = [];
  const walk = (sub: string) => {
    for (const name of readdirSync(join(from, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(from, rel)).isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk('');
  files.sort();
  if (order === 'reverse') files.reverse();
  files.forEach((rel, i) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), readFileSync(join(from, rel)));
    const when = new Date(Date.UTC(2001, 0, 1) + (order === 'reverse' ? -i : i) * 86_400_000);
    utimesSync(join(dir, rel), when, when);
  });
  return dir;
}

test('the order in which files were created on disk does not matter', () => {
  for (const name of ['upstream', 'envfiles', 'binary-files', 'multi-service']) {
    const source = join(ROOT, 'examples', name);
    const args = lines(join(source, 'args'));
    const a = copyInOrder(source, 'forward');
    const b = copyInOrder(source, 'reverse');
    const withArgs = (dir: string) => (args.length ? args.map((x) => (/kustz\.yml$/.test(x) ? join(dir, x) : x)) : ['render', '-c', join(dir, 'kustz.yml')]);
    const ra = run(withArgs(a), '/', {});
    const rb = run(withArgs(b), '/', {});
    assert.is(ra.status, 0, ra.stderr);
    assert.is(rb.stdout, ra.stdout, `${name}: stdout`);
    const expected = join(source, 'expected.yaml');
    if (existsSync(expected)) assert.is(ra.stdout, readFileSync(expected, 'utf8'), `${name}: same as the golden output`);
  }
});

test('several -c files: documents follow argument order, not names or disk order', () => {
  const base = join(ROOT, 'examples');
  const names = ['probes', 'minimal', 'ports'];
  const alone = names.map((n) => run(['render', '-c', join(base, n, 'kustz.yml')], '/', {}).stdout);
  const together = (order: number[]) => run(['render', ...order.flatMap((i) => ['-c', join(base, names[i]!, 'kustz.yml')])], '/', {}).stdout;
  assert.is(together([0, 1, 2]), alone.join('---\n'));
  assert.is(together([2, 1, 0]), [alone[2], alone[1], alone[0]].join('---\n'));
  assert.is(together([1, 2, 0]), [alone[1], alone[2], alone[0]].join('---\n'));
  // Copied in reverse order, with another kustz.yml below it: still argument order.
  const copy = copyInOrder(join(base, 'ports'), 'reverse');
  cpSync(join(base, 'minimal'), join(copy, 'minimal'), { recursive: true });
  assert.is(run(['render', '-c', join(copy, 'kustz.yml'), '-c', join(copy, 'minimal', 'kustz.yml')], '/', {}).stdout, [alone[2], alone[1]].join('---\n'));
});

test.run();
