/** The built CLI as a black box: exit code, stdout and stderr asserted separately. */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../src/cli.js';
import { MAX_STDIN_BYTES } from '../src/disk.js';
import { BIN, hasCommand, kustz, ROOT } from './helpers/cli.js';
import { project } from './helpers/project.js';


const BASE = 'name: demo\nservice:\n  image: nginx\n';

/** Renders kustz.yml in a fresh project and expects a failure at `where` mentioning `message`. */
function fails(files: Record<string, string | Buffer>, where: string, message: RegExp, args: string[] = []) {
  const r = kustz(['render', '-c', 'kustz.yml', ...args], { cwd: project(files) });
  assert.is(r.status, 1, `exit code; stderr: ${r.stderr}`);
  assert.is(r.stdout, '', 'stdout must be empty on failure');
  assert.ok(r.stderr.includes(`kustz: ${where}: `), `expected "${where}" in:\n${r.stderr}`);
  assert.match(r.stderr, message);
  assert.not.match(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
  return r;
}

test('unknown key: position and did-you-mean', () => {
  const r = fails({ 'kustz.yml': 'name: demo\nservice:\n  image: nginx\n  imagePulPolicy: never\n' }, 'kustz.yml:4:3', /unknown key "imagePulPolicy" in service/);
  assert.match(r.stderr, /did you mean "imagePullPolicy"\?/);
});

test('unknown key in a nested map: its own keys are offered', () => {
  const probe = fails(
    { 'kustz.yml': `${BASE}  probes:\n    liveness:\n      action: http://:8080/healthz\n      perodSeconds: 5\n` },
    'kustz.yml:7:7',
    /unknown key "perodSeconds" in service.probes.liveness/,
  );
  assert.match(probe.stderr, /hint: did you mean "periodSeconds"\?/);
  const dns = fails({ 'kustz.yml': `${BASE}dns:\n  config:\n    zzz: 1\n` }, 'kustz.yml:6:5', /unknown key "zzz" in dns.config/);
  assert.match(dns.stderr, /hint: allowed keys: nameservers, searches, options\n/);
  const registry = fails(
    { 'kustz.yml': `${BASE}secrets:\n  dockerRegistry:\n    - name: reg\n      server: r.example.com\n      usrname: u\n` },
    'kustz.yml:8:7',
    /unknown key "usrname"/,
  );
  assert.match(registry.stderr, /hint: did you mean "username"\?/);
});

test('wrong type and missing required key', () => {
  fails({ 'kustz.yml': 'name: demo\nservice:\n  image: nginx\n  replicas: two\n' }, 'kustz.yml:4:13', /service.replicas must be an integer, got "two"/);
  fails({ 'kustz.yml': 'name: demo\nservice:\n  replicas: 2\n' }, 'kustz.yml:3:3', /missing required key "image" in service/);
  fails({ 'kustz.yml': 'apiVersion: kustz/v2\nname: demo\nservice: {image: nginx}\n' }, 'kustz.yml:1:13', /apiVersion must be "kustz\/v1", got "kustz\/v2"/);
});

test('imagePullPolicy: any case accepted, anything else lists the three values', () => {
  for (const p of ['never', 'ALWAYS', 'IfNotPresent', 'ifnotpresent']) {
    const r = kustz(['render', '-c', 'kustz.yml'], { cwd: project({ 'kustz.yml': `${BASE}  imagePullPolicy: ${p}\n` }) });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /imagePullPolicy: (Never|Always|IfNotPresent)\n/);
  }
  fails({ 'kustz.yml': `${BASE}  imagePullPolicy: sometimes\n` }, 'kustz.yml:4:20', /not one of Always, Never, IfNotPresent/);
});

test('short strings name the expected form', () => {
  fails({ 'kustz.yml': `${BASE}  ports: ["80", "8o"]\n` }, 'kustz.yml:4:17', /expected \[tcp\|udp\|sctp:\/\/\]\[!\]\[nodePort:\]port\[:targetPort\], got "8o"/);
  fails({ 'kustz.yml': `${BASE}  ports: ["70000"]\n` }, 'kustz.yml:4:11', /port 70000 is out of range 1-65535/);
  fails({ 'kustz.yml': `${BASE}  resources: {cpu: 20m/10m}\n` }, 'kustz.yml:4:20', /request 20m is greater than limit 10m/);
  fails({ 'kustz.yml': `${BASE}  envs: {configmaps: ["x:yes"]}\n` }, 'kustz.yml:4:23', /expected name\[:true\|false\], got "x:yes"/);
  fails({ 'kustz.yml': `${BASE}ingress: {rules: ["api.example.com/x"]}\n` }, 'kustz.yml:4:19', /expected http\(s\):\/\/host/);
  fails({ 'kustz.yml': `${BASE}  probes: {liveness: {action: "tcp://:x_y"}}\n` }, 'kustz.yml:4:31', /neither a number nor a valid port name/);
});

