/**
 * kustz inside kustomize, with the real tools: `kustz kustomize -o DIR` built by kubectl
 * kustomize, the legacy exec plugin and the KRM function (through kustomize's container runtime
 * with a stand-in docker, and through kpt), hash suffixes, and config changes that roll Pods.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { kustomizeHash } from '../src/hash.js';
import { kustomization } from '../src/kustomize.js';
import { readFromMap } from '../src/files.js';
import { render } from '../src/render.js';
import type { KubeObject } from '../src/types.js';
import { caseArgs, caseEnv, goldenCases } from './helpers/cases.js';
import { BIN, hasCommand, kustz, ROOT } from './helpers/cli.js';
import { write } from './helpers/project.js';

const KUBECTL = hasCommand('kubectl');
const KPT = hasCommand('kpt');
if (!KUBECTL) console.log('\n  NOTICE: kubectl not found: the kustomize build tests are skipped\n');
if (!KPT) console.log('\n  NOTICE: kpt not found: the kpt fn eval test is skipped\n');

const TMP = mkdtempSync(join(tmpdir(), 'kustz-kustomize-'));
test.after(() => rmSync(TMP, { recursive: true, force: true }));
let dirs = 0;
function tempDir(name: string): string {
  const dir = join(TMP, `${++dirs}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A throw-away project: file name -> content. */
function project(name: string, files: Record<string, string | Buffer>): string {
  const dir = tempDir(name);
  write(dir, files);
  return dir;
}

/** kustz prints YAML 1.2; kubectl prints Go's YAML, which quotes by 1.1 rules (`0o17` stays bare). */
function parse(text: string, version: '1.1' | '1.2' = '1.2'): KubeObject[] {
  return parseAllDocuments(text, { version }).map((d) => asGoReadsIt(d.toJS()) as KubeObject).filter((o) => o !== null);
}

/**
 * yaml's YAML 1.1 floats take a lone "." (kubectl kustomize prints a DNS search "." plain); Go's
 * yaml.v2, whose reading this stands for, keeps it a string. Quoted ".nan" stays a string anyway.
 */
function asGoReadsIt(value: unknown): unknown {
  if (typeof value === 'number' && Number.isNaN(value)) return '.';
  if (Array.isArray(value)) return value.map(asGoReadsIt);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asGoReadsIt(v)]));
  return value;
}

function kubectlKustomize(dir: string, options: { args?: string[]; env?: Record<string, string> } = {}): KubeObject[] {
  const r = spawnSync('kubectl', ['kustomize', ...(options.args ?? []), dir], { encoding: 'utf8', env: { ...process.env, ...options.env } });
  assert.is(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
  return parse(r.stdout, '1.1');
}

function rendered(args: string[], options: { cwd: string; env?: Record<string, string> }): KubeObject[] {
  const r = kustz(['render', ...args], options);
  assert.is(r.status, 0, `kustz render ${args.join(' ')}: ${r.stderr}`);
  return parse(r.stdout);
}

/**
 * Objects by kind, namespace and name; Secret data decoded, since kubectl wraps base64 lines, and
 * an empty Secret's `data: {}` (kustomize's generator writes it) taken as no data.
 */
function byName(objects: KubeObject[]): Record<string, KubeObject> {
  return Object.fromEntries(
    objects.map((o) => {
      const { data, ...rest } = o;
      const kept = data && Object.keys(data).length ? { data: o.kind === 'Secret' ? decoded(data as Record<string, string>) : data } : {};
      return [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, { ...rest, ...kept } as KubeObject];
    }),
  );
}

function decoded(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('latin1')]));
}

/** A case's render arguments split into its kustz.yml files and everything else (the overrides). */
function splitArgs(args: string[]): { configs: string[]; rest: string[] } {
  const configs: string[] = [];
  const rest: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--config') configs.push(args[++i]!);
    else if (['--image', '--replicas', '--set', '--load-restrictor'].includes(a)) rest.push(a, args[++i]!);
    else if (a.startsWith('-')) rest.push(a);
    else configs.push(a);
  }
  return { configs: configs.length ? configs : ['kustz.yml'], rest };
}

/** The golden cases that render: they hold expected.yaml. */
const buildable = goldenCases().filter((dir) => existsSync(join(dir, 'expected.yaml')) && caseArgs(dir)[0] === 'render' && !caseArgs(dir).includes('--write'));

for (const dir of buildable) {
  const name = dir.slice(ROOT.length);
  test(`${name}: kubectl kustomize of kustz kustomize -o DIR gives the objects of kustz render, with and without --hash`, () => {
    if (!KUBECTL) return;
    const { configs, rest } = splitArgs(caseArgs(dir));
    const env = caseEnv(dir);
    for (const config of configs) {
      for (const hash of [[], ['--hash']]) {
        const out = tempDir(basename(dir));
        const k = kustz(['kustomize', '-c', config, ...rest, ...hash, '-o', out], { cwd: dir, env });
        assert.is(k.status, 0, `kustz kustomize -c ${config}: ${k.stderr}`);
        assert.is(k.stdout, '');
        assert.equal(byName(kubectlKustomize(out)), byName(rendered(['-c', config, ...rest, ...hash], { cwd: dir, env })), `${name} ${config} ${hash.join('')}`);
      }
    }
  });
}

const SERVICE = {
  'kustz.yml': `name: web
namespace: shop
service:
  image: registry.example.com/web:1
  ports: ["80:8080"]
  imagePullSecrets: [regcred]
  envs:
    configmaps: [web-env]
    secrets: [web-secret]
ingress:
  rules: [https://web.example.com/*?tls=web-tls]
configmaps:
  envs: [{name: web-env, files: [config/app.env]}]
  literals: [{name: web-literals, files: [literals.yml]}]
secrets:
  files: [{name: web-tls, type: kubernetes.io/tls, files: [tls.crt=certs/tls.crt, tls.key=certs/tls.key]}]
  envs: [{name: web-secret, files: [secret.env]}]
  dockerRegistry: [{name: regcred, server: registry.example.com, username: robot, password: "\${REGISTRY_PASSWORD}"}]
`,
  'config/app.env': 'LOG_LEVEL=info\nGREETING="hello world"\n',
  'secret.env': 'API_TOKEN=t0ken\n',
  'certs/tls.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  'certs/tls.key': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  // Values kustomize's literal syntax would change if written as they are.
  'literals.yml': `DOUBLE: '"quoted"'
SINGLE: "'single'"
LONE: '"'
EQUALS: a=b
EMPTY: ""
MULTI: |
  line one
  line two
`,
};
const PASSWORD = 's3cr3t-Pa55word';
const ENV = { REGISTRY_PASSWORD: PASSWORD };

test('DIR builds to the same objects wherever it is: inside the project, the project itself, above it', () => {
  if (!KUBECTL) return;
  const root = project('where', { ...Object.fromEntries(Object.entries(SERVICE).map(([k, v]) => [`svc/${k}`, v])) });
  const expected = byName(rendered(['-c', 'svc/kustz.yml'], { cwd: root, env: ENV }));
  for (const out of ['svc/deploy', 'svc', '.', 'elsewhere/deep']) {
    const k = kustz(['kustomize', '-c', 'svc/kustz.yml', '-o', out], { cwd: root, env: ENV });
    assert.is(k.status, 0, k.stderr);
    assert.equal(byName(kubectlKustomize(join(root, out))), expected, out);
  }
  // A file already inside DIR is named where it is; others are copied in at their path.
  const inside = readFileSync(join(root, 'kustomization.yml'), 'utf8');
  assert.match(inside, 'svc/config/app.env');
  assert.not.ok(existsSync(join(root, 'config')));
  const child = readFileSync(join(root, 'svc/deploy/kustomization.yml'), 'utf8');
  assert.match(child, '- config/app.env');
  assert.is(readFileSync(join(root, 'svc/deploy/config/app.env'), 'utf8'), SERVICE['config/app.env']);
});

test('empty and binary-only data: the same objects and hash suffixes through kustomize', () => {
  if (!KUBECTL) return;
  const dir = project('edge-data', {
    'kustz.yml': `name: edge
service:
  image: example/edge:1
  envs: {configmaps: [edge-bin, edge-empty], secrets: [edge-empty-secret]}
configmaps:
  files: [{name: edge-bin, files: [logo.png]}]
  envs: [{name: edge-empty, files: [empty.env]}]
secrets:
  envs: [{name: edge-empty-secret, files: [empty.env]}]
`,
    'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]),
    'empty.env': '# nothing yet\n',
  });
  for (const hash of [[], ['--hash']]) {
    const out = join(dir, `out${hash.join('')}`);
    assert.is(kustz(['kustomize', ...hash, '-o', out], { cwd: dir }).status, 0);
    assert.equal(byName(kubectlKustomize(out)), byName(rendered(hash, { cwd: dir })), hash.join(''));
  }
});

test('credentials from ${ENV} stay in the one Secret file; kustomization.yml names no password', () => {
  if (!KUBECTL) return;
  const dir = project('credentials', SERVICE);
  for (const hash of [[], ['--hash']]) {
    const out = join(dir, hash.length ? 'hashed' : 'plain');
    const k = kustz(['kustomize', ...hash, '-o', out], { cwd: dir, env: ENV });
    assert.is(k.status, 0, k.stderr);
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(out, f)).isFile());
    for (const f of files) assert.not.match(readFileSync(join(out, f), 'utf8'), PASSWORD, f);
    assert.equal(files.filter((f) => readFileSync(join(out, f), 'utf8').includes('.dockerconfigjson')), ['registry-secrets.yml']);
    const secret = parse(readFileSync(join(out, 'registry-secrets.yml'), 'utf8'))[0]!;
    assert.match(decoded(secret['data'] as Record<string, string>)['.dockerconfigjson']!, `"password":"${PASSWORD}"`);
    assert.match(readFileSync(join(out, 'registry-secrets.yml'), 'utf8'), 'keep it out of version control');
    assert.equal(byName(kubectlKustomize(out)), byName(rendered(hash, { cwd: dir, env: ENV })));
  }
});

