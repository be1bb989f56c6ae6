/**
 * `render --write` and `check` (SPEC 5b) through the built CLI: outputs beside each kustz.yml,
 * no-touch writes, one bad input among several, and diffs that never show a credential.
 */
import { spawnSync } from 'node:child_process';
import fs, { existsSync, linkSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFiles, WriteError } from '../src/disk.js';
import { writeOutputs } from '../src/write-check.js';
import { REDACTED_CHANGED, redactSecrets, UNPARSEABLE } from '../src/redact.js';
import { BIN, kustz } from './helpers/cli.js';
import { project } from './helpers/project.js';

const API = 'name: api\nservice:\n  image: nginx\n  replicas: 2\n  ports: ["80:8080"]\n';
const WEB = 'name: web\nservice:\n  image: nginx\n  envs:\n    secrets: [web-secrets]\nsecrets:\n  envs: [{name: web-secrets, files: [secret.env]}]\n';
const TOKEN = 's3cr3t-one';
const SERVICES = { 'api/kustz.yml': API, 'web/kustz.yml': WEB, 'web/secret.env': `TOKEN=${TOKEN}\nUSER=robot\n` };
const FILES = ['api/kustz.yml', 'web/kustz.yml'];

/** What `kustz render FILE` prints: what the output beside FILE must hold. */
function rendered(dir: string, file: string): string {
  const r = kustz(['render', file], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** Backdates a file, so that a rewrite, even within the same second, shows in its mtime. */
function age(dir: string, file: string): number {
  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(join(dir, file), past, past);
  return statSync(join(dir, file)).mtimeMs;
}

/** Every file's bytes and mtime: what "nothing was written" compares. */
function snapshot(dir: string, files: readonly string[]): string {
  return files.map((f) => (existsSync(join(dir, f)) ? `${f} ${statSync(join(dir, f)).mtimeMs} ${read(dir, f)}` : `${f} absent`)).join('\n');
}

test('render --write: an output beside each kustz.yml, stdout empty', () => {
  const dir = project(SERVICES);
  const r = kustz(['render', '--write', ...FILES], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.match(r.stderr, 'kustz: wrote api/manifests.yaml\n');
  assert.match(r.stderr, 'kustz: wrote web/manifests.yaml\n');
  for (const f of FILES) assert.is(read(dir, f.replace('kustz.yml', 'manifests.yaml')), rendered(dir, f), f);
});

test('render --write: unchanged outputs keep their mtime, a stale one is replaced', () => {
  const dir = project(SERVICES);
  assert.is(kustz(['render', '--write', ...FILES], { cwd: dir }).status, 0);
  const apiTime = age(dir, 'api/manifests.yaml');
  const webTime = age(dir, 'web/manifests.yaml');

  let r = kustz(['render', '--write', ...FILES], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '', 'nothing written, nothing said');
  assert.is(statSync(join(dir, 'api/manifests.yaml')).mtimeMs, apiTime);
  assert.is(statSync(join(dir, 'web/manifests.yaml')).mtimeMs, webTime);

  writeFileSync(join(dir, 'api/kustz.yml'), API.replace('replicas: 2', 'replicas: 3'));
  r = kustz(['render', '--write', ...FILES], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, 'kustz: wrote api/manifests.yaml\n');
  assert.match(read(dir, 'api/manifests.yaml'), 'replicas: 3');
  assert.is(statSync(join(dir, 'web/manifests.yaml')).mtimeMs, webTime, 'the other output is not touched');
});

test('render --write: one bad input is reported, the others are still written, exit 1', () => {
  const dir = project({ ...SERVICES, 'bad/kustz.yml': 'name: bad\nservice:\n  image: nginx\n  replicas: two\n', 'bad/manifests.yaml': 'kept as it was\n' });
  const r = kustz(['render', '--write', 'api/kustz.yml', 'bad/kustz.yml', 'web/kustz.yml'], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /kustz: bad\/kustz.yml:4:13: /);
  assert.is(read(dir, 'bad/manifests.yaml'), 'kept as it was\n', 'the bad input\'s output stays byte for byte');
  assert.is(read(dir, 'api/manifests.yaml'), rendered(dir, 'api/kustz.yml'));
  assert.is(read(dir, 'web/manifests.yaml'), rendered(dir, 'web/kustz.yml'));
});

test('render --write --check: exit 1 when an output had to be written, 0 when all were current', () => {
  const dir = project(SERVICES);
  let r = kustz(['render', '--write', '--check', ...FILES], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.ok(existsSync(join(dir, 'api/manifests.yaml')) && existsSync(join(dir, 'web/manifests.yaml')));
  r = kustz(['render', '--write', '--check', ...FILES], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
});

test('render --write --out-name; usage mistakes exit 2 and write nothing', () => {
  const dir = project(SERVICES);
  const r = kustz(['render', '--write', '--out-name', 'deploy.yaml', 'api/kustz.yml'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(read(dir, 'api/deploy.yaml'), rendered(dir, 'api/kustz.yml'));

  const dir2 = project({ ...SERVICES, 'api/kustz.yaml': API });
  const before = snapshot(dir2, ['api/manifests.yaml', 'web/manifests.yaml', 'out.yaml']);
  for (const [args, message] of [
    [['render', '--write', '-o', 'out.yaml', 'api/kustz.yml'], /does not take -o/],
    [['render', '--out-name', 'x.yaml', 'api/kustz.yml'], /go with --write/],
    [['render', '--check', 'api/kustz.yml'], /go with --write/],
    [['render', '--write', '--out-name', 'deploy/x.yaml', 'api/kustz.yml'], /--out-name takes a file name/],
    [['render', '--write', '--out-name', 'kustz.yml', 'api/kustz.yml'], /would overwrite the input api\/kustz.yml/],
    [['render', '--write', 'web/kustz.yml', 'api/kustz.yml', 'api/kustz.yaml'], /api\/kustz.yml and api\/kustz.yaml would both write api\/manifests.yaml/],
    [['check', '-o', 'out.yaml', '--out-name', 'x.yaml', 'api/kustz.yml'], /with -o there is one output/],
  ] as const) {
    const u = kustz(args, { cwd: dir2 });
    assert.is(u.status, 2, `${args.join(' ')}: ${u.stderr}`);
    assert.match(u.stderr, message);
    assert.is(u.stdout, '');
  }
  assert.is(snapshot(dir2, ['api/manifests.yaml', 'web/manifests.yaml', 'out.yaml']), before);
});

test('an output never replaces a file the run reads: render -o, render --write --out-name', () => {
  const dir = project(SERVICES);
  symlinkSync('kustz.yml', join(dir, 'web/link.yml'));
  linkSync(join(dir, 'web/secret.env'), join(dir, 'web/hardlink.env'));
  const inputs = ['api/kustz.yml', 'web/kustz.yml', 'web/secret.env', 'web/link.yml', 'web/hardlink.env', 'web/manifests.yaml'];
  const before = snapshot(dir, inputs);
  for (const [args, shown] of [
    [['render', '-c', 'web/kustz.yml', '-o', 'web/kustz.yml'], 'web/kustz.yml'],
    [['render', '-c', 'web/kustz.yml', '-o', './web/../web/secret.env'], './web/../web/secret.env'],
    [['render', '-c', 'web/kustz.yml', '-o', 'web/link.yml'], 'web/link.yml'],
    [['render', '-c', 'web/kustz.yml', '-o', 'web/hardlink.env'], 'web/hardlink.env'],
    [['render', '-c', 'api/kustz.yml', '-c', 'web/kustz.yml', '-o', 'api/kustz.yml'], 'api/kustz.yml'],
    [['render', '--write', '--out-name', 'secret.env', 'web/kustz.yml'], 'web/secret.env'],
  ] as const) {
    const r = kustz(args, { cwd: dir });
    assert.is(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.match(r.stderr, `kustz: ${shown}: the run reads this file (a kustz.yml or a file it names); the output would replace it\n`);
    assert.is(snapshot(dir, inputs), before, args.join(' '));
  }
  // --write reports that output and still writes the others.
  const r = kustz(['render', '--write', '--out-name', 'secret.env', 'api/kustz.yml', 'web/kustz.yml'], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.is(read(dir, 'api/secret.env'), rendered(dir, 'api/kustz.yml'));
  assert.is(snapshot(dir, inputs), before);
});

test('an output path that cannot be a file says why, in words', () => {
  const dir = project(SERVICES);
  const under = kustz(['render', '-c', 'api/kustz.yml', '-o', 'api/kustz.yml/out.yaml'], { cwd: dir });
  assert.is(under.status, 1);
  assert.is(under.stderr, 'kustz: api/kustz.yml/out.yaml: cannot write: a part of the path is a file, not a directory\n  hint: move that file away, or write the output elsewhere\n');
  const folder = kustz(['check', '-c', 'api/kustz.yml', '-o', 'web'], { cwd: dir });
  assert.is(folder.status, 1);
  assert.is(folder.stderr, 'kustz: web: is a directory; an output of kustz is a file\n  hint: name a file for the output, not a directory\n');
});

test('check: current outputs pass silently and keep their mtime', () => {
  const dir = project(SERVICES);
  assert.is(kustz(['render', '--write', ...FILES], { cwd: dir }).status, 0);
  age(dir, 'api/manifests.yaml');
  const before = snapshot(dir, ['api/manifests.yaml', 'web/manifests.yaml']);
  const r = kustz(['check', ...FILES], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr, '');
  assert.is(snapshot(dir, ['api/manifests.yaml', 'web/manifests.yaml']), before);
});

test('check: a missing output is a diff from /dev/null, and is not created', () => {
  const dir = project(SERVICES);
  const r = kustz(['check', 'api/kustz.yml'], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, 'kustz: api/manifests.yaml: missing; it should hold the output of api/kustz.yml\n  hint: run: kustz render --write api/kustz.yml\n');
  assert.match(r.stderr, '--- /dev/null\n+++ b/api/manifests.yaml\n@@ -0,0 +1,');
  assert.match(r.stderr, '\n+  replicas: 2\n');
  assert.not.ok(existsSync(join(dir, 'api/manifests.yaml')));
});

test('check: an output on disk too dense to read in the heap is not shown, and is no crash', () => {
  const dir = project(SERVICES);
  // 1 MiB of the densest YAML needs about 600 MiB of heap: given 256, Node died of it (exit 134).
  writeFileSync(join(dir, 'api/manifests.yaml'), `${'[:],'.repeat(256 * 1024)}[]\n`);
  const r = kustz(['check', 'api/kustz.yml'], { cwd: dir, env: { NODE_OPTIONS: '--max-old-space-size=256' } });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, 'kustz: api/manifests.yaml: out of date with api/kustz.yml\n');
  assert.match(r.stderr, '\n-# <content not shown: too large to read here, and it may hold credentials>\n');
  assert.match(r.stderr, '\n+  replicas: 2\n');
});

test('check: a stale output is a unified diff, and stays as it was', () => {
  const dir = project(SERVICES);
  assert.is(kustz(['render', '--write', ...FILES], { cwd: dir }).status, 0);
  writeFileSync(join(dir, 'api/kustz.yml'), API.replace('replicas: 2', 'replicas: 3'));
  age(dir, 'api/manifests.yaml');
  const before = snapshot(dir, ['api/manifests.yaml', 'web/manifests.yaml']);
  const r = kustz(['check', ...FILES], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, 'kustz: api/manifests.yaml: out of date with api/kustz.yml\n');
  assert.match(r.stderr, '--- a/api/manifests.yaml\n+++ b/api/manifests.yaml\n@@ ');
  assert.match(r.stderr, '\n-  replicas: 2\n+  replicas: 3\n');
  assert.not.match(r.stderr, 'web/manifests.yaml', 'a current output is not mentioned');
  assert.is(snapshot(dir, ['api/manifests.yaml', 'web/manifests.yaml']), before);
});

test('check: one bad input is reported, the others are still compared', () => {
  const dir = project({ ...SERVICES, 'bad/kustz.yml': 'name: bad\n' });
  const r = kustz(['check', 'api/kustz.yml', 'bad/kustz.yml'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /kustz: bad\/kustz.yml:1:1: missing required key "service"/);
  assert.match(r.stderr, '+++ b/api/manifests.yaml');
  assert.not.ok(existsSync(join(dir, 'bad/manifests.yaml')));
});

test('check: Secret values never reach the diff; a changed one is marked', () => {
  const dir = project(SERVICES);
  assert.is(kustz(['render', '--write', 'web/kustz.yml'], { cwd: dir }).status, 0);
  writeFileSync(join(dir, 'web/secret.env'), `TOKEN=s3cr3t-two\nUSER=robot\nEXTRA=hunter2\n`);
  const r = kustz(['check', 'web/kustz.yml'], { cwd: dir });
  assert.is(r.status, 1);
  // Keys come sorted: the new EXTRA lands before TOKEN.
  assert.match(r.stderr, `\n-  TOKEN: <redacted>\n+  EXTRA: <redacted>\n+  TOKEN: ${REDACTED_CHANGED}\n   USER: <redacted>\n`);
  for (const secret of [TOKEN, 's3cr3t-two', 'hunter2', 'robot']) {
    assert.not.match(r.stderr, secret);
    assert.not.match(r.stderr, base64(secret));
  }

  // A missing output: the whole file is new, its values still hidden.
  const missing = kustz(['check', 'web/kustz.yml'], { cwd: project(SERVICES) });
  assert.match(missing.stderr, '+  TOKEN: <redacted>\n');
  assert.not.match(missing.stderr, base64(TOKEN));
});

test('check -c kustz.yml -o out.yaml: the file render -o writes', () => {
  const dir = project(SERVICES);
  let r = kustz(['check', '-c', 'api/kustz.yml', '-c', 'web/kustz.yml', '-o', 'all.yaml'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, 'kustz: all.yaml: missing; it should hold the output of api/kustz.yml, web/kustz.yml\n  hint: run: kustz render -c api/kustz.yml -c web/kustz.yml -o all.yaml\n');
  assert.not.ok(existsSync(join(dir, 'all.yaml')));

  assert.is(kustz(['render', '-c', 'api/kustz.yml', '-c', 'web/kustz.yml', '-o', 'all.yaml'], { cwd: dir }).status, 0);
  r = kustz(['check', '-c', 'api/kustz.yml', '-c', 'web/kustz.yml', '-o', 'all.yaml'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);

  r = kustz(['check', '-c', 'api/kustz.yml', '-o', 'all.yaml', '--replicas', '5'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, '-  replicas: 2\n+  replicas: 5\n');
});

test('redactSecrets: values cut out in place, every Secret of a stream, others left alone', () => {
  const current = [
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  namespace: n\ndata:\n  k: QUJD # kept comment\n  block: |\n    line one\n    line two\nstringData:\n  s: plain\n',
    'kind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: visible\n',
    'kind: List\nitems:\n  - kind: Secret\n    metadata: {name: b, annotations: {kubectl.kubernetes.io/last-applied-configuration: "{\\"data\\":{\\"k\\":\\"QUJD\\"}}"}}\n    data: {k: QUJD}\n',
  ].join('---\n');
  const expected = current.replace('k: QUJD # kept', 'k: REVG # kept');
  const shown = redactSecrets(current, expected);
  assert.is(
    shown.current,
    [
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  namespace: n\ndata:\n  k: <redacted> # kept comment\n  block: <redacted>\nstringData:\n  s: <redacted>\n',
      'kind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: visible\n',
      'kind: List\nitems:\n  - kind: Secret\n    metadata: {name: b, annotations: {kubectl.kubernetes.io/last-applied-configuration: <redacted>}}\n    data: {k: <redacted>}\n',
    ].join('---\n'),
  );
  assert.is(shown.expected, shown.current.replace('k: <redacted> # kept', `k: ${REDACTED_CHANGED} # kept`));
});

test('redactSecrets: a file that does not parse is not shown at all', () => {
  const shown = redactSecrets('kind: Secret\ndata:\n  k: QUJD\n  - broken: [\n', 'kind: Secret\ndata:\n  k: QUJD\n');
  assert.is(shown.current, UNPARSEABLE);
  assert.is(shown.expected, 'kind: Secret\ndata:\n  k: <redacted>\n');
});


test('an option that takes one value, given twice, exits 2 and writes nothing (-o a -o b once wrote "a,b")', () => {
  const dir = project(SERVICES);
  for (const args of [
    ['render', '-c', 'api/kustz.yml', '-o', 'x.yaml', '-o', 'y.yaml'],
    ['render', '--write', '--out-name', 'x.yaml', '--out-name', 'y.yaml', 'api/kustz.yml'],
    ['kustomize', '-c', 'api/kustz.yml', '-o', 'x', '--output=y'],
    ['render', '-c', 'api/kustz.yml', '--image', 'a', '--image', 'b'],
    ['check', '-c', 'api/kustz.yml', '-o', 'x.yaml', '-o', 'y.yaml'],
  ]) {
    const r = kustz(args, { cwd: dir });
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^kustz: (-o|--out-name|--output|--image) takes one value, got "(x\.yaml|x|a)" and "(y\.yaml|y|b)"; give it once\n$/);
  }
  assert.equal(readdirSync(dir).sort(), ['api', 'web']);
  assert.equal(readdirSync(join(dir, 'api')), ['kustz.yml']);
});

test('a write that fails leaves the disk as it was: no part of a file, no temporary file, no new directory', () => {
  const dir = project(SERVICES);
  const entries = () => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  const before = entries();
  // The name is too long only for the rename, after deploy/ and the temporary file were made.
  const long = `deploy/${'m'.repeat(300)}.yaml`;
  let r = kustz(['render', '-c', 'api/kustz.yml', '-o', long], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stderr, `kustz: ${long}: cannot write: the name is too long\n  hint: shorten the name: a file system takes 255 bytes per name\n`);
  assert.equal(entries(), before);
  // A file size limit makes a write take part of the bytes: the output was once cut at 512
  // bytes, with exit 0. SIGXFSZ is ignored, so the next write fails with EFBIG.
  for (const [args, shown] of [
    [['render', '-c', 'api/kustz.yml', '-o', 'deploy/out.yaml'], 'deploy/out.yaml'],
    [['render', '--write', 'api/kustz.yml'], 'api/manifests.yaml'],
  ] as const) {
    const limited = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 1; exec "$@"`, 'sh', process.execPath, BIN, ...args], { cwd: dir, encoding: 'utf8' });
    assert.is(limited.status, 1, limited.stderr);
    assert.is(limited.stderr, `kustz: ${shown}: cannot write: the file would be larger than this process may write (ulimit -f)\n  hint: lift the file size limit (ulimit -f unlimited)\n`);
    assert.equal(entries(), before);
  }
  r = kustz(['render', '-c', 'api/kustz.yml', '-o', 'deploy/'], { cwd: dir });
  assert.is(r.status, 2);
  assert.is(r.stderr, 'kustz: -o takes a file name, got "deploy/"; for a file in that directory write e.g. -o deploy/manifests.yaml\n');
});

test('a directory that another run makes meanwhile (parallel CI jobs, one -o) is written into, and is not taken away', () => {
  const dir = project({});
  const other = join(dir, 'deploy/api');
  const real = fs.mkdirSync;
  // The other run's mkdir lands between this run's look and its own mkdir.
  fs.mkdirSync = ((path: string, options?: fs.MakeDirectoryOptions) => {
    if (path === other) real(path);
    return real(path, options);
  }) as typeof fs.mkdirSync;
  syncBuiltinESMExports();
  try {
    assert.equal(writeFiles([{ path: join(other, 'out.yaml'), shown: 'out.yaml', content: 'a: 1\n' }]).length, 1);
    assert.is(read(dir, 'deploy/api/out.yaml'), 'a: 1\n');
    fs.rmSync(join(dir, 'deploy'), { recursive: true });
    // A failed write takes away what this run made (deploy/), not what the other one did.
    const long = join(other, `${'m'.repeat(300)}.yaml`);
    assert.throws(() => writeFiles([{ path: long, shown: 'long', content: 'a: 1\n' }]), (e: unknown) => e instanceof WriteError && e.reason === 'the name is too long');
    assert.equal(readdirSync(dir, { recursive: true }), ['deploy', join('deploy', 'api')]);
  } finally {
    fs.mkdirSync = real;
    syncBuiltinESMExports();
  }
});

test('a write that fails says what to do: a full disk, a read-only file system, no permission, no directory', () => {
  // An output larger than a page, which a tmpfs of one page cannot take.
  const dir = project({ ...SERVICES, 'big/kustz.yml': 'name: big\nservice: {image: nginx}\nconfigmaps:\n  files: [{name: big, files: [big.txt]}]\n', 'big/big.txt': 'x'.repeat(8192) });
  const expect = (r: { status: number | null; stderr: string }, shown: string, reason: string, hint: string) => {
    assert.is(r.status, 1, r.stderr);
    assert.is(r.stderr, `kustz: ${shown}: cannot write: ${reason}\n  hint: ${hint}\n`);
  };
  // /proc takes no new files or directories.
  expect(kustz(['render', '-c', 'api/kustz.yml', '-o', '/proc/kustz/out.yaml'], { cwd: dir }), '/proc/kustz/out.yaml', 'its directory is missing, or takes no new files',
    'write the output where files can be made (not under /proc), or make its directory again if it was removed while kustz ran');
  const run = (script: string, ...args: string[]) => spawnSync('sh', ['-c', script, 'sh', ...args], { cwd: dir, encoding: 'utf8' });
  // Root may write anywhere; nobody may not.
  const asNobody = 'exec setpriv --reuid 65534 --regid 65534 --clear-groups "$@"';
  if (process.getuid?.() === 0 && run(asNobody, 'true').status === 0) {
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(join(dir, 'api'), 0o555);
    const denied = "let this user write to the output's directory (ls -ld shows its owner and mode; chmod u+w), or write the output elsewhere";
    expect(run(asNobody, process.execPath, BIN, 'render', '-c', 'api/kustz.yml', '-o', 'api/out.yaml'), 'api/out.yaml', 'permission denied', denied);
    expect(run(asNobody, process.execPath, BIN, 'render', '--write', 'api/kustz.yml'), 'api/manifests.yaml', 'permission denied', denied);
    fs.chmodSync(join(dir, 'api'), 0o755);
    // check reads the output, which nobody may not.
    fs.writeFileSync(join(dir, 'api/manifests.yaml'), 'old\n', { mode: 0o600 });
    const check = run(asNobody, process.execPath, BIN, 'check', 'api/kustz.yml');
    assert.is(check.status, 1);
    assert.is(check.stderr, 'kustz: api/manifests.yaml: cannot read: permission denied\n  hint: make the file readable for this user (chmod a+r), and its directories searchable (chmod a+x)\n');
  } else console.log('  NOTICE: not root, or no setpriv: the permission case is skipped');
  // A tmpfs of one page, or a read-only one, in a mount namespace of its own.
  fs.mkdirSync(join(dir, 'mnt'));
  const onTmpfs = (options: string) => run(`exec unshare -rm sh -c 'mount -t tmpfs -o ${options} tmpfs mnt && exec "$@"' sh "$@"`, process.execPath, BIN, 'render', '-c', 'big/kustz.yml', '-o', 'mnt/out.yaml');
  if (run("exec unshare -rm sh -c 'mount -t tmpfs tmpfs mnt'").status === 0) {
    expect(onTmpfs('size=4k'), 'mnt/out.yaml', 'no space left on the device', 'make room on that disk (df -h shows how full it is), or write the output to another one');
    expect(onTmpfs('ro'), 'mnt/out.yaml', 'the file system is read-only', 'write the output to a writable file system, or remount this one read-write');
  } else console.log('  NOTICE: no mount namespace here: the full and read-only cases are skipped');
});

test('render --write does not make again the directory of a kustz.yml removed while it ran; -o makes its directory', async () => {
  const dir = project({ ...SERVICES, 'api/kustz.yml': `${API}  resources: {memory: 128}\n` });
  let stderr = '';
  // The warning is printed after api/ is read and before its output is written: api/ goes then.
  const io = { stdout: () => {}, stderr: (text: string) => {
    if (!stderr) fs.rmSync(join(dir, 'api'), { recursive: true });
    stderr += text;
  }, env: {}, cwd: dir };
  assert.is(await writeOutputs(FILES, { write: true }, io), 1);
  assert.not.ok(existsSync(join(dir, 'api')));
  assert.match(stderr, 'kustz: api/manifests.yaml: cannot write: its directory is missing, or takes no new files\n  hint: ');
  assert.match(stderr, 'kustz: wrote web/manifests.yaml\n');
  const r = kustz(['render', '-c', 'web/kustz.yml', '-o', 'deploy/web/out.yaml'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(read(dir, 'deploy/web/out.yaml'), read(dir, 'web/manifests.yaml'));
});

test('-o into a FIFO, /dev/stdout or a /dev/fd path writes into it; --write refuses a FIFO where its output goes', () => {
  const dir = project(SERVICES);
  const expected = rendered(dir, 'api/kustz.yml');
  spawnSync('mkfifo', [join(dir, 'fifo'), join(dir, 'api/manifests.yaml')]);
  const shell = (script: string) => spawnSync('bash', ['-c', script, 'bash', process.execPath, BIN], { cwd: dir, encoding: 'utf8' });
  // The reader gives up after a while: a FIFO replaced by a file would leave it waiting.
  let r = shell('timeout 10 cat fifo > got.yaml & "$1" "$2" render -c api/kustz.yml -o fifo; wait');
  assert.is(r.status, 0, r.stderr);
  assert.is(read(dir, 'got.yaml'), expected);
  assert.ok(lstatSync(join(dir, 'fifo')).isFIFO());
  r = shell('"$1" "$2" render -c api/kustz.yml -o /dev/stdout | cat');
  assert.is(r.stdout, expected);
  assert.ok(lstatSync('/dev/stdout').isSymbolicLink());
  r = shell('"$1" "$2" render -c api/kustz.yml -o >(cat > sub.yaml); sleep 0.2');
  assert.is(read(dir, 'sub.yaml'), expected);
  r = shell('"$1" "$2" render -c api/kustz.yml -o /dev/full');
  assert.is(r.status, 1);
  assert.is(r.stderr, 'kustz: /dev/full: cannot write: no space left on the device\n  hint: make room on that disk (df -h shows how full it is), or write the output to another one\n');
  assert.ok(lstatSync('/dev/full').isCharacterDevice());

  const write = kustz(['render', '--write', 'api/kustz.yml'], { cwd: dir });
  assert.is(write.status, 1);
  assert.is(write.stderr, 'kustz: api/manifests.yaml: cannot write: is not a regular file (a FIFO, a socket or a device); an output of kustz is a file\n  hint: move it away, or write the output elsewhere\n');
  assert.ok(lstatSync(join(dir, 'api/manifests.yaml')).isFIFO());
});

test('one kustz.yml through a linked directory is one file: named twice, or two inputs writing one output, exit 2', () => {
  const dir = project({ ...SERVICES, 'api/kustz.yaml': API });
  symlinkSync('api', join(dir, 'alias'));
  for (const [args, message] of [
    [['render', 'api/kustz.yml', 'alias/kustz.yml'], 'kustz: api/kustz.yml and alias/kustz.yml are the same file; name each kustz.yml once\n'],
    [['render', '--write', 'api/kustz.yml', 'alias/kustz.yml'], 'kustz: api/kustz.yml and alias/kustz.yml are the same file; name each kustz.yml once\n'],
    [['check', 'api/kustz.yml', 'alias/kustz.yaml'], 'kustz: api/kustz.yml and alias/kustz.yaml would both write alias/manifests.yaml; pass one of them\n'],
  ] as const) {
    const r = kustz(args, { cwd: dir });
    assert.is(r.status, 2, args.join(' '));
    assert.is(r.stderr, message);
    assert.is(r.stdout, '');
  }
  assert.not.ok(existsSync(join(dir, 'api/manifests.yaml')));
});

test('check -o: two inputs making one object fail, as render -o does', () => {
  const dir = project({ ...SERVICES, 'copy/kustz.yml': API });
  const args = ['-c', 'api/kustz.yml', '-c', 'copy/kustz.yml', '-o', 'all.yaml'];
  const render = kustz(['render', ...args], { cwd: dir });
  assert.is(render.status, 1);
  const check = kustz(['check', ...args], { cwd: dir });
  assert.is(check.status, 1);
  assert.match(check.stderr, 'kustz: copy/kustz.yml:1:7: Service api is also generated by api/kustz.yml; applied together, one would overwrite the other\n');
  assert.is(check.stderr, render.stderr);
});

test("check's hint is the command that brings the output up to date: render flags kept, any file name pasted whole", () => {
  const name = '-odd\nname \u001b[31m';
  const dir = project({ [`${name}/kustz.yml`]: API, 'other/kustz.yml': API.replace('name: api', 'name: other') });
  for (const args of [
    ['check', '--hash', '--replicas', '3', '--set', 'service.envs.pairs.A=it is', '--image', 'nginx:1', '--', `${name}/kustz.yml`],
    ['check', '--set', 'service.replicas=4', '-c', `${name}/kustz.yml`, '-c', 'other/kustz.yml', '-o', `${name}/all.yaml`],
  ]) {
    const before = kustz(args, { cwd: dir });
    assert.is(before.status, 1);
    // The hint is printed escaped, as every message is, and still pastes as the same words.
    assert.not.match(before.stderr, /\u001b/);
    const hint = /hint: run: kustz (.*)\n/.exec(before.stderr)?.[1] ?? '';
    assert.ok(hint, before.stderr);
    assert.not.match(hint, /[\u0000-\u001f]/);
    const fix = spawnSync('bash', ['-c', `"$1" "$2" ${hint}`, 'bash', process.execPath, BIN], { cwd: dir, encoding: 'utf8' });
    assert.is(fix.status, 0, `${hint}: ${fix.stderr}`);
    const after = kustz(args, { cwd: dir });
    assert.is(after.status, 0, `${args.join(' ')}: ${after.stderr}`);
  }
});

test('what kustz prints about files escapes what a terminal acts on: "wrote", and diffs of the file on disk', () => {
  const name = 'evil\n::error::forged';
  const dir = project({ [`${name}/kustz.yml`]: API });
  const r = kustz(['render', '--write', `${name}/kustz.yml`], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, 'kustz: wrote evil\\n::error::forged/manifests.yaml\n');

  const hostile = '\u001b]0;owned\u0007\u001b[2J\r\u202eabc\u2028\n';
  writeFileSync(join(dir, name, 'manifests.yaml'), read(dir, `${name}/manifests.yaml`).replace('replicas: 2\n', `replicas: 2 ${hostile}`));
  const check = kustz(['check', `${name}/kustz.yml`], { cwd: dir });
  assert.is(check.status, 1);
  assert.not.match(check.stderr, /[\u0000-\u0009\u000b-\u001f\u007f\u2028\u202e]/);
  assert.match(check.stderr, '-  replicas: 2 \\u001b]0;owned\\u0007\\u001b[2J\\r\\u202eabc\\u2028\n+  replicas: 2\n');
});

test.run();