test('API-server rules: names, env vars, labels, keys', () => {
  const r = fails({ 'kustz.yml': 'name: demo\nservice:\n  name: rbd-rest-api-m2.6.2\n  image: nginx\n' }, 'kustz.yml:3:9', /container name "rbd-rest-api-m2.6.2" must be a DNS-1123 label/);
  assert.match(r.stderr, /no '\.' or '_'/);
  fails({ 'kustz.yml': 'name: rbd.v2\nservice:\n  image: nginx\n' }, 'kustz.yml:1:7', /container name "rbd.v2" must be a DNS-1123 label/);
  fails({ 'kustz.yml': `${BASE}  envs: {pairs: {1BAD: x}}\n` }, 'kustz.yml:4:18', /env var name "1BAD"/);
  fails({ 'kustz.yml': `name: ${'a'.repeat(64)}\nservice:\n  image: nginx\n` }, 'kustz.yml:1:7', /must be no more than 63 characters/);
  fails({ 'kustz.yml': `name: Demo\nservice:\n  image: nginx\n` }, 'kustz.yml:1:7', /must be a DNS-1123 subdomain/);
  fails({ 'kustz.yml': `name: 1demo\nservice:\n  image: nginx\n  ports: ["80"]\n` }, 'kustz.yml:1:7', /Service name "1demo" must be a DNS-1035 label/);
  fails({ 'kustz.yml': `${BASE}configmaps: {files: [{name: c, files: ["bad key=a.txt"]}]}\n`, 'a.txt': 'x' }, 'kustz.yml:4:40', /key "bad key"/);
  fails({ 'kustz.yml': `namespace: Prod\n${BASE}` }, 'kustz.yml:1:12', /namespace "Prod" must be a DNS-1123 label/);
});