test('--hash: every reference follows the suffixed names, through kustomize too', () => {
  const dir = project('hash-refs', SERVICE);
  const check = (objects: KubeObject[]) => {
    const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const o of objects.filter((x) => x.kind === 'ConfigMap' || x.kind === 'Secret')) {
      assert.match(o.metadata.name, /-[a-z0-9]{10}$/, `${o.kind}/${o.metadata.name} has a hash suffix`);
      assert.not.ok(o.metadata.annotations, 'no needs-hash mark left');
    }
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const pod = (deployment['spec'] as { template: { metadata: { annotations?: object }; spec: Record<string, any> } }).template;
    assert.is(pod.metadata.annotations, undefined, 'names roll the Pods; no config-hash annotation');
    for (const e of pod.spec['containers'][0].envFrom) {
      const ref = e.configMapRef ? `ConfigMap/${e.configMapRef.name}` : `Secret/${e.secretRef.name}`;
      assert.ok(names.has(ref), `${ref} exists`);
    }
    assert.ok(names.has(`Secret/${pod.spec['imagePullSecrets'][0].name}`), 'imagePullSecrets follows');
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    const tls = (ingress['spec'] as { tls: Array<{ secretName: string }> }).tls[0]!.secretName;
    assert.ok(names.has(`Secret/${tls}`), 'Ingress TLS follows');
  };
  check(rendered(['--hash'], { cwd: dir, env: ENV }));
  if (!KUBECTL) return;
  const out = join(dir, 'out');
  assert.is(kustz(['kustomize', '--hash', '-o', out], { cwd: dir, env: ENV }).status, 0);
  check(kubectlKustomize(out));
});

test("kustz's hash is kustomize's (values measured with kubectl kustomize v5.5)", () => {
  const cm = (data: Record<string, string>, name = 'x'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
  assert.is(kustomizeHash(cm({ A: '1' })), '89g4tffbfk');
  // kustomize leaves the name out of the hash (it looks up "metadata/name" as one key).
  assert.is(kustomizeHash(cm({ a: 'b' }, 'cm')), '4h2mbtbbt6');
  assert.is(kustomizeHash(cm({ a: 'b' }, 'p-cm')), '4h2mbtbbt6');
});

test('changing an env file changes kustz.io/config-hash and nothing else', () => {
  const dir = project('roll', SERVICE);
  const before = rendered([], { cwd: dir, env: ENV });
  writeFileSync(join(dir, 'config/app.env'), 'LOG_LEVEL=debug\nGREETING="hello world"\n');
  const after = rendered([], { cwd: dir, env: ENV });
  const annotation = (objects: KubeObject[]) =>
    (objects.find((o) => o.kind === 'Deployment')!['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['kustz.io/config-hash'];
  assert.ok(annotation(before));
  assert.is.not(annotation(after), annotation(before));
  const without = (objects: KubeObject[]) =>
    objects.map((o) => {
      const copy = structuredClone(o);
      if (copy.kind === 'ConfigMap' && copy.metadata.name === 'web-env') delete copy['data'];
      if (copy.kind === 'Deployment') delete (copy['spec'] as { template: { metadata: { annotations?: object } } }).template.metadata.annotations;
      return copy;
    });
  assert.equal(without(after), without(before));
  assert.is.not(JSON.stringify(after.find((o) => o.metadata.name === 'web-env')), JSON.stringify(before.find((o) => o.metadata.name === 'web-env')));
});

test('kustz kustomize: atomic per file, unchanged files untouched, one kustz.yml, -o required', () => {
  const dir = project('rewrite', SERVICE);
  const out = join(dir, 'out');
  assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV }).status, 0);
  const mtimes = () => Object.fromEntries(readdirSync(out).map((f) => [f, statSync(join(out, f)).mtimeMs]));
  const first = mtimes();
  assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV }).status, 0);
  assert.equal(mtimes(), first);
  assert.is(kustz(['kustomize', '--replicas', '3', '-o', 'out'], { cwd: dir, env: ENV }).status, 0);
  const changed = Object.entries(mtimes()).filter(([f, t]) => t !== first[f]).map(([f]) => f);
  assert.equal(changed, ['deployment.yml']);
  assert.not.ok(readdirSync(out).some((f) => f.startsWith('.kustz-tmp')));

  const failed = kustz(['kustomize', '--set', 'service.replicas=two', '-o', 'out'], { cwd: dir, env: ENV });
  assert.is(failed.status, 1);
  assert.is(failed.stdout, '');
  assert.equal(mtimes(), Object.fromEntries(readdirSync(out).map((f) => [f, statSync(join(out, f)).mtimeMs])));

  const noOut = kustz(['kustomize'], { cwd: dir, env: ENV });
  assert.is(noOut.status, 2);
  assert.match(noOut.stderr, 'needs -o DIR');
  const two = kustz(['kustomize', '-c', 'kustz.yml', 'kustz.yml', '-o', 'x'], { cwd: dir, env: ENV });
  assert.is(two.status, 2);
  writeFileSync(join(out, 'kustomization.yaml'), 'resources: []\n');
  const existing = kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV });
  assert.is(existing.status, 1);
  assert.match(existing.stderr, 'already holds kustomization.yaml');
});

test('kustz kustomize: a file an earlier run wrote and this one does not is removed, and nothing else', () => {
  const dir = project('stale', SERVICE);
  const out = join(dir, 'out');
  assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV }).status, 0);
  assert.ok(existsSync(join(out, 'ingress.yml')) && existsSync(join(out, 'registry-secrets.yml')));
  writeFileSync(join(out, 'notes.yml'), '# mine\n');
  // The same service without its Ingress and without registry credentials.
  const source = readFileSync(join(dir, 'kustz.yml'), 'utf8')
    .replace(/ingress:\n  rules: .*\n/, '')
    .replace(/  dockerRegistry: .*\n/, '')
    .replace('  imagePullSecrets: [regcred]\n', '');
  assert.not.match(source, /ingress|dockerRegistry|regcred/);
  writeFileSync(join(dir, 'kustz.yml'), source);
  const k = kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV });
  assert.is(k.status, 0, k.stderr);
  const files = readdirSync(out);
  assert.not.ok(files.includes('ingress.yml') || files.includes('registry-secrets.yml'), files.join(' '));
  for (const kept of ['deployment.yml', 'service.yml', 'kustomization.yml', 'notes.yml', 'config', 'certs']) assert.ok(files.includes(kept), kept);
  assert.is(readFileSync(join(out, 'notes.yml'), 'utf8'), '# mine\n');
  if (KUBECTL) assert.equal(byName(kubectlKustomize(out)), byName(rendered([], { cwd: dir, env: ENV })));
  // A file of such a name that kustz did not write (a directory, too) stays where it is.
  writeFileSync(join(out, 'ingress.yml'), 'apiVersion: v1\nkind: List\nitems: []\n');
  mkdirSync(join(out, 'registry-secrets.yml'));
  assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV }).status, 0);
  assert.is(readFileSync(join(out, 'ingress.yml'), 'utf8'), 'apiVersion: v1\nkind: List\nitems: []\n');
  assert.ok(statSync(join(out, 'registry-secrets.yml')).isDirectory());
});

test('kustz kustomize: a copy of a data file kustz.yml no longer names is removed, with the directory it leaves empty; nothing else', () => {
  const dir = project('stale-copies', { ...SERVICE, 'config/next.env': 'LOG_LEVEL=debug\n' });
  const out = join(dir, 'out');
  assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV }).status, 0);
  const listed = readFileSync(join(out, 'kustomization.yml'), 'utf8');
  assert.match(listed, '\n# Copied here by kustz, removed by it once kustz.yml no longer names them: ["secret.env","certs/tls.crt","certs/tls.key","config/app.env"]\n');
  writeFileSync(join(out, 'config/mine.env'), 'MINE=1\n');
  // No TLS Secret any more, and the env file renamed.
  const source = readFileSync(join(dir, 'kustz.yml'), 'utf8')
    .replace('?tls=web-tls', '')
    .replace(/  files: \[\{name: web-tls.*\n/, '')
    .replace('config/app.env', 'config/next.env');
  writeFileSync(join(dir, 'kustz.yml'), source);
  const k = kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV });
  assert.is(k.status, 0, k.stderr);
  assert.not.ok(existsSync(join(out, 'certs')), 'certs/ held only copies');
  assert.equal(readdirSync(join(out, 'config')).sort(), ['mine.env', 'next.env']);
  assert.ok(existsSync(join(dir, 'config/app.env')) && existsSync(join(dir, 'certs/tls.key')), 'the sources stay');
  if (KUBECTL) assert.equal(byName(kubectlKustomize(out)), byName(rendered([], { cwd: dir, env: ENV })));
  // A kustomization.yml that lists no copies (written by hand, or by an older kustz) has none removed.
  const listing = readFileSync(join(out, 'kustomization.yml'), 'utf8');
  writeFileSync(join(out, 'kustomization.yml'), listing.replace(/^# Copied here.*\n/m, ''));
  writeFileSync(join(dir, 'kustz.yml'), source.replace('config/next.env', 'config/app.env'));
  assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir, env: ENV }).status, 0);
  assert.equal(readdirSync(join(out, 'config')).sort(), ['app.env', 'mine.env', 'next.env']);
});

