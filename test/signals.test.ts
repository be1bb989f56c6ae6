/**
 * Ctrl-C (SIGINT), a cancelled CI job (SIGTERM) or a closed terminal (SIGHUP) in the middle of a
 * write: what was on disk is either still there or wholly replaced, and no temporary file (which
 * may hold a registry password) is left. strace holds each rename for a while, so that the signal
 * lands between a write's temporary files and its renames, where it used to leave both behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, hasCommand, kustz } from './helpers/cli.js';
import { project } from './helpers/project.js';

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type Signal = keyof typeof SIGNAL_NUMBERS;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs kustz under strace with every rename(2) held for 200 ms before it happens, sends `signal` to kustz once
 * `ready()` holds, and resolves to how the run ended.
 */
async function interrupted(args: string[], cwd: string, signal: Signal, ready: () => boolean, extraEnv: Record<string, string> = {}): Promise<{ killedBy: boolean; sent: boolean }> {
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = { ...process.env, ...extraEnv };
  const child = spawn('strace', ['-f', '-o', '/dev/null', '-e', 'trace=rename', '-e', 'inject=rename:delay_enter=200000', process.execPath, BIN, ...args], { cwd, env, stdio: 'ignore' });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  let done = false;
  void ended.then(() => (done = true));
  while (!done && !ready()) await sleep(5);
  let sent = false;
  if (!done) {
    // The traced kustz is strace's child.
    const kustzPid = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    process.kill(kustzPid, signal);
    sent = true;
  }
  const end = await ended;
  // strace ends as its tracee did: killed by the same signal, or exiting with 128 + its number.
  return { killedBy: end.signal === signal || end.code === 128 + SIGNAL_NUMBERS[signal], sent };
}

const leftovers = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.kustz-tmp-'));

const CONFIG = (namespace: string) =>
  `name: web\nnamespace: ${namespace}\nservice:\n  image: registry.example.com/web:1\n  imagePullSecrets: [pull]\n  ports: ["80"]\ningress:\n  rules: [http://web.example.com/*]\n` +
  `secrets:\n  dockerRegistry:\n    - {name: pull, server: registry.example.com, username: robot, password: "\${REGISTRY_PASSWORD}"}\n`;

if (!hasCommand('strace')) {
  console.log('signals.test.ts: strace is not installed, nothing to run (apt-get install -y strace)');
} else {
  test('kustomize -o DIR interrupted between its renames: every file new, none left half-way, no temporary file', async () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const dir = project({ 'kustz.yml': CONFIG('old') });
      const env = { REGISTRY_PASSWORD: 'hunter2-sentinel' };
      assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir, env }).status, 0);
      const files = readdirSync(join(dir, 'out'));
      // The same run with a new namespace, interrupted once its first file is in place.
      const set = ['kustomize', '-o', 'out', '--set', 'namespace=new'];
      const isNew = (file: string) => readFileSync(join(dir, 'out', file), 'utf8').includes('namespace: new');
      const run = await interrupted(set, dir, signal, () => files.some(isNew), env);
      assert.ok(run.sent, `${signal}: the run ended before any file was renamed`);
      assert.ok(run.killedBy, `${signal}: kustz did not end by the signal`);
      // What the run, not interrupted, writes.
      assert.is(kustz([...set.slice(0, 2), 'expected', ...set.slice(3)], { cwd: dir, env }).status, 0);
      const content = (sub: string) => readdirSync(join(dir, sub)).sort().map((f) => [f, readFileSync(join(dir, sub, f), 'utf8')]);
      assert.equal(content('out'), content('expected'), `${signal}: files left old beside new ones`);
      assert.equal(leftovers(dir), [], `${signal}: temporary files left`);
    }
  });

  test('between writes, a process blocked on a full stderr pipe (2>&1 | a paused less) still dies of SIGTERM at once', async () => {
  // 600 outputs whose "kustz: wrote DIR/manifests.yaml" lines hold more than a pipe does.
  const dirs = Array.from({ length: 600 }, (_, i) => `${'service-with-a-long-directory-name-'.repeat(3)}${i}`);
  const dir = project(Object.fromEntries(dirs.map((d, i) => [`${d}/kustz.yml`, `name: s${i}\nservice: {image: nginx:1.27}\n`])));
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  // stderr is a pipe this test does not read until the end: it fills, and kustz blocks writing.
  const child = spawn(process.execPath, [BIN, 'render', '--write', ...dirs.map((d) => `${d}/kustz.yml`)], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.pause();
  let done = false;
  const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal))).finally(() => (done = true));
  // Blocked once the lines of some 480 outputs wait in the pipe: no output is added any more.
  const written = () => dirs.filter((d) => existsSync(join(dir, d, 'manifests.yaml'))).length;
  for (let before = -1, now = written(); !done && (now !== before || now === 0); before = now, now = written()) await sleep(300);
  assert.not.ok(done, 'kustz ended before its stderr filled');
  child.kill('SIGTERM');
  const signal = await Promise.race([ended, sleep(3000).then(() => 'still running' as const)]);
  child.stderr!.resume();
  await ended;
  assert.is(signal, 'SIGTERM');
});

test('render --write interrupted: the outputs written are whole, the others not begun, no temporary file', async () => {
    const services = Object.fromEntries(['a', 'b', 'c', 'd'].map((s) => [`${s}/kustz.yml`, `name: ${s}\nservice:\n  image: nginx:1.27\n  ports: ["80"]\n`]));
    const dir = project(services);
    const outputs = Object.keys(services).map((f) => f.replace('kustz.yml', 'manifests.yaml'));
    // Once the first output is in place and the second one's temporary file is written.
    const run = await interrupted(['render', '--write', ...Object.keys(services)], dir, 'SIGINT', () => existsSync(join(dir, outputs[0]!)) && leftovers(dir).length > 0);
    assert.ok(run.sent && run.killedBy, 'kustz did not end by SIGINT');
    const written = outputs.filter((f) => existsSync(join(dir, f)));
    assert.ok(written.length >= 1 && written.length < outputs.length, `written: ${written.join(', ')}`);
    for (const f of written) assert.is(readFileSync(join(dir, f), 'utf8'), kustz(['render', '-c', f.replace('manifests.yaml', 'kustz.yml')], { cwd: dir }).stdout, f);
    assert.equal(leftovers(dir), []);
  });
}

test.run();