test('1 MiB data limit', () => {
  fails({ 'kustz.yml': `${BASE}secrets: {files: [{name: big, files: [big.bin]}]}\n`, 'big.bin': Buffer.alloc(1024 * 1024 + 1, 1) }, 'kustz.yml:4:26', /holds 1048577 bytes; the API server's limit is 1048576 bytes/);
});

test('YAML: alias bomb, duplicate keys, empty file, several documents, syntax', () => {
  const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n' + BASE;
  fails({ 'kustz.yml': bomb }, 'kustz.yml:2:8', /too many YAML alias expansions/);
  fails({ 'kustz.yml': 'name: demo\nname: other\nservice: {image: nginx}\n' }, 'kustz.yml:2:1', /the key "name" appears twice in one map; the first is on line 1/);
  fails({ 'kustz.yml': '' }, 'kustz.yml:1:1', /the file is empty/);
  fails({ 'kustz.yml': '# only a comment\n' }, 'kustz.yml:1:1', /holds only comments/);
  fails({ 'kustz.yml': `${BASE}---\n${BASE}` }, 'kustz.yml:4:1', /exactly one YAML document, this one has 2/);
  fails({ 'kustz.yml': 'name: demo\nservice:\n  image: [nginx\n' }, 'kustz.yml:4:1', /flow sequence|Missing|end/i);
});

test('files: missing, outside the root, absolute; --load-restrictor none', () => {
  fails({ 'kustz.yml': `${BASE}  envs: {files: [nope.yml]}\n` }, 'kustz.yml:4:18', /cannot read "nope.yml": no such file/);
  const dir = project({ 'outside.yml': 'A: b\n', 'app/kustz.yml': `${BASE}  envs: {files: [../outside.yml]}\n` });
  const r = kustz(['render', '-c', 'app/kustz.yml'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /kustz: app\/kustz.yml:4:18: "..\/outside.yml" leaves the kustz.yml's directory/);
  assert.match(r.stderr, /--load-restrictor none/);
  const ok = kustz(['render', '-c', 'app/kustz.yml', '--load-restrictor', 'none'], { cwd: dir });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /name: A\n\s+value: b/);
  fails({ 'kustz.yml': `${BASE}  envs: {files: [/etc/hostname]}\n` }, 'kustz.yml:4:18', /is an absolute path/);
});

test('every problem of a file in one run', () => {
  const r = fails(
    { 'kustz.yml': 'name: demo\nservice:\n  image: nginx\n  imagePullPolicy: x\n  ports: ["8o", "99999"]\n  resources: {cpu: 2/1}\n' },
    'kustz.yml:4:20',
    /imagePullPolicy/,
  );
  assert.match(r.stderr, /kustz: kustz.yml:5:11: /);
  assert.match(r.stderr, /kustz: kustz.yml:5:17: /);
  assert.match(r.stderr, /kustz: kustz.yml:6:20: /);
});

test('.env errors point into the .env file', () => {
  const files = { 'kustz.yml': `${BASE}configmaps: {envs: [{name: e, files: [app.env]}]}\n`, 'app.env': 'OK=1\nexport A=1\n' };
  // At the 'export ' the hint says to remove.
  const r = fails(files, 'app.env:2:1', /./);
  assert.match(r.stderr, /export/);
});

test('-o: written atomically, untouched on error, not rewritten when identical', () => {
  const dir = project({ 'kustz.yml': BASE, 'bad.yml': 'name: demo\n' });
  const out = join(dir, 'out.yaml');
  writeFileSync(out, 'previous content\n');
  const bad = kustz(['render', '-c', 'bad.yml', '-o', 'out.yaml'], { cwd: dir });
  assert.is(bad.status, 1);
  assert.is(readFileSync(out, 'utf8'), 'previous content\n', 'an error leaves the target as it was');
  const good = kustz(['render', '-o', 'out.yaml'], { cwd: dir });
  assert.is(good.status, 0, good.stderr);
  assert.is(good.stdout, '');
  assert.match(readFileSync(out, 'utf8'), /kind: Deployment/);
  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(out, past, past);
  assert.is(kustz(['render', '-o', 'out.yaml'], { cwd: dir }).status, 0);
  assert.is(statSync(out).mtimeMs, past.getTime(), 'identical content is not rewritten');
});

test('-o: a missing directory is made; an unwritable target is a user error', () => {
  const dir = project({ 'kustz.yml': BASE });
  const made = kustz(['render', '-o', 'deploy/base/manifests.yaml'], { cwd: dir });
  assert.is(made.status, 0, made.stderr);
  assert.match(readFileSync(join(dir, 'deploy/base/manifests.yaml'), 'utf8'), /kind: Deployment/);
  // /proc refuses new directories; Node's recursive mkdir would spin there forever.
  const refused = kustz(['render', '-o', '/proc/kustz-test/out.yaml'], { cwd: dir });
  assert.is(refused.status, 1);
  assert.is(refused.stdout, '');
  assert.match(refused.stderr, /^kustz: \/proc\/kustz-test\/out.yaml: cannot write: /);
  assert.not.match(refused.stderr, /internal error/);
});

test('several files render in one process, in argument order', () => {
  const dir = project({ 'a/kustz.yml': 'name: a\nservice: {image: nginx}\n', 'b/kustz.yml': 'name: b\nservice: {image: nginx}\n' });
  const r = kustz(['render', '-c', 'b/kustz.yml', 'a/kustz.yml'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  const names = parseAllDocuments(r.stdout).map((d) => d.get('metadata')).map((m) => (m as { get(k: string): unknown }).get('name'));
  assert.equal(names, ['b', 'a']);
});

test('several files: objects that would overwrite each other are an error', () => {
  const dir = project({
    'a/kustz.yml': 'name: web\nservice: {image: nginx}\n',
    'b/kustz.yml': 'name: web\nservice: {image: httpd}\n',
    'c/kustz.yml': 'name: web\nnamespace: other\nservice: {image: httpd}\n',
  });
  const r = kustz(['render', 'a/kustz.yml', 'b/kustz.yml'], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  // At the name in the second file, which is what to change.
  assert.match(r.stderr, /^kustz: b\/kustz.yml:1:7: Deployment web is also generated by a\/kustz.yml; applied together, one would overwrite the other\n  \| name: web\n/);
  assert.is(kustz(['validate', 'a/kustz.yml', 'b/kustz.yml'], { cwd: dir }).status, 1);
  const apart = kustz(['render', 'a/kustz.yml', 'c/kustz.yml'], { cwd: dir });
  assert.is(apart.status, 0, apart.stderr);
});

test('default config file: kustz.yml, then kustz.yaml, else a clear error', () => {
  assert.is(kustz(['render'], { cwd: project({ 'kustz.yaml': BASE }) }).status, 0);
  const r = kustz(['render'], { cwd: project({}) });
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /no kustz.yml or kustz.yaml in .*\n  hint: pass -c path\/to\/kustz.yml/);
  const missing = kustz(['render', '-c', 'nope.yml'], { cwd: project({}) });
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /kustz: nope.yml: cannot read the file: no such file/);
});

test('overrides: --image, --replicas, --set, and errors located at the flag', () => {
  const dir = project({ 'kustz.yml': BASE });
  const r = kustz(['render', '--image', 'nginx:1.27', '--replicas', '4', '--set', 'service.envs.pairs.A=1.10', '--set', 'namespace=prod'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /image: nginx:1.27\n/);
  assert.match(r.stdout, /replicas: 4\n/);
  assert.match(r.stdout, /name: A\n\s+value: "1.10"/);
  assert.match(r.stdout, /namespace: prod\n/);
  const bad = kustz(['render', '--replicas', 'many'], { cwd: dir });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /^kustz: --replicas many: --replicas must be an integer, got "many"\n/);
  // A value from a flag gets the flag to write, and following it works.
  assert.match(bad.stderr, /\n {2}hint: write a whole number, e.g. --replicas 2\n/);
  // --replicas is a flag of its own: its problems name it, not service.replicas, and the fixed flag pastes.
  for (const [value, message, fixed] of [
    ['-1', '--replicas must be >= 0, got -1\n  hint: write 0 or more, e.g. --replicas 0', '--replicas 0'],
    ['1.5', '--replicas must be an integer, got 1.5\n  hint: write a whole number, e.g. --replicas 2', '--replicas 2'],
    ['99999999999', '--replicas must be <= 2147483647, got 99999999999\n  hint: write 2147483647 or less, e.g. --replicas 2147483647', '--replicas 2147483647'],
    ['!!int 3', 'expected a whole number, e.g. --replicas 2', '--replicas 2'],
    ['!x', 'expected a whole number, e.g. --replicas 2', '--replicas 2'],
    ['[3]', 'expected a whole number, e.g. --replicas 2', '--replicas 2'],
  ] as const) {
    const r = kustz(['render', '--replicas', value], { cwd: dir });
    assert.is(r.stderr, `kustz: --replicas ${value}: ${message}\n`, value);
    assert.is(r.status, message.includes('hint') ? 1 : 2, value);
    assert.not.match(r.stderr, /service\.replicas|--set/, value);
    const followed = kustz(['render', ...fixed.split(' ')], { cwd: dir });
    assert.is(followed.status, 0, `${fixed}: ${followed.stderr}`);
  }
  // --set names the field it sets, and its fixed flag sets it.
  const below = kustz(['render', '--set', 'service.replicas=-1'], { cwd: dir });
  assert.is(below.stderr, 'kustz: --set service.replicas=-1: service.replicas must be >= 0, got -1 (at service.replicas)\n  hint: write 0 or more, e.g. --set service.replicas=0\n');
  for (const [flag, hint] of [['service.ports=80', "set the list item by item: --set 'service.ports[0]=80'"], ['name=7', `quote it: --set 'name="7"'`]] as const) {
    const r = kustz(['render', '--set', flag], { cwd: dir });
    assert.is(r.status, 1, flag);
    assert.match(r.stderr, `\n  hint: ${hint}\n`, flag);
    const followed = kustz(['render', '--set', hint.replace(/^.*--set '(.*)'$/, '$1')], { cwd: dir });
    assert.is(followed.status, 0, `${flag}: ${followed.stderr}`);
  }
  const typo = kustz(['render', '--set', 'service.imag=x'], { cwd: dir });
  assert.is(typo.status, 1);
  assert.match(typo.stderr, /kustz: --set service.imag=x: unknown key "imag" in service/);
  assert.match(typo.stderr, /did you mean "image"/);
});

test('--set: any key is a key (__proto__, constructor), what it makes is located at the flag, lists get no gaps', () => {
  const dir = project({ 'kustz.yml': `${BASE}  ports: ["80:8080"]\n` });
  // lodash's set skipped these keys silently: exit 0 without the env vars.
  const keys = kustz(['render', '--set', 'service.envs.pairs.constructor=1', '--set', 'service.envs.pairs.__proto__=2'], { cwd: dir });
  assert.is(keys.status, 0, keys.stderr);
  assert.match(keys.stdout, /- name: constructor\n\s+value: "1"\n\s+- name: __proto__\n\s+value: "2"\n/);
  for (const [flag, message] of [
    ['__proto__.polluted=1', 'unknown key "__proto__" in the top level'],
    ['constructor.prototype.polluted=1', 'unknown key "constructor" in the top level'],
    ['extra.deep.key=1', 'unknown key "extra" in the top level'],
    ['service.ports[2]=443', 'service.ports has 1 item; an index past 1 would leave a gap'],
    ['service.ports[0][1]=1', 'service.ports[0] is "80:8080", not a list'],
  ]) {
    const r = kustz(['render', '--set', flag], { cwd: dir });
    assert.is(r.status, 1, `${flag}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.match(r.stderr, `kustz: --set ${flag}: ${message}`);
  }
  const append = kustz(['render', '--set', 'service.ports[1]=9090'], { cwd: dir });
  assert.is(append.status, 0, append.stderr);
  assert.match(append.stdout, /port: 9090\n/);
});

test('--set never ends in an internal error: aliases, an alias bomb, a list\'s length; a map made over a scalar is the flag\'s', () => {
  const dir = project({ 'kustz.yml': `${BASE}  ports: ["80:8080"]\n` });
  const bomb = `service.envs.pairs.A=[&a x${', *a'.repeat(101)}]`;
  for (const [args, message] of [
    [['--set', 'service.image=*a'], 'kustz: --set service.image=*a: Unresolved alias (the anchor must be set before the alias): a; quote the value to keep it as text\n'],
    [['--replicas', '*a'], 'kustz: --replicas *a: expected a whole number, e.g. --replicas 2\n'],
    [['--set', bomb], `kustz: --set ${bomb}: Excessive alias count indicates a resource exhaustion attack; quote the value to keep it as text\n`],
  ] as const) {
    const r = kustz(['render', ...args], { cwd: dir });
    assert.is(r.status, 2, r.stderr);
    assert.is(r.stderr, message);
  }
  // One value per flag: a list or map would replace the file's whole one.
  for (const [flag, what, path] of [['service.ports=[81]', 'list', 'service.ports'], ['service.envs.pairs=!!map {B: c}', 'map', 'service.envs.pairs']] as const) {
    const r = kustz(['render', '--set', flag], { cwd: dir });
    assert.is(r.status, 2, flag);
    assert.is(r.stderr, `kustz: --set ${flag}: --set takes one value, not a ${what}; set each item or key with a --set of its own, e.g. --set '${path}[0]=VALUE' for a list or --set '${path}.KEY=VALUE' for a map, or quote the value to keep it as text\n`);
  }
  const replicas = kustz(['render', '--replicas', '[3]'], { cwd: dir });
  assert.is(replicas.stderr, 'kustz: --replicas [3]: expected a whole number, e.g. --replicas 2\n');
  const length = kustz(['render', '--set', 'service.ports.length=0'], { cwd: dir });
  assert.is(length.status, 1);
  assert.is(length.stderr, 'kustz: --set service.ports.length=0: service.ports is a list; "length" is no item of it\n  hint: pick an item by its index: service.ports[0]\n');
  // Line 3 of kustz.yml holds a string; the map is the flag's doing.
  const map = kustz(['render', '--set', 'service.image.x=1'], { cwd: dir });
  assert.is(map.status, 1);
  assert.match(map.stderr, /^kustz: --set service.image.x=1: service.image must be a string, got a map/);
});

test('Ingress annotations over 256 KiB in all (keys and values, in UTF-8 bytes) are an error at the map', () => {
  const big = (n: number) => `${BASE}  ports: [80]\ningress:\n  annotations:\n    a: ${'x'.repeat(n)}\n    b: ${'é'.repeat(100)}\n  rules: [http://a.example.com/]\n`;
  // 1 + 261,944 + 1 + 200 bytes (é takes two): 2 over the limit, which counting characters (100 fewer) misses.
  const over = kustz(['validate'], { cwd: project({ 'kustz.yml': big(261_944) }) });
  assert.is(over.status, 1);
  assert.match(over.stderr, /^kustz: kustz\.yml:7:5: the annotations hold 262146 bytes; the API server allows 262144 \(256 KiB\) in all \(at ingress\.annotations\)\n/);
  const at = kustz(['validate'], { cwd: project({ 'kustz.yml': big(261_942) }) });
  assert.is(at.status, 0, at.stderr);
});

test('.inf and .nan (no JSON numbers) are kept as written where text is taken, and named where a count is wanted', () => {
  const dir = project({ 'kustz.yml': `${BASE}  envs: {pairs: {A: .inf, B: -.Inf, C: .NaN}}\n` });
  const r = kustz(['render'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /- name: A\n\s+value: "\.inf"\n\s+- name: B\n\s+value: "-\.Inf"\n\s+- name: C\n\s+value: "\.NaN"\n/);
  const count = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  replicas: .inf\n` }) });
  assert.is(count.status, 1);
  assert.match(count.stderr, 'kustz: kustz.yml:4:13: service.replicas must be an integer, got ".inf"');
  // In a file, !!binary is a tag like any other: an error, in the built CLI and from source alike.
  const tagged = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  envs: {pairs: {D: !!binary "not base64 :"}}\n` }) });
  assert.is(tagged.status, 1);
  assert.match(tagged.stderr, 'kustz: kustz.yml:4:21: Unresolved tag: tag:yaml.org,2002:binary');
});

test('--set values take tags as a kustz.yml does: core tags apply, others are errors, and text stays as written', () => {
  const dir = project({ 'kustz.yml': BASE });
  for (const value of ['!!binary aGk=', '!foo x']) {
    const r = kustz(['render', '--set', `service.envs.pairs.D=${value}`], { cwd: dir });
    assert.is(r.status, 2, value);
    assert.match(r.stderr, new RegExp(`^kustz: --set service.envs.pairs.D=${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Unresolved tag: \\S+; remove the !tag: --set takes plain values\n`), value);
    assert.not.match(r.stderr, /\bat \S+:\d+|line 1, column/, value);
  }
  // A core tag is one --set takes: the value after it is what is wrong.
  for (const [value, tag] of [['!!float staging', 'float'], ['!!int abc', 'int']]) {
    const r = kustz(['render', '--set', `service.replicas=${value}`], { cwd: dir });
    assert.is(r.status, 2, value);
    assert.is(r.stderr, `kustz: --set service.replicas=${value}: "${value!.split(' ')[1]}" is not a valid !!${tag}; fix the value, or drop the tag\n`);
  }
  // yaml's !!float wants a "." or an exponent; without the tag the value is the number meant: the hint is that flag, and it works.
  for (const path of ['service.replicas', 'service.envs.pairs.D']) {
    const r = kustz(['render', '--set', `${path}=!!float 1`], { cwd: dir });
    assert.is(r.status, 2, path);
    assert.is(r.stderr, `kustz: --set ${path}=!!float 1: "1" is not a valid !!float; drop the tag: --set ${path}=1\n`);
    const fixed = kustz(['render', '--set', `${path}=1`], { cwd: dir });
    assert.is(fixed.status, 0, fixed.stderr);
  }
  // A verbatim core tag is one too; a core tag with nothing after it says so.
  const verbatim = kustz(['render', '--set', 'service.replicas=!<tag:yaml.org,2002:float> 1'], { cwd: dir });
  assert.is(verbatim.stderr, 'kustz: --set service.replicas=!<tag:yaml.org,2002:float> 1: "1" is not a valid !!float; drop the tag: --set service.replicas=1\n');
  const bare = kustz(['render', '--set', 'service.replicas=!!int'], { cwd: dir });
  assert.is(bare.stderr, 'kustz: --set service.replicas=!!int: the tag !!int has no value after it; write the value after the tag, or drop the tag\n');
  const half = kustz(['render', '--set', 'service.replicas=!!int 1.5'], { cwd: dir });
  assert.is(half.stderr, 'kustz: --set service.replicas=!!int 1.5: "1.5" is not a valid !!int; fix the value, or drop the tag\n');
  // A value that starts with "!" is a tag alone: the hint is the flag to write, and it works.
  const tagged = kustz(['render', '--set', "service.envs.pairs.D=!it's"], { cwd: dir });
  assert.is(tagged.status, 2);
  assert.is(tagged.stderr, `kustz: --set service.envs.pairs.D=!it's: YAML reads a value that starts with "!" as a tag; quote it: --set 'service.envs.pairs.D="!it'\\''s"'\n`);
  const flag = spawnSync('bash', ['-c', `printf '%s' ${/quote it: --set (.*)\n$/.exec(tagged.stderr)![1]}`], { encoding: 'utf8' }).stdout;
  const fixed = kustz(['render', '--set', flag], { cwd: dir });
  assert.is(fixed.status, 0, fixed.stderr);
  assert.match(fixed.stdout, /- name: D\n\s+value: "!it's"\n/);
  const r = kustz(['render', '--set', 'service.envs.pairs.A=!!int 7', '--set', 'service.envs.pairs.B=!!str 3', '--set', 'service.envs.pairs.C=1.10 # a comment'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /- name: A\n\s+value: "7"\n\s+- name: B\n\s+value: "3"\n\s+- name: C\n\s+value: "1.10"\n/);
});

test('a full disk or a read-only descriptor behind stdout is an error of its own, with a hint, for render and the KRM function', () => {
  if (!existsSync('/dev/full')) return;
  const dir = project({ 'kustz.yml': BASE });
  const list = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: g}, spec: {service: {image: nginx}}}\n';
  const cases = [
    ['w', 'kustz: cannot write to stdout: no space left on the device\n  hint: make room on the disk stdout goes to, or send stdout to another one\n'],
    // As `kustz render 1</dev/full` opens it.
    ['r', 'kustz: cannot write to stdout: it is not open for writing\n  hint: send stdout to a file (> out.txt) or a pipe\n'],
  ] as const;
  for (const [mode, expected] of cases) {
    for (const [args, input] of [[['render'], ''], [['fn'], list]] as const) {
      const full = openSync('/dev/full', mode);
      const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, input, stdio: ['pipe', full, 'pipe'], encoding: 'utf8' });
      closeSync(full);
      assert.is(r.status, 1, args.join(' '));
      assert.is(r.stderr, expected, args.join(' '));
    }
  }
  // A reader that went away (EPIPE) ends the run quietly, as it ends a shell tool.
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const gone = spawnSync('bash', ['-c', '"$1" "$2" render | :; exit "${PIPESTATUS[0]}"', 'bash', process.execPath, BIN], { cwd: dir, env, encoding: 'utf8' });
  assert.is(gone.status, 0, gone.stderr);
  assert.is(gone.stderr, '');
});