test('kustz kustomize: a listed copy reached through a symlinked directory in DIR is the source itself: it stays, and keeps its mode', () => {
  // out/config links back to config/: the copy of config/app.env was that file, never a copy.
  const dir = project('linked-copies', {
    'kustz.yml': 'name: web\nservice: {image: nginx}\nsecrets:\n  envs: [{name: env, files: [config/app.env]}]\n',
    'config/app.env': 'A=1\n',
    'config/next.env': 'B=2\n',
  });
  for (const f of ['app.env', 'next.env']) chmodSync(join(dir, 'config', f), 0o644);
  mkdirSync(join(dir, 'out'));
  symlinkSync('../config', join(dir, 'out/config'));
  const first = kustz(['kustomize', '-o', 'out'], { cwd: dir });
  assert.is(first.status, 0, first.stderr);
  writeFileSync(join(dir, 'kustz.yml'), readFileSync(join(dir, 'kustz.yml'), 'utf8').replace('app.env', 'next.env'));
  const second = kustz(['kustomize', '-o', 'out'], { cwd: dir });
  assert.is(second.status, 0, second.stderr);
  assert.is(readFileSync(join(dir, 'config/app.env'), 'utf8'), 'A=1\n');
  // The user's files, not copies: a Secret's copy would be made owner-only, they are not.
  assert.equal(['app.env', 'next.env'].map((f) => statSync(join(dir, 'config', f)).mode & 0o777), [0o644, 0o644]);
});

test('kustz kustomize: never replaces or removes a file the kustz.yml reads, even written into its own directory', () => {
  // A data file named like a file kustz writes (service.yml), and one that also starts like one
  // (ingress.yml), which a run without an Ingress would remove as its own leftover.
  const files = {
    'kustz.yml': 'name: web\nservice:\n  image: nginx:1.25\n  ports: ["80:8080"]\nconfigmaps:\n  literals: [{name: lit, files: [service.yml, ingress.yml]}]\n',
    'service.yml': 'GREETING: hello\n',
    'ingress.yml': '# Generated by kustz from a template\nHOST: example.com\n',
  };
  const dir = project('inputs', files);
  const k = kustz(['kustomize', '-o', '.'], { cwd: dir });
  assert.is(k.status, 1, k.stderr);
  assert.is(k.stdout, '');
  assert.is(k.stderr, "kustz: service.yml: the run reads this file (a kustz.yml or a file it names); the output would replace it\n  hint: write the kustomization to a directory of its own, e.g. -o deploy/\n");
  assert.equal(readdirSync(dir).sort(), Object.keys(files).sort(), 'nothing written, nothing removed');
  for (const [name, content] of Object.entries(files)) assert.is(readFileSync(join(dir, name), 'utf8'), content, name);
  // With no clash left, service.yml, a file kustz did not write, would still be lost: refused.
  writeFileSync(join(dir, 'kustz.yml'), files['kustz.yml'].replace('service.yml, ', ''));
  const unread = kustz(['kustomize', '-o', '.'], { cwd: dir });
  assert.is(unread.status, 1, unread.stderr);
  assert.is(unread.stderr, 'kustz: service.yml: kustz kustomize would replace this file, which kustz did not write (it does not start with "# Generated by kustz")\n  hint: move the file away, or write the kustomization to a directory of its own with -o\n');
  assert.is(readFileSync(join(dir, 'service.yml'), 'utf8'), files['service.yml']);
  // Moved away, the kustomization goes into the same directory and ingress.yml stays.
  rmSync(join(dir, 'service.yml'));
  const again = kustz(['kustomize', '-o', '.'], { cwd: dir });
  assert.is(again.status, 0, again.stderr);
  assert.is(readFileSync(join(dir, 'ingress.yml'), 'utf8'), files['ingress.yml']);
  if (KUBECTL) assert.equal(byName(kubectlKustomize(dir)), byName(rendered([], { cwd: dir })));
});

test('kustz kustomize: a write that fails part way writes not one file, and leaves no directory or temporary file', () => {
  const files = { 'kustz.yml': 'name: cat\nservice:\n  image: nginx\nconfigmaps:\n  files: [{name: cfg, files: [conf/deep/a.txt]}]\n', 'conf/deep/a.txt': 'hi\n' };
  const listing = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  for (const [blocker, shown] of [
    // kustomization.yml, written last, cannot be: every file before it was once left behind.
    [{ 'out/kustomization.yml/x': '' }, 'out/kustomization.yml: is a directory; an output of kustz is a file\n  hint: move it away, or write the output elsewhere'],
    // A copy's directory cannot be made: conf/ is a file.
    [{ 'out/conf': 'a file\n' }, 'out/conf/deep/a.txt: a part of the path is a file, not a directory\n  hint: move that file away, or write the output elsewhere'],
  ] as const) {
    const dir = project('all-or-none', { ...files, ...blocker });
    const before = listing(join(dir, 'out'));
    const r = kustz(['kustomize', '-o', 'out'], { cwd: dir });
    assert.is(r.status, 1, r.stderr);
    assert.is(r.stderr, `kustz: cannot write ${shown}\n`);
    assert.equal(listing(join(dir, 'out')), before);
  }
});

test('kustz kustomize: a rename that fails after others succeeded puts every file back as it was', () => {
  const dir = project('rollback', {
    'kustz.yml': 'name: cat\nservice:\n  image: nginx\n  ports: ["80:8080"]\nconfigmaps:\n  files: [{name: cfg, files: [conf/a.txt]}]\n',
    'conf/a.txt': 'hi\n',
    'out/service.yml': '# Generated by kustz from ../kustz.yml: old service\n',
    'out/kustomization.yml': '# Generated by kustz from ../kustz.yml: old kustomization\n',
  });
  // An immutable kustomization.yml: the last rename fails after conf/a.txt and service.yml are in place.
  const immutable = spawnSync('chattr', ['+i', join(dir, 'out/kustomization.yml')], { encoding: 'utf8' });
  if (immutable.status !== 0) return console.log(`  NOTICE: chattr +i failed here (${immutable.stderr.trim()}); the rename-rollback test is skipped`);
  try {
    const r = kustz(['kustomize', '-o', 'out'], { cwd: dir });
    assert.is(r.status, 1);
    assert.match(r.stderr, 'kustz: cannot write out/kustomization.yml: operation not permitted');
    assert.equal(readdirSync(join(dir, 'out')).sort(), ['kustomization.yml', 'service.yml']);
    assert.is(readFileSync(join(dir, 'out/service.yml'), 'utf8'), '# Generated by kustz from ../kustz.yml: old service\n');
  } finally {
    spawnSync('chattr', ['-i', join(dir, 'out/kustomization.yml')]);
  }
});

test('outputs replaced keep their mode: a manifest locked to 0600 stays 0600', () => {
  const dir = project('mode', { 'kustz.yml': 'name: cat\nservice: {image: nginx, ports: [80]}\n', 'out.yaml': 'old\n', 'k/service.yml': '# Generated by kustz from ../kustz.yml: old\n' });
  chmodSync(join(dir, 'out.yaml'), 0o600);
  chmodSync(join(dir, 'k/service.yml'), 0o640);
  assert.is(kustz(['render', '-o', 'out.yaml'], { cwd: dir }).status, 0);
  assert.is(kustz(['kustomize', '-o', 'k'], { cwd: dir }).status, 0);
  assert.is(statSync(join(dir, 'out.yaml')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'k/service.yml')).mode & 0o777, 0o640);
  assert.match(readFileSync(join(dir, 'out.yaml'), 'utf8'), 'kind: Deployment');
});

