/**
 * The threat model of README "Security", as tests of the built CLI: a hostile kustz.yml (and the
 * files it names) in a pull request, credentials in the environment. It must not read outside
 * its directory, not exhaust memory or time, not expand variables outside the two credential
 * fields, not print a credential, not touch the network and not run anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { confinementProblem } from '../src/files.js';
import { BIN, kustz, ROOT, type Run } from './helpers/cli.js';
import { project as tempProject } from './helpers/project.js';

const BASE = 'name: demo\nservice:\n  image: registry.example.com/demo:1.0\n';
const made: string[] = [];

function project(files: Record<string, string | Buffer>, links: Record<string, string> = {}): string {
  const dir = tempProject(files, 'kustz-security-');
  made.push(dir);
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, name));
  return dir;
}

function failsCleanly(r: Run, what: string): void {
  assert.is(r.status, 1, `${what}: exit code; stderr: ${r.stderr}`);
  assert.is(r.stdout, '', `${what}: stdout must be empty`);
  assert.ok(r.stderr.startsWith('kustz: '), `${what}: stderr starts with kustz:\n${r.stderr}`);
  assert.not.match(r.stderr, /internal error|\n\s+at .+:\d+:\d+/, `${what}: no internal error or stack trace`);
}

function objects(stdout: string): Array<Record<string, any>> {
  return parseAllDocuments(stdout).flatMap((d) => (Array.isArray(d) ? [] : [d.toJS()]));
}

test.after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// File confinement

const OUTSIDE_SECRET = 'outside-secret-5e1f0c';

test('the path check takes \\ for a separator too: no Windows-style path climbs out', () => {
  for (const inside of ['a.env', './a.env', 'a/../b.env', 'a\\..\\b.env', 'a//b.env', 'a\\.\\b.env']) assert.is(confinementProblem(inside), undefined, inside);
  for (const out of ['../a.env', '..\\a.env', 'a/../../b.env', 'a\\..\\..\\b.env', 'a/..\\..\\b.env']) assert.match(confinementProblem(out) ?? '', /leaves the kustz.yml's directory/, out);
  for (const abs of ['/etc/passwd', '\\share\\x', 'C:\\x', 'c:/x']) assert.match(confinementProblem(abs) ?? '', /is an absolute path/, abs);
});

test('symlinks that lead out of the project are refused: to a file, to a directory, as kustz.yml', () => {
  const outside = project({ 'secret.txt': `${OUTSIDE_SECRET}\n`, 'kustz.yml': `${BASE}# ${OUTSIDE_SECRET}\nunknown: ${OUTSIDE_SECRET}\n` });
  const cases: Array<[string, Record<string, string | Buffer>, Record<string, string>, RegExp]> = [
    ['file link', { 'kustz.yml': `${BASE}configmaps: {files: [{name: leak, files: [leak.txt]}]}\n` }, { 'leak.txt': join(outside, 'secret.txt') }, /"leak.txt" resolves to .*secret\.txt, outside the kustz.yml's directory/],
    ['relative file link', { 'app/kustz.yml': `${BASE}secrets: {files: [{name: leak, files: [leak.txt]}]}\n` }, { 'app/leak.txt': '../../' + outside.split('/').pop() + '/secret.txt' }, /resolves to \.\.\/.*secret\.txt, outside/],
    ['directory link', { 'kustz.yml': `${BASE}configmaps: {files: [{name: leak, files: [shared/secret.txt]}]}\n` }, { shared: outside }, /"shared\/secret.txt" resolves to .*, outside the kustz.yml's directory/],
    ['env file through a directory link', { 'kustz.yml': `${BASE}  envs: {files: [shared/secret.txt]}\n` }, { shared: outside }, /resolves to .*, outside/],
  ];
  for (const [what, files, links, message] of cases) {
    const dir = project(files, links);
    const config = existsSync(join(dir, 'app')) ? 'app/kustz.yml' : 'kustz.yml';
    const r = kustz(['render', '-c', config], { cwd: dir });
    failsCleanly(r, what);
    assert.match(r.stderr, message, what);
    assert.not.ok(r.stderr.includes(OUTSIDE_SECRET), `${what}: the outside file's content is not shown`);
    assert.not.ok(r.stderr.includes(outside), `${what}: the absolute path outside is not shown`);
    if (what !== 'env file through a directory link') {
      const lifted = kustz(['render', '-c', config, '--load-restrictor', 'none'], { cwd: dir });
      assert.is(lifted.status, 0, `${what} with --load-restrictor none: ${lifted.stderr}`);
    }
  }

  const inside = project({ 'kustz.yml': `${BASE}configmaps: {files: [{name: ok, files: [link.txt]}]}\n`, 'data/real.txt': 'inside\n' }, { 'link.txt': 'data/real.txt' });
  const r = kustz(['render', '-c', 'kustz.yml'], { cwd: inside });
  assert.is(r.status, 0, `a link inside the project is fine: ${r.stderr}`);
  assert.match(r.stdout, /link.txt: \|\n\s+inside/);

  // kustz.yml itself linked to a file elsewhere (think /proc/self/environ): messages would quote it.
  const linked = project({}, { 'kustz.yml': join(outside, 'kustz.yml') });
  const c = kustz(['render', '-c', 'kustz.yml'], { cwd: linked });
  failsCleanly(c, 'kustz.yml link');
  assert.match(c.stderr, /^kustz: kustz.yml: the file is a symlink to .*, outside its own directory/);
  assert.not.ok(c.stderr.includes(OUTSIDE_SECRET), 'the linked file is not parsed or quoted');
  assert.ok(kustz(['render', '-c', 'kustz.yml', '--load-restrictor', 'none'], { cwd: linked }).stderr.includes('unknown key'), 'none lifts it');
});

test('many kustz.yml files in one run find links as one file alone does (directories looked up by their parents)', () => {
  // Eleven services: a run of many looks directories up by their parents, a run of one with realpath.
  const files: Record<string, string> = { 'shared/a.txt': 'shared\n', 's9/real/a.txt': 's9\n' };
  const links: Record<string, string> = { 's8/data': '../shared', 's9/data': 'real', 's10': 's7' };
  const configs: string[] = [];
  for (let i = 0; i < 11; i++) {
    configs.push(`s${i}/kustz.yml`);
    if (i === 10) continue;
    files[`s${i}/kustz.yml`] = `name: s${i}\nservice: {image: nginx}\nconfigmaps: {files: [{name: c${i}, files: [data/a.txt]}]}\n`;
    if (i < 8) files[`s${i}/data/a.txt`] = `s${i}\n`;
  }
  const dir = project(files, links);
  // s10 is s7 through a linked directory: the same file named twice.
  const together = kustz(['render', ...configs], { cwd: dir });
  assert.is(together.status, 2);
  assert.match(together.stderr, /s7\/kustz.yml and s10\/kustz.yml are the same file/);
  // s8's data leads out of its directory, s9's stays inside it.
  const alone = configs.map((c) => kustz(['render', c], { cwd: dir }));
  assert.equal(alone.map((r) => r.status), [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  const many = configs.filter((c) => c !== 's10/kustz.yml');
  const refused = kustz(['render', ...many], { cwd: dir });
  assert.is(refused.stderr, alone[8]!.stderr);
  assert.match(refused.stderr, /^kustz: s8\/kustz.yml:3:41: "data\/a.txt" resolves to \.\.\/shared\/a.txt, outside the kustz.yml's directory/);
  const ok = kustz(['render', ...many.filter((c) => c !== 's8/kustz.yml')], { cwd: dir });
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, many.filter((c) => c !== 's8/kustz.yml').map((c) => alone[configs.indexOf(c)]!.stdout).join('---\n'));
});

test('an output a pull request made a symlink is never followed: check shows nothing of its target, --write and kustomize replace it', () => {
  const outside = project({ 'kubeconfig': `users: [{name: ci, user: {token: ${OUTSIDE_SECRET}}}]\n` });
  const links = { 'manifests.yaml': join(outside, 'kubeconfig'), 'zero.yaml': '/dev/zero', 'deploy/service.yml': '/dev/zero' };
  const dir = project({ 'kustz.yml': `${BASE}  ports: ["80:8080"]\n`, 'deploy/.keep': '' }, links);
  const start = Date.now();
  for (const args of [['check', 'kustz.yml'], ['check', '--out-name', 'zero.yaml', 'kustz.yml'], ['check', '-c', 'kustz.yml', '-o', 'zero.yaml']]) {
    const r = kustz(args, { cwd: dir });
    failsCleanly(r, args.join(' '));
    assert.match(r.stderr, /: is a symbolic link; an output of kustz is a file of its own, and kustz does not read what stands there\n/);
    assert.not.ok(r.stderr.includes(OUTSIDE_SECRET), `${args.join(' ')}: the link's target is not shown`);
  }
  const w = kustz(['render', '--write', '--out-name', 'zero.yaml', 'kustz.yml'], { cwd: dir });
  assert.is(w.status, 0, w.stderr);
  const k = kustz(['kustomize', '-o', 'deploy'], { cwd: dir });
  assert.is(k.status, 0, k.stderr);
  assert.ok(Date.now() - start < 10_000, 'nothing read /dev/zero');
  for (const written of ['zero.yaml', 'deploy/service.yml']) assert.not.ok(lstatSync(join(dir, written)).isSymbolicLink(), `${written} is a file now`);
  assert.match(readFileSync(join(outside, 'kubeconfig'), 'utf8'), OUTSIDE_SECRET, 'the target is untouched');
});

test("a kustomize generator config names a file in the kustomization's directory, or a kustz.yml: never any other file", () => {
  // Plain text, as /proc/self/environ is: read as a kustz.yml, it would be quoted as the top level.
  const outside = project({ 'secret.yml': `${OUTSIDE_SECRET}\n` });
  const root = project({ 'service/kustz.yml': BASE, 'service/notes.yml': `${OUTSIDE_SECRET}\n`, 'overlay/.keep': '' }, { 'overlay/linked': outside });
  const run = (config: string) => {
    writeFileSync(join(root, 'overlay/gen.yaml'), `apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: g}\nspec: {config: ${JSON.stringify(config)}}\n`);
    return kustz([join(root, 'overlay/gen.yaml')], { cwd: join(root, 'overlay'), env: { KUSTOMIZE_PLUGIN_CONFIG_ROOT: join(root, 'overlay') } });
  };
  const sibling = run('../service/kustz.yml');
  assert.is(sibling.status, 0, sibling.stderr);
  assert.match(sibling.stdout, /kind: Deployment/);
  for (const [config, message] of [
    [join(outside, 'secret.yml'), 'is an absolute path'],
    ['../service/notes.yml', 'lies outside the kustomization\'s directory, where kustz reads only a file named kustz.yml or kustz.yaml'],
    ['linked/secret.yml', 'lies outside the kustomization\'s directory'],
    ['../../../../../../../../proc/self/environ', 'lies outside the kustomization\'s directory'],
  ]) {
    const r = run(config);
    failsCleanly(r, config);
    assert.match(r.stderr, `kustz: ${join(root, 'overlay/gen.yaml')}:4:16: spec.config: ${JSON.stringify(config)} ${message}`);
    assert.not.ok(r.stderr.includes(OUTSIDE_SECRET), `${config}: the file is not read or quoted`);
  }
});

test('devices and FIFOs are refused instead of read forever', () => {
  const dir = project({ 'kustz.yml': `${BASE}configmaps: {files: [{name: zero, files: [zero]}]}\n` }, { zero: '/dev/zero', 'dev.yml': '/dev/zero' });
  const r = kustz(['render', '-c', 'kustz.yml', '--load-restrictor', 'none'], { cwd: dir });
  failsCleanly(r, 'a link to /dev/zero');
  assert.match(r.stderr, /"zero" is not a regular file/);
  assert.match(r.stderr, /\n  hint: kustz reads regular files only/);
  const c = kustz(['render', '-c', 'dev.yml', '--load-restrictor', 'none'], { cwd: dir });
  failsCleanly(c, 'kustz.yml linked to /dev/zero');
  assert.match(c.stderr, /kustz: dev.yml: it is not a regular file\n  hint: kustz reads regular files only/);

  // Files are opened before their type is known: a FIFO must not make the open wait for a writer.
  const fifoDir = project({ 'kustz.yml': `${BASE}configmaps: {files: [{name: fifo, files: [pipe]}]}\n` });
  assert.is(spawnSync('mkfifo', [join(fifoDir, 'pipe'), join(fifoDir, 'pipe.yml')]).status, 0, 'mkfifo');
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: fifoDir, encoding: 'utf8', timeout: 20_000 });
  for (const restrictor of ['rootonly', 'none']) {
    const f = run(['render', '-c', 'kustz.yml', '--load-restrictor', restrictor]);
    failsCleanly({ status: f.status, stdout: f.stdout, stderr: f.stderr }, `a FIFO as a data file (${restrictor})`);
    assert.match(f.stderr, /"pipe" is not a regular file/);
    const k = run(['render', '-c', 'pipe.yml', '--load-restrictor', restrictor]);
    failsCleanly({ status: k.status, stdout: k.stdout, stderr: k.stderr }, `a FIFO as kustz.yml (${restrictor})`);
    assert.match(k.stderr, /kustz: pipe.yml: it is not a regular file/);
  }
  // /dev/stdin from a pipe is a link to one: named as a pipe, with what to do instead of "no such file".
  const stdin = kustz(['render', '-c', '/dev/stdin'], { input: BASE });
  failsCleanly(stdin, '-c /dev/stdin');
  assert.match(stdin.stderr, /^kustz: \/dev\/stdin: it is a pipe \(\/dev\/stdin or a <\(\.\.\.\) process substitution\), not a file\n {2}hint: .*write it to a file first/);
});

test('a symlink loop is named as one, with what to do about it', () => {
  const dir = project({ 'kustz.yml': `${BASE}configmaps: {envs: [{name: loop, files: [loop-a]}]}\n` }, { 'loop-a': 'loop-b', 'loop-b': 'loop-a', 'self.yml': 'self.yml' });
  for (const restrictor of ['rootonly', 'none']) {
    const r = kustz(['render', '-c', 'kustz.yml', '--load-restrictor', restrictor], { cwd: dir });
    failsCleanly(r, `a loop as a data file (${restrictor})`);
    assert.match(r.stderr, /cannot read "loop-a": too many levels of symbolic links[^\n]*\n(  \|[^\n]*\n)*  hint: a symlink on the path leads back to itself/);
    const c = kustz(['render', '-c', 'self.yml', '--load-restrictor', restrictor], { cwd: dir });
    failsCleanly(c, `a loop as kustz.yml (${restrictor})`);
    assert.match(c.stderr, /kustz: self.yml: cannot read the file: too many levels of symbolic links\n  hint: a symlink on the path leads back to itself/);
  }
});

test('a file that reports no size (procfs) is read to its end', () => {
  const dir = project({ 'kustz.yml': `${BASE}configmaps: {files: [{name: proc, files: [status]}]}\n` }, { status: '/proc/self/status' });
  const r = kustz(['render', '-c', 'kustz.yml', '--load-restrictor', 'none'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(objects(r.stdout).find((o) => o['kind'] === 'ConfigMap')?.['data']?.['status'] ?? '', /^Name:\t.*\n[\s\S]*\nPid:\t\d+\n/);
});

// ---------------------------------------------------------------------------------------------
// Size limits

test('a 2 MiB file in a Secret is refused at the 1 MiB limit; so is a ConfigMap adding up past it', () => {
  const twoMiB = Buffer.alloc(2 * 1024 * 1024, 'kustz');
  const secret = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}secrets:\n  files:\n    - name: big\n      files: [big.bin]\n`, 'big.bin': twoMiB }) });
  failsCleanly(secret, '2 MiB Secret');
  assert.match(secret.stderr, /^kustz: kustz.yml:6:13: Secret "big" holds 2097152 bytes; the API server's limit is 1048576 bytes \(1 MiB\)/);
  const half = Buffer.alloc(600 * 1024, 'x');
  const configMap = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}configmaps: {files: [{name: big, files: [a=half.txt, b=half.txt]}]}\n`, 'half.txt': half }) });
  failsCleanly(configMap, '2 x 600 KiB ConfigMap');
  assert.match(configMap.stderr, /ConfigMap "big" holds 1228800 bytes/);
});

test('a kustz.yml or YAML data file whose document would not fit the heap is an error, not a crash', () => {
  // 1 MiB of the densest YAML needs about 600 MiB of heap: given 256, Node died of it (exit 134).
  const dense = `${'[:],'.repeat(256 * 1024)}[]`;
  const env = { NODE_OPTIONS: '--max-old-space-size=256' };
  const config = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}dns: {config: {options: [${dense}]}}\n` }), env });
  failsCleanly(config, 'a dense kustz.yml');
  assert.match(config.stderr, /^kustz: kustz.yml: reading this YAML would take about \d+ MiB of memory, and Node's heap here holds \d+ MiB\n  hint: split it into smaller files, or give Node more: NODE_OPTIONS=--max-old-space-size=\d+\n$/);
  const data = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}configmaps: {literals: [{name: big, files: [big.yml]}]}\n`, 'big.yml': `a: ${dense}\n` }), env });
  failsCleanly(data, 'a dense YAML data file');
  assert.match(data.stderr, /^kustz: big.yml: reading this YAML would take about \d+ MiB/);
});

test('the 1 MiB limit counts UTF-8 bytes of values from .env files and from YAML aliases', () => {
  // 70,000 lines of 16 bytes: a file over 1 MiB whose values hold 420,000 bytes.
  const lines = (count: number, value: string) => Array.from({ length: count }, (_, i) => `K_${String(i).padStart(6, '0')}=${value}\n`).join('');
  const env = (text: string) => kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}configmaps: {envs: [{name: big, files: [big.env]}]}\n`, 'big.env': text }) });
  assert.is(env(lines(70000, 'abcdef')).status, 0, 'values of 420,000 bytes in a file of 1 MiB');
  // 18 values of 30,000 "é" (60,000 bytes each, under the 64 KiB line limit): 540,000 characters.
  const over = env(`${lines(100, 'x')}${Array.from({ length: 18 }, (_, i) => `V${i}=${'é'.repeat(30000)}\n`).join('')}`);
  failsCleanly(over, 'values of 1,080,000 bytes in 540,000 characters');
  assert.match(over.stderr, /ConfigMap "big" holds 1080100 bytes/);
  // A YAML file of 600 KiB whose value is taken twice through an alias.
  const value = 'x'.repeat(600 * 1024);
  const yaml = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}configmaps: {literals: [{name: big, files: [big.yml]}]}\n`, 'big.yml': `a: &v ${value}\nb: *v\n` }) });
  failsCleanly(yaml, 'an alias doubling a 600 KiB value');
  assert.match(yaml.stderr, /ConfigMap "big" holds 1228800 bytes/);
});

test('files over the input cap are refused before they are read, kustz.yml included', () => {
  const dir = project({ 'kustz.yml': `${BASE}configmaps: {files: [{name: huge, files: [huge.bin]}]}\n`, 'huge.bin': '', 'huge.yml': '' });
  truncateSync(join(dir, 'huge.bin'), 9 * 1024 * 1024);
  truncateSync(join(dir, 'huge.yml'), 9 * 1024 * 1024);
  const r = kustz(['render', '-c', 'kustz.yml'], { cwd: dir });
  failsCleanly(r, 'a 9 MiB file');
  assert.match(r.stderr, /"huge.bin" is 9437184 bytes; kustz reads files of at most 8388608 bytes/);
  const c = kustz(['render', '-c', 'huge.yml'], { cwd: dir });
  failsCleanly(c, 'a 9 MiB kustz.yml');
  assert.match(c.stderr, /kustz: huge.yml: the file is 9437184 bytes; kustz reads files of at most 8388608 bytes/);
});

test('a file that tells no size (procfs) is refused once it passes the input cap, kustz.yml included', () => {
  if (!existsSync('/proc/self/pagemap')) return;
  const dir = project({
    'kustz.yml': `${BASE}configmaps: {files: [{name: proc, files: [pagemap=/proc/self/pagemap]}]}\n`,
    'status.yml': `${BASE}configmaps: {files: [{name: proc, files: [status=/proc/self/status]}]}\n`,
  });
  // Read to its end, /proc/self/pagemap runs to hundreds of GiB.
  const r = kustz(['render', '-c', 'kustz.yml', '--load-restrictor', 'none'], { cwd: dir, timeout: 20_000 });
  failsCleanly(r, '/proc/self/pagemap');
  assert.match(r.stderr, /"\/proc\/self\/pagemap" is more than 8388608 bytes; kustz reads files of at most 8388608 bytes/);
  const c = kustz(['render', '-c', '/proc/self/pagemap'], { cwd: dir, timeout: 20_000 });
  failsCleanly(c, 'a kustz.yml in procfs');
  assert.match(c.stderr, /kustz: \/proc\/self\/pagemap: the file is more than 8388608 bytes; kustz reads files of at most 8388608 bytes/);
  // A small one is read whole.
  const s = kustz(['render', '-c', 'status.yml', '--load-restrictor', 'none'], { cwd: dir, timeout: 20_000 });
  assert.is(s.status, 0, s.stderr);
  assert.match(objects(s.stdout)[0]!['data']['status'], /\nPid:\t\d+\n/);
});

test("the legacy exec plugin's config file is read as any input is: capped, a regular file", () => {
  if (!existsSync('/proc/self/pagemap')) return;
  const dir = project({});
  const r = kustz(['/proc/self/pagemap'], { cwd: dir, env: { KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir }, timeout: 20_000 });
  failsCleanly(r, 'a generator config in procfs');
  assert.match(r.stderr, /^kustz: \/proc\/self\/pagemap: the file is more than 8388608 bytes; kustz reads files of at most 8388608 bytes\n  hint: /);
});

function billionLaughs(prefix: string): string {
  let out = `${prefix}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) {
    out += `${prefix}${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
  }
  return out;
}

test('an alias bomb (billion laughs) stops at the alias limit, fast, in kustz.yml and in the files it names', () => {
  const start = Date.now();
  const inConfig = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}  envs:\n    pairs:\n${billionLaughs('      ')}` }) });
  failsCleanly(inConfig, 'bomb in kustz.yml');
  assert.match(inConfig.stderr, /^kustz: kustz.yml:7:14: too many YAML alias expansions/);
  const inFile = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}configmaps: {literals: [{name: lol, files: [lol.yml]}]}\n`, 'lol.yml': billionLaughs('') }) });
  failsCleanly(inFile, 'bomb in a literals file');
  assert.match(inFile.stderr, /^kustz: lol.yml:2:8: too many YAML alias expansions/);
  assert.ok(Date.now() - start < 5000, `took ${Date.now() - start} ms`);
});

test('deep nesting and very long values end in a clean result, in bounded time', () => {
  const long = (unit: string) => unit.repeat(Math.ceil(200_000 / unit.length));
  const inputs: Record<string, string> = {
    'nested lists': `${BASE}  ports: ${'['.repeat(100_000)}\n`,
    'nested maps': `${BASE}x: ${'{a: '.repeat(50_000)}\n`,
    'long name': `name: ${long('a-')}a\nservice: {image: nginx}\n`,
    'long image': `name: demo\nservice: {image: "${long('a.')}a/${long('b-')}b:${long('t')}"}\n`,
    'long port': `${BASE}  ports: ["${long('9')}:${long('1')}"]\n`,
    'long resources': `${BASE}  resources: {cpu: "${long('1')}.${long('0')}m/${long('9')}", memory: ${long('1.')}}\n`,
    'long probe': `${BASE}  probes: {liveness: {action: "http://${long('a.')}:${long('8')}/${long('x/')}"}, startup: {action: "${long("'a' ")}\\"x"}}\n`,
    'long ingress': `${BASE}  ports: ["80"]\ningress: {rules: ["http://${long('a.')}b/${long('p/')}*?tls=${long('s-')}s&svc=${long('n-')}n:${long('p')}"]}\n`,
    'long env key': `${BASE}  envs: {pairs: {${long('A_')}: x, ${long('1')}: y}, configmaps: ["${long('c.')}c:true"]}\n`,
    'long key with typo': `${BASE}  ${long('imagePullPolicy')}: always\n`,
  };
  for (const [what, source] of Object.entries(inputs)) {
    const start = Date.now();
    const r = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': source }) });
    const ms = Date.now() - start;
    assert.ok(r.status === 0 || r.status === 1, `${what}: exit ${r.status}\n${r.stderr.slice(0, 500)}`);
    if (r.status === 1) failsCleanly(r, what);
    // yaml reports each unclosed bracket on its own, all at one place in the same words.
    const reports = r.stderr.split('\n').filter((line) => line.startsWith('kustz: '));
    assert.equal(reports.length, new Set(reports).size, `${what}: the same message twice\n${r.stderr.slice(0, 500)}`);
    assert.ok(ms < 10_000, `${what}: took ${ms} ms`);
  }
});

// ---------------------------------------------------------------------------------------------
// No ${VAR} expansion outside credential fields; no code execution

const HOME = '/home/runner-sentinel-93b2';

test('${HOME} stays literal in every field but dockerRegistry username and password', () => {
  const dir = project({
    'kustz.yml': `name: demo
service:
  image: registry.example.com/demo:1.0
  ports: ["80:8080"]
  imagePullSecrets: [pull]
  envs:
    pairs: {A: "\${HOME}", B: $HOME, C: "\${HOME:-/tmp}", D: "$(id -u)", E: "\`id -u\`"}
    files: [envs.yml]
  probes:
    startup: {action: "sh -c 'touch \${HOME}/pwned; $(touch pwned)'", headers: {}}
    liveness: {action: "http://:8080/\${HOME}", headers: {X-Home: "\${HOME}"}}
ingress:
  annotations: {example.com/home: "\${HOME}"}
  rules: ["http://demo.example.com/*"]
configmaps:
  literals: [{name: lit, files: [lit.yml]}]
  envs: [{name: env, files: [app.env]}]
secrets:
  dockerRegistry:
    - name: pull
      server: registry.example.com/\${HOME}
      username: \${REGISTRY_USER}
      password: \${REGISTRY_PASSWORD}
      email: \${HOME}@example.com
`,
    'envs.yml': 'F: ${HOME}\n',
    'lit.yml': 'G: ${HOME}/.config\n',
    'app.env': 'H=${HOME}\nI=$HOME\n',
  });
  const env = { HOME, REGISTRY_USER: 'robot-from-env', REGISTRY_PASSWORD: 'pw-from-env' };
  const r = kustz(['render', '-c', 'kustz.yml'], { cwd: dir, env });
  assert.is(r.status, 0, r.stderr);
  assert.not.ok(r.stdout.includes(HOME) || r.stderr.includes(HOME), '$HOME never reaches stdout or stderr');
  const all = objects(r.stdout);
  const pull = all.find((o) => o['kind'] === 'Secret');
  const config = JSON.parse(Buffer.from(pull!['data']['.dockerconfigjson'], 'base64').toString());
  const entry = config.auths['registry.example.com/${HOME}'];
  assert.ok(entry, `the server key stays literal: ${Object.keys(config.auths)}`);
  assert.is(entry.username, 'robot-from-env', 'username is expanded');
  assert.is(entry.password, 'pw-from-env', 'password is expanded');
  assert.is(entry.email, '${HOME}@example.com', 'email is not');
  const visible = JSON.stringify(all.filter((o) => o !== pull));
  for (const literal of ['${HOME}', '$HOME', '${HOME:-/tmp}', '$(id -u)', '`id -u`', '${HOME}/.config']) {
    assert.ok(visible.includes(JSON.stringify(literal).slice(1, -1)), `${literal} kept as written`);
  }
  assert.not.ok(existsSync(join(dir, 'pwned')), 'no command ran');

  for (const [field, yaml] of [
    ['name', 'name: ${HOME}\nservice: {image: nginx}\n'],
    ['namespace', `${BASE}namespace: \${HOME}\n`],
    ['image', 'name: demo\nservice: {image: "${HOME}/app:1"}\n'],
    ['port', `${BASE}  ports: ["\${HOME}"]\n`],
    ['file name', `${BASE}  envs: {files: ["\${HOME}/.bashrc"]}\n`],
  ]) {
    const bad = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': yaml! }), env });
    failsCleanly(bad, field!);
    assert.ok(bad.stderr.includes('${HOME}'), `${field}: the message quotes the field as written`);
    assert.not.ok(bad.stderr.includes(HOME), `${field}: $HOME is not expanded into a message`);
  }
});

test('YAML tags cannot construct code or objects', () => {
  for (const tag of ['!!js/function "function () { return 1 }"', '!!js/undefined ""', '!!python/object:os.system ["id"]', '!<tag:yaml.org,2002:js/regexp> /x/']) {
    const r = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}  envs: {pairs: {A: ${tag}}}\n` }) });
    failsCleanly(r, tag);
    assert.match(r.stderr, /Unresolved tag/, tag);
  }
});

test('names of Object.prototype members are plain strings everywhere', () => {
  const cases: Array<[string, string, Record<string, string>, RegExp | undefined]> = [
    ['pull policy', `${BASE}  imagePullPolicy: constructor\n`, {}, /imagePullPolicy "constructor" is not one of Always, Never, IfNotPresent/],
    ['quantity suffix', `${BASE}  resources: {cpu: 1constructor, memory: 1__proto__}\n`, {}, /unknown suffix "constructor"[^]*unknown suffix "__proto__"/],
    ['digest algorithm', 'name: demo\nservice: {image: "nginx@constructor:0123456789abcdef0123456789abcdef"}\n', {}, /the kubelet knows no algorithm "constructor"/],
    ['credential variable', `${BASE}  imagePullSecrets: [pull]\nsecrets:\n  dockerRegistry:\n    - {name: pull, server: r.example.com, username: "\${toString}", password: "\${constructor}"}\n`, {},
      /environment variable toString is not set[^]*environment variable constructor is not set/],
    ['keys', `${BASE}  envs: {pairs: {__proto__: a, constructor: b, toString: c}, files: [proto.yml]}\nconfigmaps: {envs: [{name: proto, files: [proto.env]}]}\ningress: {annotations: {constructor: x, prototype: y, hasOwnProperty: z}, rules: ["http://a.example.com/"]}\n`, {}, undefined],
    ['secret type', `${BASE}secrets: {files: [{name: t, type: constructor, files: [proto.env]}, {name: u, type: __proto__, files: [proto.env]}]}\n`, {}, undefined],
  ];
  for (const [what, yaml, env, message] of cases) {
    const r = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': yaml, 'proto.yml': '__proto__: 1\nconstructor: 2\n', 'proto.env': '__proto__=1\nconstructor=2\n' }), env });
    if (message) {
      failsCleanly(r, what);
      assert.match(r.stderr, message, what);
    } else {
      assert.is(r.status, 0, `${what}: ${r.stderr}`);
      assert.not.match(r.stdout, /function|\[native code\]|\[object Object\]/, what);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Credentials

const PASSWORD = 'Pw-sentinel-4d9<&>';
const LITERAL = 'Literal-sentinel-8c21';
const FILE_PASSWORD = 'File-sentinel-77aa';
const forms = (secret: string) => [secret, Buffer.from(secret).toString('base64').replace(/=+$/, ''), JSON.stringify(secret).slice(1, -1)];

function assertNoCredential(text: string, what: string, secrets: readonly string[]): void {
  for (const s of secrets) for (const form of forms(s)) assert.not.ok(text.includes(form), `${what} shows a credential (${form.slice(0, 4)}...):\n${text}`);
}

test('a credential appears in no message, and in the output only inside Secret data', () => {
  const env = { REGISTRY_USER: 'robot', REGISTRY_PASSWORD: PASSWORD, COLON_USER: `robot:${PASSWORD}` };
  const good = project({
    'kustz.yml': `name: demo
service:
  image: docker.io/library/nginx:1.27
  imagePullSecrets: [pull]
secrets:
  dockerRegistry:
    - {name: pull, server: registry.example.com, username: "\${REGISTRY_USER}", password: "\${REGISTRY_PASSWORD}"}
    - {name: unused, server: other.example.com, username: robot, password: "\${REGISTRY_PASSWORD}"}
`,
  });
  const r = kustz(['render', '-c', 'kustz.yml'], { cwd: good, env });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: .*no credential in the pull secret "pull" matches/, 'the lint warns');
  assertNoCredential(r.stderr, 'warnings', [PASSWORD]);
  const all = objects(r.stdout);
  assertNoCredential(JSON.stringify(all.map((o) => (o['kind'] === 'Secret' ? { ...o, data: null } : o))), 'output outside Secret data', [PASSWORD]);
  const inside = all.filter((o) => o['kind'] === 'Secret').map((o) => Buffer.from(o['data']['.dockerconfigjson'], 'base64').toString());
  assert.ok(inside.every((json) => json.includes(JSON.stringify(PASSWORD).slice(1, -1).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'))), 'the Secret data holds it');

  const auth = Buffer.from(`robot:${FILE_PASSWORD}`).toString('base64');
  const head = 'name: demo\nservice:\n  image: registry.example.com/demo:1.0\n  imagePullSecrets: [pull, literal]\nsecrets:\n';
  const semantic = project({
    'kustz.yml': `${head}  files:
    - {name: file, type: kubernetes.io/dockerconfigjson, files: [.dockerconfigjson=config.json]}
  dockerRegistry:
    - {name: pull, server: registry.example.com, username: "\${COLON_USER}", password: "\${REGISTRY_PASSWORD}"}
    - {name: literal, server: registry.example.com, username: robot, password: ${LITERAL}}
    - {name: broken, server: registry.example.com, username: robot, password: "\${REGISTRY_PASSWORD"}
`,
    'config.json': `{"auths": {"registry.example.com": {"auth": "${auth}", "password": "${FILE_PASSWORD}"}}}\n#`,
  });
  const schema = project({
    'kustz.yml': `${head}  dockerRegistry:
    - {name: typo, server: registry.example.com, username: robot, pasword: ${LITERAL}, password: "\${REGISTRY_PASSWORD}"}
    - {name: number, server: registry.example.com, username: robot, password: ${LITERAL}, email: [${LITERAL}]}
    - {name: object, server: registry.example.com, username: {${LITERAL}: 1}, password: [${LITERAL}]}
`,
  });
  for (const [dir, expected] of [[semantic, /config.json:2:1: the docker config is not valid JSON[^]*password holds a literal secret \(<redacted>\)/], [schema, /unknown key "pasword"/]] as const) {
    for (const args of [['render'], ['validate'], ['render', '--strict']]) {
      const f = kustz([...args, '-c', 'kustz.yml'], { cwd: dir, env });
      failsCleanly(f, args.join(' '));
      assert.match(f.stderr, expected);
      assertNoCredential(f.stderr, args.join(' '), [PASSWORD, LITERAL, FILE_PASSWORD, `robot:${FILE_PASSWORD}`]);
    }
  }

  // check: a stale output whose only change is a credential shows no diff of it.
  const out = join(good, 'out.yaml');
  assert.is(kustz(['render', '-c', 'kustz.yml', '-o', out], { cwd: good, env }).status, 0);
  const stale = kustz(['check', '-c', 'kustz.yml', '-o', out], { cwd: good, env: { ...env, REGISTRY_PASSWORD: LITERAL } });
  assert.is(stale.status, 1, stale.stderr);
  assertNoCredential(stale.stdout + stale.stderr, 'check', [PASSWORD, LITERAL]);
});

test('a YAML syntax error on a credential line shows neither the line nor the text; --set shows no credential', () => {
  const head = 'name: demo\nservice:\n  image: registry.example.com/demo:1.0\n  imagePullSecrets: [pull]\nsecrets:\n  dockerRegistry:\n    - name: pull\n      server: registry.example.com\n';
  const broken = [
    `      username: robot\n      password: @${LITERAL}\n`, `      username: robot\n      password: !${LITERAL}\n`, `      username: robot\n      password: "${LITERAL}\\q"\n`,
    `      username: !${LITERAL}\n      password: x\n`, `      email: !${LITERAL}\n`, `      username: robot\n      password: *${LITERAL}\n`, `      username: robot\n      password: |${LITERAL}\n`,
    // A broken value continues on lines of any indentation.
    `      username: robot\n      password: "pa\n${LITERAL}"\n`, `      username: robot\n      password: "pa\n  ${LITERAL}\\q"\n`,
  ];
  for (const tail of broken) {
    const r = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': head + tail }) });
    failsCleanly(r, tail);
    assert.match(r.stderr, /^kustz: kustz\.yml:(9|10|11):\d+: /, tail);
    assert.not.match(r.stderr, /\n {2}\|/, `${tail}: no code frame`);
    assertNoCredential(r.stderr, tail, [LITERAL]);
  }
  const config = project({ 'kustz.yml': `${head}      username: robot\n      password: "\${REGISTRY_PASSWORD}"\n` });
  for (const value of [LITERAL, `!${LITERAL}`, `[${LITERAL}]`, `!!int ${LITERAL}`, `*${LITERAL}`]) {
    const r = kustz(['render', '-c', 'kustz.yml', '--set', `secrets.dockerRegistry[0].password=${value}`], { cwd: config, env: { REGISTRY_PASSWORD: 'x' } });
    assert.ok(r.status === 1 || r.status === 2, `--set password=${value}: fails (${r.status})`);
    assert.match(r.stderr, 'kustz: --set secrets.dockerRegistry[0].password=<redacted>', value);
    assertNoCredential(r.stderr, `--set password=${value}`, [LITERAL]);
  }
  // A credential set where an entry or the list goes.
  for (const path of ['secrets.dockerRegistry[0]', 'secrets.dockerRegistry']) {
    const r = kustz(['render', '-c', 'kustz.yml', '--set', `${path}=${LITERAL}`], { cwd: config, env: { REGISTRY_PASSWORD: 'x' } });
    assert.is(r.status, 1, path);
    assertNoCredential(r.stderr, `--set ${path}`, [LITERAL]);
  }
  // A Secret's YAML file: yaml's messages would quote the value.
  for (const line of [`API_TOKEN: *${LITERAL}\n`, `DB_PASSWORD: |${LITERAL}\n`, `TOKEN: !${LITERAL}\n`]) {
    const r = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}secrets: {literals: [{name: d, files: [d.yml]}]}\n`, 'd.yml': line }) });
    failsCleanly(r, line);
    assertNoCredential(r.stderr, line, [LITERAL]);
  }
});

test('no credential on stderr from other paths a review found: Secret env files, inline specs, check hints, registry addresses, glued keys, shared files', () => {
  const head = 'name: app\nservice: {image: registry.example.com/app}\n';
  const cases: Array<[string, Record<string, string>, string[], Record<string, string>?, string?]> = [
    // A YAML file or a PEM key put under secrets.envs: its lines are no keys, and hold values.
    ['YAML under secrets.envs', { 'kustz.yml': `${head}secrets: {envs: [{name: s, files: [s.yml]}]}\n`, 's.yml': `USER: robot\nPASSWORD: ${LITERAL}\n` }, ['render']],
    ['PEM under secrets.envs', { 'kustz.yml': `${head}secrets: {envs: [{name: s, files: [k.env]}]}\n`, 'k.env': `KEY=-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl${LITERAL}\nb3/Bl+${LITERAL}\n-----END OPENSSH PRIVATE KEY-----\n` }, ['render']],
    // A password glued to its key in flow style, and one in an undefined alias after another alias.
    ['glued key', { 'kustz.yml': `${head}secrets:\n  dockerRegistry:\n    - {name: reg, username: robot, password:${LITERAL}}\n` }, ['render']],
    ['alias after an alias', { 'kustz.yml': `name: &n app\nnamespace: *n\nservice: {image: registry.example.com/app}\nsecrets:\n  dockerRegistry:\n    - name: reg\n      username: robot\n      password: *${LITERAL}\n` }, ['render']],
    // Another problem on a flow-style line that holds a password.
    // A password anchored and taken into a field whose message quotes its value.
    ['alias of a password', { 'kustz.yml': `name: app\nsecrets:\n  dockerRegistry:\n    - name: reg\n      username: robot\n      password: &p ${LITERAL}\nservice:\n  image: registry.example.com/app\n  ports: [*p]\n  imagePullPolicy: *p\n` }, ['render']],
    ['flow line', { 'kustz.yml': `${head}secrets: {dockerRegistry: [{name: reg, username: robot, password: ${LITERAL}}], literals: [{name: Bad_Name, files: []}]}\n` }, ['render']],
    // A file a Secret reads, read by the container too.
    ['shared file', { 'kustz.yml': `name: app\nservice: {image: registry.example.com/app, envs: {files: [c.yml]}}\nsecrets: {literals: [{name: s, files: [c.yml]}]}\n`, 'c.yml': `PASSWORD: "${LITERAL}\\q"\n` }, ['render']],
    ['over-indented secret line', { 'kustz.yml': `${head}secrets: {literals: [{name: s, files: [s.yml]}]}\n`, 's.yml': `DB_URL: postgres://app\n  ${LITERAL}: x\n` }, ['render']],
    // Registry addresses with a password holding "@" or "/", or a token alone.
    ['registry addresses', { 'kustz.yml': `name: app\nservice: {image: ghcr.io/acme/app, imagePullSecrets: [reg]}\nsecrets: {files: [{name: reg, type: kubernetes.io/dockerconfigjson, files: [.dockerconfigjson=c.json]}]}\n`,
      'c.json': `{"auths": {"https://robot:pa@${LITERAL}@registry.example.com": {"auth": "eDp5"}, "https://robot:${LITERAL}/pw@r.example.com": {"auth": "eDp5"}, "https://${LITERAL}@h.example.com": {"auth": "eDp5"}}}` }, ['render']],
    // check's hint repeats the flags: not a credential's value.
    ['check hint', { 'kustz.yml': `name: app\nservice: {image: registry.example.com/app, imagePullSecrets: [reg]}\nsecrets:\n  dockerRegistry:\n    - {name: reg, server: registry.example.com, username: robot, password: "\${PW}"}\n` },
      ['check', 'kustz.yml', '--set', `secrets.dockerRegistry[0].username=${LITERAL}`], { PW: 'x' }],
    ['--set spelled wrong', { 'kustz.yml': head }, ['render', '--set', `secrets.dockerregistry[0].password=${LITERAL}`]],
    ['--set without =', { 'kustz.yml': head }, ['render', '--set', `secrets.dockerRegistry[0].password:${LITERAL}`]],
    ['KRM stdin', {}, ['fn'], undefined, `kind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: kustz/v1\n  kind: Kustz\n  metadata: {name: web}\n  spec:\n    service: {image: nginx}\n    secrets:\n      dockerRegistry:\n        - {name: r, username: u, password: |${LITERAL}}\n`],
  ];
  for (const [what, files, args, env, input] of cases) {
    const r = kustz(args, { cwd: project(files), ...(env ? { env } : {}), ...(input ? { input } : {}) });
    assert.ok(r.status !== 0 || r.stderr !== '', `${what}: reports something`);
    assertNoCredential(r.stderr, what, [LITERAL]);
  }
  // The legacy plugin with an inline spec: a literal password is reported without its line.
  const dir = project({ 'kustz.yml': head, 'gen.yaml': `apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: app}\nspec:\n  secrets:\n    dockerRegistry:\n    - name: reg\n      password: ${LITERAL}\n      username: robot\n  service: {image: registry.example.com/app}\n` });
  const plugin = kustz([join(dir, 'gen.yaml')], { cwd: dir, env: { KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir } });
  assert.match(plugin.stderr, /password holds a literal secret \(<redacted>\)/);
  assertNoCredential(plugin.stderr, 'inline spec', [LITERAL]);
});

test('a YAML file of a Secret is never quoted in a message; the same file of a ConfigMap is', () => {
  const problems: Record<string, string> = {
    'a value holding ": "': `DB_PASSWORD: ${FILE_PASSWORD}: x\n`,
    'a tab': `A: 1\n\tDB_PASSWORD: ${FILE_PASSWORD}\n`,
    'a duplicate key': `DB_PASSWORD: one\nDB_PASSWORD: ${FILE_PASSWORD}\n`,
    'a nested value': `DB_PASSWORD:\n  nested: ${FILE_PASSWORD}\n`,
    'a bad key': `bad key: ${FILE_PASSWORD}\n`,
    'a list': `- ${FILE_PASSWORD}\n`,
  };
  for (const [what, content] of Object.entries(problems)) {
    for (const kind of ['secrets', 'configmaps']) {
      const dir = project({ 'kustz.yml': `${BASE}${kind}:\n  literals: [{name: data, files: [data.yml]}]\n`, 'data.yml': content });
      const r = kustz(['render', '-c', 'kustz.yml'], { cwd: dir });
      failsCleanly(r, `${kind}, ${what}`);
      assert.match(r.stderr, /^kustz: data.yml:\d+:\d+: /, `${kind}, ${what}: located in the file`);
      if (kind === 'secrets') assertNoCredential(r.stderr, `${kind}, ${what}`, [FILE_PASSWORD]);
      else assert.ok(r.stderr.includes(`  | `), `${kind}, ${what}: a ConfigMap's file keeps its code frame`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// No network, no processes

test('rendering every example opens no socket, resolves no name and starts no process', () => {
  const guard = project({
    'guard.mjs': `import net from 'node:net'; import dns from 'node:dns'; import tls from 'node:tls'; import http from 'node:http';
import https from 'node:https'; import http2 from 'node:http2'; import dgram from 'node:dgram'; import cp from 'node:child_process';
import worker from 'node:worker_threads'; import { syncBuiltinESMExports } from 'node:module';
const deny = (what) => function () { process.stderr.write('GUARD: ' + what + '\\n'); process.exit(99); };
const block = (mod, name, keys) => { for (const k of keys) if (typeof mod[k] === 'function') mod[k] = deny(name + '.' + k); };
block(net, 'net', ['connect', 'createConnection', 'createServer']);
net.Socket.prototype.connect = deny('net.Socket.connect');
block(dns, 'dns', ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']);
block(dns.promises, 'dns.promises', ['lookup', 'resolve', 'resolve4', 'resolve6']);
block(tls, 'tls', ['connect', 'createServer']);
for (const [mod, name] of [[http, 'http'], [https, 'https']]) block(mod, name, ['request', 'get', 'createServer']);
block(http2, 'http2', ['connect', 'createServer']);
block(dgram, 'dgram', ['createSocket']);
block(cp, 'child_process', ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
worker.Worker = deny('worker_threads.Worker');
globalThis.fetch = deny('fetch');
globalThis.WebSocket = deny('WebSocket');
syncBuiltinESMExports();
`,
  });
  const preload = pathToFileURL(join(guard, 'guard.mjs')).href;
  const examples = readdirSync(join(ROOT, 'examples')).filter((d) => existsSync(join(ROOT, 'examples', d, 'kustz.yml')));
  assert.ok(examples.length > 5);
  for (const name of examples) {
    const dir = join(ROOT, 'examples', name);
    const argsFile = join(dir, 'args');
    const args = existsSync(argsFile) ? readFileLines(argsFile) : ['render', '-c', 'kustz.yml'];
    const env = existsSync(join(dir, 'env')) ? Object.fromEntries(readFileLines(join(dir, 'env')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])) : {};
    const { NODE_EXTRA_CA_CERTS: _ca, KUSTZ_DEBUG: _debug, ...base } = process.env;
    const guarded = spawnSync(process.execPath, ['--import', preload, BIN, ...args], { cwd: dir, env: { ...base, ...env }, encoding: 'utf8' });
    const plain = kustz(args, { cwd: dir, env });
    assert.not.match(guarded.stderr, /GUARD: /, `${name}: ${guarded.stderr}`);
    assert.is(guarded.status, plain.status, `${name}: exit code under the guard`);
    assert.is(guarded.stdout, plain.stdout, `${name}: same output under the guard`);
  }
});

function readFileLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

test.run();