test('stdin without end (/dev/zero) is an error past the cap, for kustz fn and a run without arguments (the KRM protocol)', () => {
  if (!existsSync('/dev/zero')) return;
  const dir = project({ 'kustz.yml': BASE });
  for (const args of [['fn'], []]) {
    const zero = openSync('/dev/zero', 'r');
    const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
    // Unbounded, the read fills memory until Node dies, or the timeout ends it.
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: [zero, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
    closeSync(zero);
    assert.is(r.status, 1, `kustz ${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^kustz: stdin holds more than ${MAX_STDIN_BYTES} bytes; kustz reads a ResourceList of at most ${MAX_STDIN_BYTES / 1024 / 1024} MiB\\n  hint: .+\\n$`));
  }
});

test('a stderr that cannot be written (2>/dev/full, 2</dev/null) changes neither the output nor the exit code', () => {
  if (!existsSync('/dev/full')) return;
  const dir = project({ 'kustz.yml': `${BASE}  resources: {memory: 128}\n` });
  const expected = kustz(['render'], { cwd: dir });
  assert.is(expected.status, 0, expected.stderr);
  assert.match(expected.stderr, /kustz: warning: /);
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  for (const [args, status, stdout] of [
    [['render'], 0, expected.stdout],
    [['render', '--strict'], 1, ''],
    [['render', '--bogus'], 2, ''],
  ] as const) {
    const full = openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['pipe', 'pipe', full], encoding: 'utf8' });
    closeSync(full);
    assert.is(r.status, status, args.join(' '));
    assert.is(r.stdout, stdout, args.join(' '));
    // Open for reading only, writes fail with EBADF. (2>&- is no such case: Node opens a closed
    // descriptor 2 on /dev/null.)
    const readOnly = spawnSync('bash', ['-c', '"$@" 2</dev/null', 'bash', process.execPath, BIN, ...args], { cwd: dir, env, encoding: 'utf8' });
    assert.is(readOnly.status, status, `${args.join(' ')} 2</dev/null`);
    assert.is(readOnly.stdout, stdout, `${args.join(' ')} 2</dev/null`);
  }
});