test('kustz kustomize: new files holding Secret values or credentials are 0600, whatever the umask; the others as a shell makes them', () => {
  const dir = project('secret-mode', {
    'kustz.yml':
      'name: cat\nservice: {image: registry.example.com/cat:1, imagePullSecrets: [pull], ports: [80]}\n' +
      'configmaps: {envs: [{name: cat-env, files: [app.env]}]}\n' +
      'secrets:\n  envs: [{name: cat-secret, files: [secret.env]}]\n  literals: [{name: cat-lit, files: [lit.yml]}]\n' +
      '  dockerRegistry: [{name: pull, server: registry.example.com, username: robot, password: "${PASS}"}]\n',
    'app.env': 'A=1\n',
    'secret.env': 'DB_PASSWORD=hunter2\n',
    'lit.yml': 'TOKEN: abc\n',
  });
  chmodSync(join(dir, 'secret.env'), 0o600);
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const r = spawnSync('sh', ['-c', 'umask 002 && exec "$@"', 'sh', process.execPath, BIN, 'kustomize', '-o', 'k'], { cwd: dir, env: { ...env, PASS: 'x' }, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const mode = (file: string) => (statSync(join(dir, 'k', file)).mode & 0o777).toString(8);
  assert.equal(
    Object.fromEntries(readdirSync(join(dir, 'k')).sort().map((f) => [f, mode(f)])),
    { 'app.env': '664', 'deployment.yml': '664', 'kustomization.yml': '600', 'registry-secrets.yml': '600', 'secret.env': '600', 'service.yml': '664' },
  );
});

test('kustz kustomize: a file that comes to hold Secret values loses its group and other bits, rewritten or not', () => {
  const dir = project('secret-mode-rerun', {
    'kustz.yml': 'name: web\nservice: {image: nginx}\nconfigmaps:\n  files: [{name: c, files: [key.pem]}]\n',
    'key.pem': 'KEY\n',
  });
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const run = () => spawnSync('sh', ['-c', 'umask 022 && exec "$@"', 'sh', process.execPath, BIN, 'kustomize', '-o', 'k'], { cwd: dir, env, encoding: 'utf8' });
  assert.is(run().status, 0);
  const mode = (file: string) => (statSync(join(dir, 'k', file)).mode & 0o777).toString(8);
  assert.equal([mode('kustomization.yml'), mode('key.pem')], ['644', '644']);
  // The same file now a Secret's (its copy unchanged, not rewritten), and a Secret literal in kustomization.yml.
  writeFileSync(join(dir, 'lit.yml'), 'P: hunter2\n');
  writeFileSync(join(dir, 'kustz.yml'), 'name: web\nservice: {image: nginx}\nsecrets:\n  files: [{name: c, files: [key.pem]}]\n  literals: [{name: s, files: [lit.yml]}]\n');
  const r = run();
  assert.is(r.status, 0, r.stderr);
  assert.equal([mode('kustomization.yml'), mode('key.pem'), mode('deployment.yml')], ['600', '600', '644']);
});

test('kustz kustomize: a kustomization.yml kustz did not write is never replaced', () => {
  const dir = project('own-kustomization', { 'kustz.yml': 'name: web\nservice: {image: nginx}\n', 'kustomization.yml': '# mine\nresources: [deploy]\n' });
  const r = kustz(['kustomize', '-o', '.'], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stderr, 'kustz: kustomization.yml: kustz kustomize would replace this file, which kustz did not write (it does not start with "# Generated by kustz")\n  hint: write the kustomization to a directory of its own (e.g. -o deploy/) and list that directory under resources: in yours\n');
  assert.equal(readdirSync(dir).sort(), ['kustomization.yml', 'kustz.yml'], 'nothing written');
  assert.is(readFileSync(join(dir, 'kustomization.yml'), 'utf8'), '# mine\nresources: [deploy]\n');
  // As the hint says: the kustomization in deploy/, listed in the user's own.
  assert.is(kustz(['kustomize', '-o', 'deploy'], { cwd: dir }).status, 0);
  if (KUBECTL) assert.equal(byName(kubectlKustomize(dir)), byName(rendered([], { cwd: dir })));
});

test('kustz kustomize: a kustz.yml given as a link reads its data files where render does', () => {
  if (!KUBECTL) return;
  const config = 'name: cat\nservice:\n  image: nginx\nconfigmaps:\n  files: [{name: cfg, files: [a.txt]}]\n';
  const dir = project('linked-config', { 'other/kustz.yml': config, 'other/a.txt': 'other\n', 'svc/a.txt': 'svc\n' });
  symlinkSync('../other/kustz.yml', join(dir, 'svc/kustz.yml'));
  const args = ['-c', 'svc/kustz.yml', '--load-restrictor', 'none'];
  const expected = byName(rendered(args, { cwd: dir }));
  assert.is((expected['ConfigMap /cfg']?.['data'] as Record<string, string>)['a.txt'], 'svc\n');
  const k = kustz(['kustomize', ...args, '-o', 'svc/deploy'], { cwd: dir });
  assert.is(k.status, 0, k.stderr);
  assert.equal(byName(kubectlKustomize(join(dir, 'svc/deploy'))), expected);
});

test("kustomization(): a Secret's literals stand in kustomization.yml, whose header then says to keep it out of version control", () => {
  const header = (section: string) => {
    const source = `name: app\nservice: {image: x}\n${section}:\n  literals: [{name: a, files: [v.yml]}]\n`;
    const files = { 'v.yml': 'TOKEN: s3cret\n' };
    const result = render({ source, file: 'kustz.yml', readFile: readFromMap(files) });
    const text = kustomization({ result, hash: false, config: '../kustz.yml', output: 'out', readFile: readFromMap(files) }).files.get('kustomization.yml') as string;
    assert.match(text, 'TOKEN=s3cret');
    return text.split('\n').filter((line) => line.startsWith('#'));
  };
  assert.equal(header('secrets'), ['# Generated by kustz from ../kustz.yml: edit that file and run kustz kustomize again.', '# Its secretGenerator literals hold Secret values: keep it out of version control.']);
  assert.equal(header('configmaps'), ['# Generated by kustz from ../kustz.yml: edit that file and run kustz kustomize again.']);
});

test('kustomization(): a copy may not land on a file kustz writes or on a source it names', () => {
  const source = 'name: app\nservice: {image: x}\nconfigmaps:\n  files: [{name: a, files: [deployment.yml, b1=out/b.txt, b2=b.txt]}]\n';
  const files = { 'deployment.yml': 'x', 'out/b.txt': 'in', 'b.txt': 'out' };
  const result = render({ source, file: 'kustz.yml', readFile: readFromMap(files) });
  const out = kustomization({ result, hash: false, config: '../kustz.yml', output: 'out', readFile: readFromMap(files) });
  assert.equal(out.issues.map((i) => i.code), ['kustomize.clash', 'kustomize.clash']);
  assert.match(out.issues[0]!.message, '"deployment.yml" in the output directory would be both a file kustz writes and a copy of "deployment.yml"');
  assert.match(out.issues[1]!.message, '"b.txt" in the output directory would be both the file "out/b.txt" kustz.yml names and a copy of "b.txt"');
});

test('kustomization(): what kubectl kustomize would refuse or change is an error, not a directory that fails to build', () => {
  const source = 'name: app\nservice: {image: x}\nconfigmaps:\n  envs: [{name: a, files: [kustomization.yaml]}]\n  files: [{name: b, files: [k=conf=v1/app.conf]}]\n  literals: [{name: c, files: [v.yml]}]\n';
  // DEL fails kustomize's own reader ("control characters are not allowed"); U+0085 comes back as a space.
  const files = { 'kustomization.yaml': 'A=1\n', 'conf=v1/app.conf': 'x', 'v.yml': 'del: "a\\x7Fb"\nnel: "a\\Nb"\nok: "a\\u2603b"\n' };
  const result = render({ source, file: 'kustz.yml', readFile: readFromMap(files) });
  const out = kustomization({ result, hash: false, config: '../kustz.yml', output: 'out', readFile: readFromMap(files) });
  assert.equal(out.issues.map((i) => i.message), [
    'ConfigMap c: the value of "del" holds U+007F, which kustomize\'s configMapGenerator cannot carry (kubectl kustomize fails, or changes the value)',
    'ConfigMap c: the value of "nel" holds U+0085, which kustomize\'s configMapGenerator cannot carry (kubectl kustomize fails, or changes the value)',
    '"kustomization.yaml" in the output directory would be both a name kustomize keeps for its own file and a copy of "kustomization.yaml"',
    'ConfigMap b: kustomize cannot read the file "conf=v1/app.conf": its files: entries refuse a path with "="',
  ]);
  // Each where it is fixed: a literal's value in its file, a file kustz.yml names at that entry.
  assert.equal(out.issues.map((i) => [`${i.file}:${i.line}:${i.col}`, i.path]), [
    ['v.yml:1:6', undefined],
    ['v.yml:2:6', undefined],
    ['kustz.yml:4:28', 'configmaps.envs[0].files[0]'],
    ['kustz.yml:5:29', 'configmaps.files[0].files[0]'],
  ]);
});

test('kustz kustomize: a value kustomize cannot carry is shown where it was written, or at the entry naming its env file', () => {
  const dir = project('value-positions', {
    'svc/kustz.yml': 'name: web\nservice:\n  image: nginx\nconfigmaps:\n  literals: [{name: l, files: [l.yml]}]\n  files:\n    - name: f\n      files: [ok.txt, f.txt]\n  envs: [{name: e, files: [ok.env, e.env]}]\n',
    'svc/l.yml': 'A: "x\\u0085y"\n',
    'svc/ok.txt': 'fine\n',
    'svc/f.txt': 'line one\nab\u0085c\n',
    'svc/ok.env': 'X=1\n',
    'svc/e.env': 'B=p\u0085q\n',
  });
  const r = kustz(['kustomize', '-c', 'svc/kustz.yml', '-o', 'out'], { cwd: dir });
  assert.is(r.status, 1);
  const what = (code: string, key: string, name: string) => `ConfigMap ${name}: the value of "${key}" holds ${code}, which kustomize's configMapGenerator cannot carry (kubectl kustomize fails, or changes the value)`;
  const hint = '  hint: remove the character, or use kustz render for this service\n';
  assert.is(
    r.stderr,
    `kustz: svc/l.yml:1:4: ${what('U+0085', 'A', 'l')}\n  | A: "x\\u0085y"\n  |    ^\n${hint}` +
      `kustz: svc/kustz.yml:9:36: ${what('U+0085', 'B', 'e')} (at configmaps.envs[0].files[1])\n  |   envs: [{name: e, files: [ok.env, e.env]}]\n  |                                    ^\n${hint}` +
      `kustz: svc/f.txt:2:3: ${what('U+0085', 'f.txt', 'f')}\n  | ab\ufffdc\n  |   ^\n${hint}`,
  );
  writeFileSync(join(dir, 'svc/kustz.yml'), 'name: web\nservice:\n  image: nginx\nconfigmaps:\n  files: [{name: f, files: ["f.txt=a=b/f.txt"]}]\n');
  write(join(dir, 'svc'), { 'a=b/f.txt': 'hi\n' });
  const equals = kustz(['kustomize', '-c', 'svc/kustz.yml', '-o', 'out'], { cwd: dir });
  assert.is(equals.status, 1);
  assert.is(equals.stderr, 'kustz: svc/kustz.yml:5:29: ConfigMap f: kustomize cannot read the file "a=b/f.txt": its files: entries refuse a path with "=" (at configmaps.files[0].files[0])\n  |   files: [{name: f, files: ["f.txt=a=b/f.txt"]}]\n  |                             ^\n  hint: rename the file or its directory without "="\n');
});

test("kustz kustomize: a Secret literal kustomize cannot carry is an error without its value; its files and env files carry anything", () => {
  const dir = project('secret-values', {
    'kustz.yml': 'name: web\nservice:\n  image: nginx\nsecrets:\n  literals: [{name: l, files: [l.yml]}]\n  envs: [{name: e, files: [e.env]}]\n  files: [{name: f, files: [f.txt]}]\n',
    'l.yml': 'ok: "fine"\ndel: "p4ss\\x7Fword"\n',
    'e.env': 'NEL=p\u0085q\n',
    'f.txt': 'a\x7fb\ufffe\n',
  });
  const r = kustz(['kustomize', '-o', 'out'], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(
    r.stderr,
    'kustz: l.yml:2:6: Secret l: the value of "del" holds U+007F, which kustomize\'s secretGenerator, given it as a literal, cannot carry (kubectl kustomize fails, or changes the value)\n' +
      '  hint: remove the character, put the value in a file of its own under secrets.files, or use kustz render for this service\n',
  );
  assert.not.match(r.stderr, 'p4ss');
  writeFileSync(join(dir, 'l.yml'), 'ok: "fine"\n');
  assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir }).status, 0);
  if (KUBECTL) assert.equal(byName(kubectlKustomize(join(dir, 'out'))), byName(rendered([], { cwd: dir })));
});