test('keys are names as written: NULL, FALSE, 010 and 1.0 stay themselves, in kustz.yml and in YAML map files', () => {
  const dir = project({
    'kustz.yml': `${BASE}  envs: {pairs: {FALSE: false, NULL: null, TRUE: 'yes'}}\nconfigmaps:\n  literals: [{name: lit, files: [lit.yml]}]\n`,
    'lit.yml': 'TRUE: t\n010: ten\n1.0: one\n',
  });
  const r = kustz(['render'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /- name: "FALSE"\n\s+value: "false"\n\s+- name: "NULL"\n\s+value: ""\n\s+- name: "TRUE"\n\s+value: "yes"\n/);
  const data = (parseAllDocuments(r.stdout).map((d) => d.toJS()).find((o) => o?.kind === 'ConfigMap') as { data: Record<string, string> }).data;
  assert.equal(data, { '010': 'ten', '1.0': 'one', TRUE: 't' });
  // Two keys are one only when their text is.
  const twice = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  envs: {pairs: {NULL: a, null: b, Null: c}}\n` }) });
  assert.is(twice.status, 0, twice.stderr);
  assert.match(twice.stdout, /- name: "NULL"\n\s+value: a\n\s+- name: "null"\n\s+value: b\n\s+- name: "Null"\n\s+value: c\n/);
});

test('command-line mistakes exit 2', () => {
  const dir = project({ 'kustz.yml': BASE });
  for (const args of [
    ['render', '--nope'],
    ['frobnicate'],
    ['render', '--set', 'noequals'],
    ['render', '--load-restrictor', 'sometimes'],
    ['render', '-c', 'kustz.yml', 'kustz.yml'],
    ['validate', 'kustz.yml', `${dir}/kustz.yml`],
  ]) {
    const r = kustz(args, { cwd: dir });
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /^kustz: /);
  }
});

test('--strict turns warnings into exit 1 with empty stdout', () => {
  const dir = project({ 'kustz.yml': `${BASE}  ports: ["!20080:80:8080"]\n` });
  const loose = kustz(['render'], { cwd: dir });
  assert.is(loose.status, 0);
  assert.match(loose.stderr, /kustz: warning: kustz.yml:4:11: nodePort 20080 is outside/);
  const strict = kustz(['render', '--strict'], { cwd: dir });
  assert.is(strict.status, 1);
  assert.is(strict.stdout, '');
});

test('a TLS Secret without PEM data, or with a key under a passphrase, is warned about, as kubectl refuses it', () => {
  const cert = readFileSync(join(ROOT, 'examples/upstream/catsecret/tls.crt'));
  const key = readFileSync(join(ROOT, 'examples/upstream/secret/tls.key'));
  const tls = `${BASE}secrets:\n  files:\n    - name: cert\n      type: kubernetes.io/tls\n      files: [tls.crt, tls.key]\n`;
  const cases: Array<[string, Record<string, string | Buffer>, RegExp | undefined]> = [
    ['PEM pair', { 'tls.crt': cert, 'tls.key': key }, undefined],
    ['DER certificate', { 'tls.crt': Buffer.from([0x30, 0x82, 0x03, 0x15]), 'tls.key': key }, /Secret "cert": tls.crt holds no PEM certificate .*\n  hint: use the certificate in PEM form/],
    ['text as key', { 'tls.crt': cert, 'tls.key': 'not a key\n' }, /Secret "cert": tls.key holds no PEM private key .*\n  hint: use the private key in PEM form/],
    ['encrypted key', { 'tls.crt': cert, 'tls.key': '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIC\n-----END ENCRYPTED PRIVATE KEY-----\n' }, /Secret "cert": tls.key is encrypted with a passphrase/],
  ];
  for (const [what, files, warned] of cases) {
    const dir = project({ ...files, 'kustz.yml': tls });
    const r = kustz(['render'], { cwd: dir });
    assert.is(r.status, 0, `${what}: ${r.stderr}`);
    if (!warned) assert.is(r.stderr, '', what);
    else {
      assert.match(r.stderr, /^kustz: warning: kustz.yml:8:14: /, what);
      assert.match(r.stderr, warned, what);
      assert.is(kustz(['render', '--strict'], { cwd: dir }).status, 1, what);
    }
    if (hasCommand('kubectl')) {
      const kubectl = spawnSync('kubectl', ['create', 'secret', 'tls', 'cert', '--cert=tls.crt', '--key=tls.key', '--dry-run=client', '-o', 'yaml'], { cwd: dir, encoding: 'utf8' });
      assert.is(kubectl.status === 0, !warned, `${what}: kubectl ${kubectl.stderr}`);
    }
  }
});

test('an Ingress TLS entry naming a generated Secret without tls.crt and tls.key is warned about', () => {
  const ingress = `${BASE}  ports: ["80:8080"]\ningress:\n  rules: ["https://a.example.com/?tls=site"]\n`;
  const opaque = kustz(['render'], { cwd: project({ 'a.txt': 'a\n', 'kustz.yml': `${ingress}secrets:\n  files: [{name: site, files: [a.txt]}]\n` }) });
  assert.is(opaque.status, 0, opaque.stderr);
  assert.match(opaque.stderr, /^kustz: warning: kustz.yml:6:11: the Ingress serves a.example.com with the generated Secret "site", which has no tls.crt and no tls.key; .*\n  hint: generate "site" with type kubernetes.io\/tls/);
  const cert = readFileSync(join(ROOT, 'examples/upstream/catsecret/tls.crt'));
  const key = readFileSync(join(ROOT, 'examples/upstream/secret/tls.key'));
  const tls = kustz(['render'], { cwd: project({ 'tls.crt': cert, 'tls.key': key, 'kustz.yml': `${ingress}secrets:\n  files: [{name: site, type: kubernetes.io/tls, files: [tls.crt, tls.key]}]\n` }) });
  assert.is(tls.stderr, '');
  // A Secret kustz does not generate is taken to exist in the cluster.
  assert.is(kustz(['render'], { cwd: project({ 'kustz.yml': ingress }) }).stderr, '');
});

test('a probe header value no HTTP request can carry is an error; a tab is fine', () => {
  const probe = (value: string) => `${BASE}  probes:\n    liveness:\n      action: http://:8080/healthz\n      headers:\n        X-Token: ${value}\n`;
  fails({ 'kustz.yml': probe('"a\\nb"') }, 'kustz.yml:8:18', /the value of header "X-Token" holds a line break or another control character, which no HTTP request can carry: every liveness probe would fail/);
  fails({ 'kustz.yml': probe('|\n          line one\n          line two') }, 'kustz.yml:8:18', /holds a line break/);
  const tab = kustz(['render'], { cwd: project({ 'kustz.yml': probe('"a\\tb"') }) });
  assert.is(tab.status, 0, tab.stderr);
  assert.match(tab.stdout, /- name: X-Token\n\s+value: a\tb\n/);
});

test('resource amounts no Pod wants are warned about', () => {
  const r = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  resources: {cpu: 100, memory: 128}\n` }) });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /kustz: warning: kustz.yml:4:20: cpu 100 means 100 CPU cores .*\n  hint: for millicores write 100m/);
  assert.match(r.stderr, /kustz: warning: kustz.yml:4:33: memory 128 is less than 1 MiB .*\n  hint: a bare number counts bytes: for 128 MiB write 128Mi/);
  const fine = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  resources: {cpu: 2, memory: 64Mi}\n` }) });
  assert.is(fine.stderr, '');
});

test('a limit of 0, which means no limit, and cores written with an exponent are warned about; a request of 0 is not', () => {
  const r = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  resources: {cpu: 1e3, memory: 64Mi/0}\n` }) });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /request 64Mi is greater than limit 0/);
  const zero = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  resources: {cpu: 1e3, memory: 0}\n` }) });
  assert.is(zero.status, 0, zero.stderr);
  assert.match(zero.stderr, /kustz: warning: kustz.yml:4:20: cpu 1e3 means 1000 CPU cores .*\n  hint: write millicores \(500m\) or a few whole cores \(2\)/);
  assert.match(zero.stderr, /kustz: warning: kustz.yml:4:33: a memory limit of 0 sets no limit at all: the container may use all of the node's memory .*\n  hint: write the amount meant, e.g. 256Mi, or leave memory out/);
  assert.not.match(zero.stderr, /less than 1 MiB|0Mi/);
  const limitOnly = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  resources: {cpu: /0}\n` }) });
  assert.match(limitOnly.stderr, /a cpu limit of 0 sets no limit at all: the container may use all of the node's CPU .*\n  hint: write the amount meant, e.g. 500m, or leave cpu out/);
  const requestOnly = kustz(['render'], { cwd: project({ 'kustz.yml': `${BASE}  resources: {cpu: 0/1, memory: 0/128Mi}\n` }) });
  assert.is(requestOnly.stderr, '');
});

test('validate prints ok; default renders; schema is JSON; help and version', () => {
  const dir = project({ 'kustz.yml': BASE });
  const v = kustz(['validate'], { cwd: dir });
  assert.is(v.status, 0);
  assert.is(v.stdout, 'ok\n');
  const example = kustz(['default']);
  assert.is(example.stdout, readFileSync(join(ROOT, 'kustz.yml.example'), 'utf8'));
  const rendered = kustz(['render'], { cwd: project({ 'kustz.yml': example.stdout }) });
  assert.is(rendered.status, 0, rendered.stderr);
  const schema = JSON.parse(kustz(['schema']).stdout) as { title: string };
  assert.is(schema.title, 'kustz.yml');
  for (const cmd of ['render', 'validate', 'default', 'schema']) {
    const h = kustz([cmd, '--help']);
    assert.is(h.status, 0);
    assert.match(h.stdout, /Examples:\n\s*kustz /, `${cmd} --help has examples`);
  }
  assert.match(kustz(['--version']).stdout, /^kustz\/\d+\.\d+\.\d+/);
});

test('help and version go to the io stdout of runCli, not to the console', async () => {
  for (const [args, expected] of [[['--version'], /^kustz\/\d+\.\d+\.\d+ /], [['render', '--help'], /Usage:\n {2}\$ kustz render/], [[], /Usage:/]] as const) {
    let stdout = '';
    const code = await runCli([...args], { stdout: (t) => void (stdout += t), stderr: () => undefined, env: {}, cwd: ROOT });
    assert.is(code, args.length ? 0 : 2);
    assert.match(stdout, expected);
  }
});

test('internal errors: no stack trace unless KUSTZ_DEBUG=1', () => {
  // A directory where a file is expected is a user error, reported without a trace.
  const dir = project({ 'kustz.yml': `${BASE}  envs: {files: [sub]}\n`, 'sub/x': '' });
  const r = kustz(['render'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /"sub" is a directory/);
});

test('a current directory removed from under the shell: --version works, a render says what is wrong', () => {
  const dir = project({});
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const script = `cd "$1" && rmdir "$1" && "$2" "$3" --version && echo "rc=$?" && "$2" "$3" render; echo "rc=$?"`;
  const r = spawnSync('sh', ['-c', script, 'sh', dir, process.execPath, BIN], { env, encoding: 'utf8' });
  assert.match(r.stdout, /^kustz\/\S+ .*\nrc=0\nrc=1\n$/);
  assert.is(r.stderr, 'kustz: the current directory no longer exists\n  hint: cd to an existing directory, e.g. cd "$PWD", and run kustz again\n');
});

test('a checkout installed without its build (npm install --ignore-scripts) says to build it, with no stack trace', () => {
  const dir = project({ 'bin/kustz.js': readFileSync(BIN), 'bin/package.json': readFileSync(join(ROOT, 'bin/package.json')) });
  const r = spawnSync(process.execPath, [join(dir, 'bin/kustz.js'), '--version'], { encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.is(r.stderr, `kustz: cannot read ${join(dir, 'dist/kustz.cjs')}: ENOENT; kustz is not built\n  hint: run npm run build in ${dir}\n`);
});

test('a build missing the YAML library it loads on demand says so, with no internal error', () => {
  const dir = project({
    'bin/kustz.js': readFileSync(BIN),
    'bin/package.json': readFileSync(join(ROOT, 'bin/package.json')),
    'dist/kustz.cjs': readFileSync(join(ROOT, 'dist/kustz.cjs')),
    // A tag is what the built-in reader leaves to the YAML library.
    'kustz.yml': 'name: web\nservice: {image: nginx, replicas: !!int 2}\n',
  });
  const r = spawnSync(process.execPath, [join(dir, 'bin/kustz.js'), 'render'], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.is(r.stderr, `kustz: cannot read ${join(dir, 'dist/yaml.cjs')}: ENOENT; kustz is not built\n  hint: run npm run build in ${dir}\n`);
});

test('a data file named in another Unicode normalization than on disk: said so, and how to rename it', () => {
  const nfd = 'caf\u0065\u0301.env';
  const dir = project({ 'kustz.yml': 'name: web\nservice: {image: nginx}\nconfigmaps:\n  envs: [{name: e, files: [caf\u00e9.env]}]\n', [nfd]: 'A=1\n' });
  const r = kustz(['render'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, 'kustz: kustz.yml:4:28: cannot read "caf\u00e9.env": no such file; its directory has a file of this name in Unicode NFD (as macOS writes names), written here in NFC');
  assert.match(r.stderr, '  hint: rename the file to the name as written here: convmv -f utf8 -t utf8 --nfc --notest <the file>\n');
});

test('a directory on the way to a data file named in another normalization: the directory is named, and how to rename it', () => {
  const dir = project({ 'kustz.yml': 'name: web\nservice: {image: nginx}\nconfigmaps:\n  envs: [{name: e, files: [r\u00e9sum\u00e9/a.env]}]\n', 're\u0301sume\u0301/a.env': 'A=1\n' });
  const r = kustz(['render'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, 'kustz: kustz.yml:4:28: cannot read "r\u00e9sum\u00e9/a.env": no such file; the directory "r\u00e9sum\u00e9" on its way is named in Unicode NFD (as macOS writes names), written here in NFC');
  assert.match(r.stderr, '  hint: rename the directory to the name as written here: convmv -f utf8 -t utf8 --nfc --notest <the directory>\n');
});

test.run();