test('kustz kustomize: a value with U+FEFF is written escaped, where kustomize read it raw as a broken file', () => {
  // A ConfigMap and a Secret literal each: raw, this kustomization.yml failed with "did not find expected key".
  const dir = project('bom-values', {
    'kustz.yml': 'name: web\nservice:\n  image: nginx\nconfigmaps:\n  literals: [{name: c, files: [v.yml]}]\nsecrets:\n  literals: [{name: s, files: [v.yml]}]\n',
    'v.yml': '{"K0": "", "K1": "\\n=\ufeff:null="}\n',
  });
  assert.is(kustz(['kustomize', '-o', 'out'], { cwd: dir }).status, 0);
  assert.match(readFileSync(join(dir, 'out/kustomization.yml'), 'utf8'), '- "K1=\\n=\\uFEFF:null="\n');
  if (KUBECTL) assert.equal(byName(kubectlKustomize(join(dir, 'out'))), byName(rendered([], { cwd: dir })));
});

/** A kustomization that lists the generator config `spec`, beside a copy of SERVICE. */
function generatorProject(name: string, spec: string, function_?: string): string {
  return project(name, {
    ...SERVICE,
    'kustomization.yml': 'namespace: prod\nnamePrefix: p-\ngenerators: [generator.yml]\n',
    'generator.yml': `apiVersion: kustz/v1\nkind: Kustz\nmetadata:\n  name: web\n${function_ ? `  annotations:\n    config.kubernetes.io/function: |\n${function_}` : ''}spec:\n${spec}`,
  });
}

/** What kustomize makes of `render` output under namespace: prod and namePrefix: p-. */
function prefixed(objects: KubeObject[]): Record<string, KubeObject> {
  const p = (ref: { name: string } | undefined) => {
    if (ref) ref.name = `p-${ref.name}`;
  };
  return byName(
    structuredClone(objects).map((o) => {
      o.metadata.namespace = 'prod';
      p(o.metadata);
      const spec = o['spec'] as Record<string, any>;
      if (o.kind === 'Deployment') {
        for (const e of spec['template'].spec.containers[0].envFrom ?? []) p(e.configMapRef ?? e.secretRef);
        for (const s of spec['template'].spec.imagePullSecrets ?? []) p(s);
      }
      if (o.kind === 'Ingress') {
        for (const t of spec['tls'] ?? []) t.secretName = `p-${t.secretName}`;
        for (const r of spec['rules']) for (const path of r.http.paths) p(path.backend.service);
      }
      return o;
    }),
  );
}

test('legacy exec plugin: kustz plugin install, then kubectl kustomize --enable-alpha-plugins with namespace and namePrefix', () => {
  const home = tempDir('plugin-home');
  const install = kustz(['plugin', 'install', '--home', home]);
  assert.is(install.status, 0, install.stderr);
  assert.is(install.stderr, '');
  const link = join(home, 'kustz/v1/kustz/Kustz');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.is(readlinkSync(link), BIN);
  assert.match(install.stdout, `KUSTOMIZE_PLUGIN_HOME=${home} kubectl kustomize --enable-alpha-plugins`);
  assert.is(kustz(['plugin', 'install', '--home', home]).status, 0, 'installing again is fine');
  assert.is(kustz(['plugin', 'remove']).status, 2);
  if (!KUBECTL) return;
  const env = { ...ENV, KUSTOMIZE_PLUGIN_HOME: home };
  for (const [spec, hash] of [['  config: kustz.yml\n', []], ['  config: kustz.yml\n  hash: true\n', ['--hash']]] as const) {
    const dir = generatorProject('legacy', spec);
    const built = byName(kubectlKustomize(dir, { args: ['--enable-alpha-plugins'], env }));
    assert.equal(built, prefixed(rendered([...hash], { cwd: dir, env: ENV })), spec);
  }
  // Inline: the kustz.yml fields under spec, name from metadata.name.
  const inline = generatorProject('legacy-inline', '  service:\n    image: example/inline:1\n  configmaps:\n    envs: [{name: web-env, files: [config/app.env]}]\n');
  const objects = kubectlKustomize(inline, { args: ['--enable-alpha-plugins'], env });
  assert.equal(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort(), ['ConfigMap/prod/p-web-env', 'Deployment/prod/p-web']);
});

test('kustz plugin install run by npx warns that the link points into a cache npm may clear', () => {
  const cache = join(tempDir('npx-cache'), '_npx', '1a2b3c', 'node_modules', 'kustz');
  for (const dir of ['bin', 'dist']) cpSync(join(ROOT, dir), join(cache, dir), { recursive: true });
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const r = spawnSync(process.execPath, [join(cache, 'bin/kustz.js'), 'plugin', 'install', '--home', tempDir('plugin-home-npx')], { env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, `kustz: warning: the plugin links into npx's cache (${join(cache, 'bin/kustz.js')}), which npm may clear at any time\n  hint: install kustz (npm install -g kustz) and run kustz plugin install again\n`);
});

test('legacy exec plugin: errors go to stderr, nothing to stdout, non-zero exit', () => {
  const dir = generatorProject('legacy-error', '  config: kustz.yml\n  hash: yes-please\n');
  const r = kustz([join(dir, 'generator.yml')], { cwd: dir, env: { ...ENV, KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir } });
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  // At its line in the generator config, which the legacy plugin reads from disk.
  assert.match(r.stderr, `kustz: ${join(dir, 'generator.yml')}:7:9: spec.hash must be true or false (at spec.hash)\n  |   hash: yes-please\n`);
  // The config file is YAML read as a kustz.yml is: an error at its line, with a hint, and the same tags.
  const config = join(dir, 'generator.yml');
  writeFileSync(config, 'apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: web}\nspec: {service: {image: nginx, replicas: [1,}}\n');
  const syntax = kustz([config], { cwd: dir, env: { ...ENV, KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir } });
  assert.is(syntax.status, 1);
  assert.is(syntax.stdout, '');
  assert.match(syntax.stderr, new RegExp(`^kustz: ${config.replace(/[.]/g, '\\.')}:4:\\d+: .*\n  \\| spec: .*\n.*\n  hint: `));
  assert.not.match(syntax.stderr, /\\n/);
  writeFileSync(config, 'apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: web}\nspec: {service: {image: nginx, replicas: !!binary aGk=}}\n');
  const tagged = kustz([config], { cwd: dir, env: { ...ENV, KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir } });
  assert.is(tagged.status, 1);
  assert.match(tagged.stderr, `kustz: ${config}:4:42: Unresolved tag: tag:yaml.org,2002:binary`);
  if (!KUBECTL) return;
  const home = tempDir('plugin-home-error');
  assert.is(kustz(['plugin', 'install', '--home', home]).status, 0);
  const bad = generatorProject('legacy-error-build', '  config: missing.yml\n');
  const built = spawnSync('kubectl', ['kustomize', '--enable-alpha-plugins', bad], { encoding: 'utf8', env: { ...process.env, KUSTOMIZE_PLUGIN_HOME: home } });
  assert.is.not(built.status, 0);
  assert.match(built.stderr, /kustz: missing\.yml: .*no such file/);
});

/** A `docker` that runs kustz in place of an image: kustomize's container runtime, without an engine. */
function standInDocker(): string {
  const bin = tempDir('docker-bin');
  writeFileSync(
    join(bin, 'docker'),
    `#!/bin/sh
# kustomize runs: docker run --rm -i -a STDIN -a STDOUT -a STDERR --network none --user nobody ... IMAGE
[ "$1 $2 $3" = "run --rm -i" ] || { echo "stand-in docker: unexpected call: $*" >&2; exit 9; }
exec "${process.execPath}" "${BIN}"
`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  return bin;
}

test('KRM function through kustomize: container function with a stand-in docker, kustz started without arguments', () => {
  if (!KUBECTL) return;
  const docker = standInDocker();
  const env = { ...ENV, PATH: `${docker}:${process.env['PATH']}` };
  const fn = '      container:\n        image: example.com/kustz:1\n';
  for (const [spec, hash] of [['  config: kustz.yml\n', []], ['  config: kustz.yml\n  hash: true\n', ['--hash']]] as const) {
    const dir = generatorProject('krm', spec, fn);
    assert.equal(byName(kubectlKustomize(dir, { args: ['--enable-alpha-plugins'], env })), prefixed(rendered([...hash], { cwd: dir, env: ENV })), spec);
  }
  const bad = generatorProject('krm-error', '  config: kustz.yml\n  image: x\n', fn);
  const built = spawnSync('kubectl', ['kustomize', '--enable-alpha-plugins', bad], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.is.not(built.status, 0);
  assert.match(built.stderr, 'spec holds either config or the kustz.yml fields, not both');
});

test('KRM function through kpt fn eval --exec: generated objects written beside the package, its files untouched, run after run', () => {
  if (!KPT) return;
  // What kpt hands over is handed back byte for byte: comments where they were (a YAML library's
  // printer moved them, and kpt then wrote them again on every run), scalars as written (010 is
  // 8 to kubectl; yaml printed 10), a !!binary (once an internal error).
  const existing = '# Copyright header\n# line 2\n# detached\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: existing # keep me\n  labels: # why\n    a: b\ndata:\n  version: "1.10"\n  n: 010\n  big: 12345678901234567890\nbinaryData:\n  b: !!binary aGk=\n';
  const dir = project('kpt', { ...SERVICE, 'pkg/existing.yml': existing });
  writeFileSync(join(dir, 'fn-config.yml'), 'apiVersion: kustz/v1\nkind: Kustz\nmetadata:\n  name: web\nspec:\n  config: kustz.yml\n');
  const expected = rendered([], { cwd: dir, env: ENV });
  for (const run of [1, 2, 3]) {
    const r = spawnSync('kpt', ['fn', 'eval', 'pkg', '--exec', BIN, '--fn-config', 'fn-config.yml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...ENV } });
    assert.is(r.status, 0, r.stderr);
    assert.is(readFileSync(join(dir, 'pkg/existing.yml'), 'utf8'), existing, `run ${run}`);
    const written = readdirSync(join(dir, 'pkg'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f !== 'existing.yml' && statSync(join(dir, 'pkg', f)).isFile())
      .flatMap((f) => parse(readFileSync(join(dir, 'pkg', f), 'utf8'), '1.1'))
      .map((o) => {
        const { annotations: _kpt, ...metadata } = o.metadata;
        return { ...o, metadata };
      });
    // An object of an earlier run is replaced, not written a second time.
    assert.is(written.length, expected.length, `run ${run}`);
    assert.equal(byName(written), byName(expected), `run ${run}`);
  }
});

test('KRM function through kpt: warnings and errors are results kpt lists under the function, with file, position and field', () => {
  if (!KPT) return;
  const dir = project('kpt-results', { 'pkg/a.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', 'fn.yml': 'apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: web}\nspec: {config: kustz.yml}\n' });
  const run = (config: string) => {
    writeFileSync(join(dir, 'kustz.yml'), config);
    return spawnSync('kpt', ['fn', 'eval', 'pkg', '--exec', BIN, '--fn-config', 'fn.yml'], { cwd: dir, encoding: 'utf8' });
  };
  const warned = run('name: web\nservice:\n  image: nginx\n  resources: {memory: 0}\n');
  assert.is(warned.status, 0, warned.stderr);
  // A kustz.yml is no resource, which a result's field belongs to: the field is in the message.
  assert.match(warned.stderr, /Results:\n {4}\[warning\]: kustz\.yml:4:23: a memory limit of 0 sets no limit at all[^\n]* \(at service\.resources\.memory\)/);
  const failed = run('name: web\nservice:\n  image: nginx\n  replicas: two\n');
  assert.is.not(failed.status, 0);
  assert.match(failed.stderr, 'Results:\n    [error]: kustz.yml:4:13: service.replicas must be an integer, got "two" (at service.replicas)');
  // An inline spec is the functionConfig's: its field, with the functionConfig as the resource.
  writeFileSync(join(dir, 'fn.yml'), 'apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: web}\nspec: {service: {image: nginx, replicas: two}}\n');
  const inline = spawnSync('kpt', ['fn', 'eval', 'pkg', '--exec', BIN, '--fn-config', 'fn.yml'], { cwd: dir, encoding: 'utf8' });
  assert.is.not(inline.status, 0);
  assert.match(inline.stderr, 'Results:\n    [error] kustz/v1/Kustz/web spec.service.replicas: spec.service.replicas must be an integer, got "two"');
});

test('KRM function through kpt: a Knative Service named like the generated Service stays in the package', () => {
  if (!KPT) return;
  const knative = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - image: gcr.io/knative-samples/helloworld-go\n';
  const dir = project('kpt-knative', { 'pkg/knative.yaml': knative, 'fn.yml': 'apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: web}\nspec: {service: {image: nginx, ports: ["80"]}}\n' });
  const r = spawnSync('kpt', ['fn', 'eval', 'pkg', '--exec', BIN, '--fn-config', 'fn.yml'], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(readFileSync(join(dir, 'pkg/knative.yaml'), 'utf8'), knative);
  const kinds = readdirSync(join(dir, 'pkg')).flatMap((f) => parse(readFileSync(join(dir, 'pkg', f), 'utf8')).map((o) => `${o.apiVersion} ${o.kind}`));
  assert.equal(kinds.sort(), ['apps/v1 Deployment', 'serving.knative.dev/v1 Service', 'v1 Service']);
});

test('KRM function through kpt fn render: spec.config and the files of an inline spec are read from the package, wherever kpt runs', () => {
  if (!KPT) return;
  const kptfile = (config: string) => `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: pkg}\npipeline:\n  mutators:\n  - exec: ${BIN}\n    configPath: ${config}\n`;
  const gen = (spec: string) => `apiVersion: kustz/v1\nkind: Kustz\nmetadata:\n  name: web\n  annotations: {config.kubernetes.io/local-config: "true"}\nspec: ${spec}\n`;
  const dir = project('kpt-render', {
    // A kustz.yml where kpt runs, which kustz once read instead of the package's.
    'kustz.yml': 'name: decoy\nservice: {image: nginx}\n',
    'pkg/kustz.yml': 'name: web\nservice: {image: nginx, ports: ["80"]}\n',
    'pkg/app.env': 'A=1\n',
    'pkg/.krmignore': 'kustz.yml\n',
    'pkg/Kptfile': kptfile('gen.yaml'),
    'pkg/gen.yaml': gen('{config: kustz.yml}'),
  });
  const objects = () =>
    readdirSync(join(dir, 'pkg'))
      .filter((f) => !['Kptfile', 'gen.yaml', 'kustz.yml'].includes(f) && /\.ya?ml$/.test(f))
      .flatMap((f) => parse(readFileSync(join(dir, 'pkg', f), 'utf8')))
      .map((o) => `${o.kind}/${o.metadata.name}`)
      .sort();
  for (const [cwd, pkg] of [[dir, 'pkg'], [join(dir, 'pkg'), '.']]) {
    const r = spawnSync('kpt', ['fn', 'render', pkg!, '--allow-exec'], { cwd, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.equal(objects(), ['Deployment/web', 'Service/web'], cwd);
  }
  writeFileSync(join(dir, 'pkg/gen.yaml'), gen('{service: {image: nginx}, configmaps: {envs: [{name: env, files: [app.env]}]}}'));
  const inline = spawnSync('kpt', ['fn', 'render', 'pkg', '--allow-exec'], { cwd: dir, encoding: 'utf8' });
  assert.is(inline.status, 0, inline.stderr);
  assert.ok(objects().includes('ConfigMap/env'), objects().join());
  writeFileSync(join(dir, 'pkg/gen.yaml'), gen('{config: svc/kustz.yml}'));
  const missing = spawnSync('kpt', ['fn', 'render', 'pkg', '--allow-exec'], { cwd: dir, encoding: 'utf8' });
  assert.is.not(missing.status, 0);
  assert.match(missing.stderr, "paths in the spec are relative to the kpt package's directory");
});

test('examples/kustomize-plugin: legacy/ builds under kubectl; exec/ is skipped silently there, and runs as a function', () => {
  const example = join(ROOT, 'examples/kustomize-plugin');
  const service = rendered(['--hash', '-c', 'service/kustz.yml'], { cwd: example });
  // The exec/ config as kustomize hands it over: a ResourceList, run in the kustomization's directory.
  const config = parse(readFileSync(join(example, 'exec/kustz-generator.yaml'), 'utf8'))[0];
  const fn = kustz([], { cwd: join(example, 'exec'), input: JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [], functionConfig: config }) });
  assert.is(fn.status, 0, fn.stderr);
  const items = (JSON.parse(fn.stdout) as { items: KubeObject[] }).items;
  assert.equal(items.map((o) => `${o.kind}/${o.metadata.name}`), service.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`));
  if (!KUBECTL) return;
  const home = tempDir('example-plugin-home');
  assert.is(kustz(['plugin', 'install', '--home', home]).status, 0);
  const built = kubectlKustomize(join(example, 'legacy'), { args: ['--enable-alpha-plugins'], env: { KUSTOMIZE_PLUGIN_HOME: home } });
  assert.equal(built.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort(), service.map((o) => `${o.kind} demo/staging-${o.metadata.name}`).sort());
  // The fact the README warns about, measured: kubectl's kustomize has no --enable-exec.
  const skipped = spawnSync('kubectl', ['kustomize', '--enable-alpha-plugins', join(example, 'exec')], { encoding: 'utf8' });
  assert.is(skipped.status, 0, skipped.stderr);
  assert.is(skipped.stdout, '');
});

const RESOURCE_LIST = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: keep, annotations: {config.kubernetes.io/index: '0'}}
    data: {version: 1.10}
functionConfig:
  apiVersion: kustz/v1
  kind: Kustz
  metadata: {name: web}
  spec: {service: {image: example/web:1}}
`;

test('KRM protocol: kustz with no arguments and kustz fn; YAML and JSON; input items kept, scalars as written', () => {
  for (const args of [[], ['fn']]) {
    const r = kustz(args, { input: RESOURCE_LIST });
    assert.is(r.status, 0, r.stderr);
    // The input as it came, the objects inserted at the end of the list.
    const at = RESOURCE_LIST.indexOf('functionConfig:');
    assert.ok(r.stdout.startsWith(RESOURCE_LIST.slice(0, at)) && r.stdout.endsWith(RESOURCE_LIST.slice(at)), r.stdout);
    const list = parse(r.stdout)[0] as unknown as { items: KubeObject[] };
    assert.equal(list.items[0], (parse(RESOURCE_LIST)[0] as unknown as { items: KubeObject[] }).items[0]);
    assert.equal(list.items.map((o) => `${o.kind}/${o.metadata.name}`), ['ConfigMap/keep', 'Deployment/web']);
  }
  // An empty package comes as `items: []`; the objects are still written as a block, one key a line.
  const empty = kustz(['fn'], { input: RESOURCE_LIST.replace(/items:\n(  .*\n)+/, 'items: []\n') });
  assert.is(empty.status, 0, empty.stderr);
  assert.match(empty.stdout, /\nitems:\n- apiVersion: apps\/v1\n  kind: Deployment\n/);
  // The objects are quoted as render quotes them (kpt writes them to files kubectl reads, where a
  // plain yes is a boolean), and a character Go's YAML reads as a line break is escaped.
  const quoted = kustz(['fn'], { input: RESOURCE_LIST.replace('{image: example/web:1}', '{image: example/web:1, envs: {pairs: {LS: "a\\Lb", ON: "on", N: "1_000"}}}') });
  assert.is(quoted.status, 0, quoted.stderr);
  assert.match(quoted.stdout, 'value: "a\\Lb"');
  assert.not.match(quoted.stdout, '\u2028');
  assert.match(quoted.stdout, /- name: "ON"\n\s+value: "on"\n\s+- name: "N"\n\s+value: "1_000"\n/);
  const json = JSON.stringify(parse(RESOURCE_LIST)[0]);
  const r = kustz(['fn'], { input: json });
  assert.is(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { items: KubeObject[] };
  assert.equal(list.items.map((o) => `${o.kind}/${o.metadata.name}`), ['ConfigMap/keep', 'Deployment/web']);
});

test('an inline spec keeps keys and scalars as written, as a kustz.yml does: KRM function and legacy plugin', () => {
  const fields = 'service: {image: nginx, envs: {pairs: {VERSION: 1.10, OCT: 010, BIG: 12345678901234567890, NULL: x, ON: on}}}';
  const dir = project('inline-text', { 'kustz.yml': `name: web\n${fields}\n`, 'generator.yml': `apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: web}\nspec: {${fields}}\n` });
  const expected = rendered([], { cwd: dir });
  // Before, VERSION was "1.1", OCT "10", BIG "12345678901234567000" and NULL an empty name.
  const fn = kustz(['fn'], { cwd: dir, input: `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: kustz/v1\n  kind: Kustz\n  metadata: {name: web}\n  spec: {${fields}}\n` });
  assert.is(fn.status, 0, fn.stderr);
  assert.equal((parse(fn.stdout)[0] as unknown as { items: KubeObject[] }).items, expected);
  const plugin = kustz([join(dir, 'generator.yml')], { cwd: dir, env: { KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir } });
  assert.is(plugin.status, 0, plugin.stderr);
  assert.equal(parse(plugin.stdout), expected);
});

test('KRM function: odd but valid ResourceLists come back valid, with the objects once, run after run', () => {
  const fc = 'functionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {service: {image: nginx}}}';
  const fcJson = '"functionConfig": {"apiVersion": "kustz/v1", "kind": "Kustz", "metadata": {"name": "web"}, "spec": {"service": {"image": "nginx"}}}';
  const cm = '{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}';
  // Each once gave invalid YAML, a second document, or an internal error (found by a helper).
  for (const [input, kinds] of [
    [`kind: ResourceList\nitems: [${cm},]\n${fc}\n`, ['ConfigMap/a', 'Deployment/web']],
    [`{apiVersion: config.kubernetes.io/v1, kind: ResourceList, ${fc}, }\n`, ['Deployment/web']],
    [`kind: ResourceList\nitems: [\n]\n${fc}\n`, ['Deployment/web']],
    [`kind: ResourceList\nitems: [\n  ${cm}\n]\n${fc}\n`, ['ConfigMap/a', 'Deployment/web']],
    [`kind: ResourceList\n${fc}\n...\n`, ['Deployment/web']],
    [`kind: ResourceList\nitems: !!null\n${fc}\n`, ['Deployment/web']],
    // The Deployment an earlier run made is replaced; the alias to its anchor keeps its value.
    [`kind: ResourceList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: &m {name: web}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: *m\n${fc}\n`, ['Deployment/web', 'ConfigMap/web']],
    [`{"kind": "ResourceList", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},], ${fcJson}}`, ['ConfigMap/a', 'Deployment/web']],
    [`{"kind": "ResourceList", "items": [\n], ${fcJson}}`, ['Deployment/web']],
    [`kind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {k: &v {a: b}${Array.from({ length: 150 }, (_, i) => `, k${i}: *v`).join('')}}\n${fc}\n`, ['ConfigMap/a', 'Deployment/web']],
  ] as const) {
    const once = kustz(['fn'], { input });
    assert.is(once.status, 0, `${input}: ${once.stderr}`);
    const docs = parseAllDocuments(once.stdout, { maxAliasCount: -1 } as object);
    assert.equal(docs.flatMap((d) => d.errors.map((e) => e.message)), [], once.stdout);
    assert.is(docs.length, 1, once.stdout);
    const items = (docs[0]!.toJS({ maxAliasCount: -1 }) as { items: KubeObject[] }).items;
    assert.equal(items.map((o) => `${o.kind}/${o.metadata.name}`), [...kinds], input);
    const twice = kustz(['fn'], { input: once.stdout });
    assert.is(twice.stdout, once.stdout, `not idempotent: ${input}`);
  }
});

test('KRM function: a key of spec with no value is not set (name then comes from metadata.name)', () => {
  for (const spec of ['{name: null, service: {image: nginx}}', '{config: null, service: {image: nginx}}', '{service: {image: nginx}, hash: null}']) {
    const r = kustz(['fn'], { input: `kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: ${spec}}\n` });
    assert.is(r.status, 0, `${spec}: ${r.stderr}`);
    assert.equal((parse(r.stdout)[0] as unknown as { items: KubeObject[] }).items.map((o) => `${o.kind}/${o.metadata.name}`), ['Deployment/web'], spec);
  }
});

test('KRM function: an item is replaced only by an object of its API group, of any version of it', () => {
  const fc = 'functionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {service: {image: nginx, ports: ["80"]}}}';
  const knative = '- apiVersion: serving.knative.dev/v1\n  kind: Service\n  metadata: {name: web}\n  spec: {template: {spec: {containers: [{image: hello}]}}}\n';
  const older = '- apiVersion: apps/v1beta2\n  kind: Deployment\n  metadata: {name: web}\n';
  const r = kustz(['fn'], { input: `kind: ResourceList\nitems:\n${knative}${older}${fc}\n` });
  assert.is(r.status, 0, r.stderr);
  // The Knative Service as it came; the core Service added beside it.
  assert.ok(r.stdout.startsWith(`kind: ResourceList\nitems:\n${knative}`), r.stdout);
  const items = (parse(r.stdout)[0] as unknown as { items: KubeObject[] }).items;
  assert.equal(items.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`), ['serving.knative.dev/v1 Service/web', 'apps/v1 Deployment/web', 'v1 Service/web']);
});

test('KRM function: a replacement keeps where kpt wrote the item, not its local-config or other config.kubernetes.io annotations', () => {
  const fc = 'functionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {service: {image: nginx}}}';
  const old = '- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n    annotations:\n      config.kubernetes.io/local-config: "true"\n      config.kubernetes.io/path: web.yaml\n      config.kubernetes.io/index: "0"\n      internal.config.kubernetes.io/path: web.yaml\n      config.kubernetes.io/function: "exec: {path: x}"\n';
  const r = kustz(['fn'], { input: `kind: ResourceList\nitems:\n${old}${fc}\n` });
  assert.is(r.status, 0, r.stderr);
  const items = (parse(r.stdout)[0] as unknown as { items: KubeObject[] }).items;
  assert.equal(items.map((o) => `${o.kind}/${o.metadata.name}`), ['Deployment/web']);
  assert.equal(items[0]!.metadata.annotations, { 'config.kubernetes.io/path': 'web.yaml', 'config.kubernetes.io/index': '0', 'internal.config.kubernetes.io/path': 'web.yaml' });
  // An index written bare, as a number, is kept as the string an annotation is.
  const bare = kustz(['fn'], { input: `kind: ResourceList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n    annotations: {internal.config.kubernetes.io/index: 2, config.kubernetes.io/path: ~}\n${fc}\n` });
  assert.is(bare.status, 0, bare.stderr);
  assert.equal((parse(bare.stdout)[0] as unknown as { items: KubeObject[] }).items[0]!.metadata.annotations, { 'internal.config.kubernetes.io/index': '2' });
});

test('KRM function: a large ResourceList is read; one whose YAML would not fit the heap is refused before it is read; neither crashes', () => {
  const head = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {service: {image: nginx}}}\nitems:\n';
  // As kpt writes a package of many small objects: 2 MiB of them (64 MiB once ran Node out of heap).
  const items: string[] = [];
  for (let i = 0, size = head.length; size < 2 * 1024 * 1024; i++) {
    items.push(`- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm-${i}\n    annotations:\n      config.kubernetes.io/path: 'cm-${i}.yaml'\n  data: {k: v}\n`);
    size += items[items.length - 1]!.length;
  }
  const read = kustz(['fn'], { input: `${head}${items.join('')}` });
  assert.is(read.status, 0, read.stderr);
  assert.is(read.stdout.split('\n  kind: ConfigMap\n').length - 1, items.length);
  assert.match(read.stdout, '\n  kind: Deployment\n');
  // 1 MiB of the densest YAML needs about 600 MiB of heap: given 256, Node died of it (exit 134).
  const dense = `${head.replace('items:\n', 'items: [')}${'[:],'.repeat(256 * 1024)}[]]\n`;
  for (const args of [['fn'], []]) {
    const refused = kustz(args, { input: dense, env: { NODE_OPTIONS: '--max-old-space-size=256' } });
    assert.is(refused.status, 1, refused.stderr);
    assert.is(refused.stdout, '');
    assert.match(refused.stderr, /^kustz: reading stdin's YAML would take about \d+ MiB of memory, and Node's heap here holds \d+ MiB\n  hint: kustz needs only the functionConfig, .+; or give Node more: NODE_OPTIONS=--max-old-space-size=\d+\n$/);
  }
});

test('KRM function: paths in the spec start from the kpt package a functionConfig names, else from the working directory', () => {
  const dir = project('package-path', { 'pkg/kustz.yml': 'name: web\nservice: {image: nginx}\n', 'pkg/app.env': 'A=1\n', 'kustz.yml': 'name: decoy\nservice: {image: nginx}\n' });
  const list = (spec: string, annotations: string) => `kind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: kustz/v1\n  kind: Kustz\n  metadata:\n    name: web\n    annotations: {${annotations}}\n  spec: ${spec}\n`;
  const inPackage = `internal.config.kubernetes.io/package-path: '${join(dir, 'pkg')}', internal.config.kubernetes.io/path: gen.yaml`;
  const names = (stdout: string) => (parse(stdout)[0] as unknown as { items: KubeObject[] }).items.map((o) => `${o.kind}/${o.metadata.name}`);
  const config = kustz(['fn'], { cwd: dir, input: list('{config: kustz.yml}', inPackage) });
  assert.is(config.status, 0, config.stderr);
  assert.equal(names(config.stdout), ['Deployment/web']);
  const inline = kustz(['fn'], { cwd: dir, input: list('{service: {image: nginx}, configmaps: {envs: [{name: env, files: [app.env]}]}}', inPackage) });
  assert.is(inline.status, 0, inline.stderr);
  assert.equal(names(inline.stdout), ['ConfigMap/env', 'Deployment/web']);
  const missing = kustz(['fn'], { cwd: dir, input: list('{config: svc/kustz.yml}', inPackage) });
  assert.is(missing.status, 1);
  assert.is(missing.stderr, "kustz: svc/kustz.yml: cannot read the file: no such file\n  hint: check the name: paths in the spec are relative to the kpt package's directory\n");
  const outside = kustz(['fn'], { cwd: dir, input: list('{config: /etc/hostname}', inPackage) });
  assert.match(outside.stderr, "is an absolute path; name a kustz.yml relative to the kpt package's directory");
  // A package path outside the working directory is no kpt's: kustomize passes a generator file's
  // annotations on as written, and /proc/self would have let spec.config print the environment.
  for (const pkg of ['/proc/self', '/etc', join(dir, '..')]) {
    const foreign = kustz(['fn'], { cwd: join(dir, 'pkg'), input: list('{config: environ}', `internal.config.kubernetes.io/package-path: '${pkg}'`), env: { CANARY: 's3cr3t-canary' } });
    assert.is(foreign.status, 1, pkg);
    assert.not.match(foreign.stdout + foreign.stderr, 's3cr3t-canary', pkg);
    assert.match(foreign.stderr, "kustz: environ: cannot read the file: no such file\n  hint: check the name: paths in the spec are relative to the kustomization's directory\n", pkg);
  }
  // Without the annotation (kustomize, kpt fn eval --fn-config), the working directory.
  const here = kustz(['fn'], { cwd: dir, input: list('{config: kustz.yml}', '') });
  assert.is(here.status, 0, here.stderr);
  assert.equal(names(here.stdout), ['Deployment/decoy']);
  const gone = kustz(['fn'], { cwd: dir, input: list('{config: svc/kustz.yml}', '') });
  assert.match(gone.stderr, "hint: check the name: paths in the spec are relative to the kustomization's directory\n");
});

test('KRM function: a result names the file of a problem in a kustz.yml, with a line or without (a spec.config not found), and its field in the message', () => {
  const dir = tempDir('result-file');
  const r = kustz(['fn'], { cwd: dir, input: 'kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {config: svc/kustz.yml}}\n' });
  assert.is(r.status, 1);
  assert.ok(
    r.stdout.endsWith(`results:\n- message: "svc/kustz.yml: cannot read the file: no such file (hint: check the name: paths in the spec are relative to the kustomization's directory)"\n  severity: error\n  file:\n    path: svc/kustz.yml\n`),
    r.stdout,
  );
  // A kustz.yml is no resource, which a field would belong to: the field is in the message.
  writeFileSync(join(dir, 'kustz.yml'), 'name: web\nservice: {image: nginx, replicas: two}\n');
  const field = kustz(['fn'], { cwd: dir, input: 'kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {config: kustz.yml}}\n' });
  assert.is(field.status, 1);
  assert.match(field.stdout, `results:\n- message: 'kustz.yml:2:35: service.replicas must be an integer, got "two" (at service.replicas) (hint: write e.g. replicas: 2)'\n  severity: error\n  file:\n    path: kustz.yml\n`);
  // The parts of stdin are no file of the user's.
  const none = kustz(['fn'], { cwd: dir, input: 'kind: ResourceList\nitems: []\n' });
  assert.is(none.status, 1);
  assert.not.match(none.stdout, 'file:');
});

test('KRM function: a failed run gives items too, which a ResourceList must have, where the input had none or a null', () => {
  const fc = 'functionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {service: {image: nginx, replicas: two}}}';
  const fcJson = '"functionConfig": {"apiVersion": "kustz/v1", "kind": "Kustz", "metadata": {"name": "web"}, "spec": {}}';
  for (const input of [`kind: ResourceList\n${fc}\n`, `kind: ResourceList\nitems: ~\n${fc}\n`, `kind: ResourceList\n${fc}\n...\n`, `{"kind": "ResourceList", ${fcJson}}`, `{"kind": "ResourceList", "items": null, ${fcJson}}`]) {
    const r = kustz(['fn'], { input });
    assert.is(r.status, 1, input);
    const docs = parseAllDocuments(r.stdout);
    assert.equal(docs.flatMap((d) => d.errors.map((e) => e.message)), [], r.stdout);
    const list = docs[0]!.toJS() as { items: unknown; results: unknown[] };
    assert.equal(list.items, [], r.stdout);
    assert.is(list.results.length, 1, r.stdout);
  }
});

test('KRM function: stdin that is no UTF-8 is an error at its first bad byte, and UTF-16 is named, for kustz fn and no arguments', () => {
  const list = (name: string) => `kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: ${name}}, spec: {service: {image: nginx}}}\n`;
  const [before, after] = list('w_b').split('_') as [string, string];
  const latin1 = Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]);
  const utf16 = Buffer.from(list('web'), 'utf16le');
  for (const args of [['fn'], []]) {
    // Once read as "w\ufffdb" and passed on, or printed as the help.
    const bad = kustz(args, { input: latin1 });
    assert.is(bad.status, 1, bad.stderr);
    assert.is(bad.stdout, '');
    assert.match(bad.stderr, /^kustz: stdin:3:71: stdin is not valid UTF-8\n  hint: /);
    for (const input of [utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), utf16])]) {
      const wide = kustz(args, { input });
      assert.is(wide.status, 1, wide.stderr);
      assert.match(wide.stderr, /^kustz: stdin:1:1: stdin is UTF-16LE text, not UTF-8\n  hint: save it as UTF-8: iconv -f UTF-16(LE)? -t UTF-8/);
    }
  }
});

test('KRM protocol errors: on stderr and as results, non-zero; no arguments and valid YAML that is no ResourceList prints the help', () => {
  const input = RESOURCE_LIST.replace('kind: Kustz', 'kind: Kustomize');
  const bad = kustz([], { input });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, 'kind must be Kustz, got "Kustomize"');
  // The list as it came, with results that kpt shows under the function.
  assert.is(bad.stdout, `${input}results:\n- message: kind must be Kustz, got "Kustomize"\n  severity: error\n  resourceRef:\n    apiVersion: kustz/v1\n    kind: Kustomize\n    name: web\n  field:\n    path: kind\n`);
  const misspelt = kustz(['fn'], { input: RESOURCE_LIST.replace('  spec: {service', '  specs: {service') });
  assert.is(misspelt.status, 1);
  assert.match(misspelt.stderr, 'unknown key "specs" in the generator config (at specs)\n  hint: did you mean "spec"?');
  // A functionConfig or spec of the wrong kind is named as such, not taken apart as an object.
  for (const [config, message] of [
    ['3', 'functionConfig: expected a map with apiVersion: kustz/v1, kind: Kustz, metadata and spec\n'],
    ['{apiVersion: kustz/v1, kind: Kustz, metadata: {name: g}, spec: []}', 'functionConfig: spec must be a map, got a list (at spec)\n'],
    ['{apiVersion: kustz/v1, kind: Kustz, metadata: {name: g}, spec: web}', 'functionConfig: spec must be a map, got "web" (at spec)\n'],
    ['{apiVersion: kustz/v1, kind: Kustz, metadata: {name: 5}, spec: {config: kustz.yml}}', 'functionConfig: metadata.name must be a string, got 5 (at metadata.name)\n'],
    ['{apiVersion: kustz/v1, kind: Kustz, metadata: {name: g}, spec: {config: ""}}', 'functionConfig: spec.config must be the path of a kustz.yml (at spec.config)\n'],
    ['{apiVersion: kustz/v1, kind: Kustz, metadata: {name: g}, spec: {config: kustz.yml, hsah: true}}', 'functionConfig: spec holds either config or the kustz.yml fields, not both (found hsah beside config) (at spec.hsah)\n'],
  ]) {
    const r = kustz(['fn'], { input: `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig: ${config}\n` });
    assert.is(r.status, 1, config);
    assert.is(r.stderr.split('\n')[0] + '\n', `kustz: ${message}`, config);
  }
  // Broken YAML is shown where it breaks, also without arguments (which printed the help); a
  // NUL in spec.config is named, not Node's argument check.
  for (const args of [['fn'], []]) {
    const broken = kustz(args, { input: 'kind: ResourceList\nitems: [\nfunctionConfig: {}\n' });
    assert.is(broken.status, 1, broken.stdout);
    assert.is(broken.stdout, '');
    assert.match(broken.stderr, /^kustz: stdin:3:1: stdin is not valid YAML: /);
  }
  const nul = kustz(['fn'], { input: 'kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: a}, spec: {config: "a\\0b"}}\n' });
  assert.is(nul.status, 1);
  assert.is(nul.stderr, 'kustz: a\\u0000b: cannot read the file: the path holds a NUL character, which no file name can\n  hint: take the NUL character out of the path\n');
  const notAList = kustz(['fn'], { input: 'name: x\n' });
  assert.is(notAList.status, 1);
  assert.is(notAList.stdout, '');
  assert.match(notAList.stderr, 'stdin holds no ResourceList');
  for (const input of ['', 'name: x\n']) {
    const help = kustz([], { input });
    assert.is(help.status, 2);
    assert.match(help.stdout, 'Usage:');
  }
});

test.run();
