/**
 * Mistakes in a kustomize generator config (the legacy exec plugin's file, the KRM function's
 * functionConfig): where they are reported, and in which words. Through the built CLI.
 */
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import { parse } from 'yaml';
import * as assert from 'uvu/assert';
import { kustz } from './helpers/cli.js';
import { project } from './helpers/project.js';

const KUSTZ_YML = 'name: web\nservice:\n  image: nginx\n  ports: ["80:8080"]\n';
const dirs: string[] = [];
test.after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The legacy exec plugin run on `config` (generator.yml beside a kustz.yml) as kustomize runs it. */
function plugin(config: string): { stderr: string; status: number | null; file: string } {
  const dir = project({ 'kustz.yml': KUSTZ_YML, 'generator.yml': config });
  dirs.push(dir);
  const file = join(dir, 'generator.yml');
  const r = kustz([file], { cwd: dir, env: { KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir } });
  assert.is(r.stdout, '');
  return { stderr: r.stderr, status: r.status, file };
}

/** The results of a KRM function's output. */
function results(stdout: string): unknown {
  return (parse(stdout) as { results?: unknown }).results;
}

const HEAD = 'apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: web}\n';

test('a key that does not belong is shown at the key, not at its value', () => {
  const misspelt = plugin('apiVersion: kustz/v1\nkind: Kustz\nmetadta: {name: web}\nspec:\n  config: kustz.yml\n');
  assert.is(misspelt.status, 1);
  assert.match(misspelt.stderr, `kustz: ${misspelt.file}:3:1: unknown key "metadta" in the generator config (at metadta)\n  | metadta: {name: web}\n  | ^\n  hint: did you mean "metadata"?\n`);
  const beside = plugin(`${HEAD}spec:\n  config: kustz.yml\n  hsh: true\n`);
  assert.is(beside.status, 1);
  assert.match(beside.stderr, `kustz: ${beside.file}:6:3: spec holds either config or the kustz.yml fields, not both (found hsh beside config) (at spec.hsh)\n  |   hsh: true\n  |   ^\n`);
});

test('a key of spec that is no kustz.yml field is named in spec, as the near-miss of config or hash it most often is', () => {
  const typo = plugin(`${HEAD}spec:\n  confg: kustz.yml\n`);
  assert.is(typo.status, 1);
  // Once two errors, "missing required key service" and "unknown key ... in the top level", with the list of kustz.yml fields.
  assert.is(typo.stderr, `kustz: ${typo.file}:5:3: unknown key "confg" in spec (at spec.confg)\n  |   confg: kustz.yml\n  |   ^\n  hint: did you mean "config"?\n`);
  const stray = plugin(`${HEAD}spec:\n  service: {image: nginx}\n  zzzzzz: 1\n`);
  assert.is(stray.status, 1);
  assert.match(stray.stderr, `kustz: ${stray.file}:6:3: unknown key "zzzzzz" in spec (at spec.zzzzzz)\n`);
  assert.match(stray.stderr, 'hint: spec holds config and hash, or the kustz.yml fields (apiVersion, name, namespace, service,');
  const fn = kustz(['fn'], { input: 'kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {hsah: true, service: {image: nginx}}}\n' });
  assert.is(fn.status, 1);
  assert.is(fn.stderr, 'kustz: functionConfig: unknown key "hsah" in spec (at spec.hsah)\n  hint: did you mean "hash"?\n');
  assert.equal(results(fn.stdout), [{ message: 'unknown key "hsah" in spec (hint: did you mean "hash"?)', severity: 'error', resourceRef: { apiVersion: 'kustz/v1', kind: 'Kustz', name: 'web' }, field: { path: 'spec.hsah' } }]);
});

test('an inline spec: paths name the field where it is in the generator config, spec.service.ports[0], and metadata.name for the default name', () => {
  const bad = plugin(`apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: Web_1}\nspec:\n  service:\n    image: nginx\n    ports: ["x:y"]\n`);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, `kustz: ${bad.file}:7:13: "x" is not a number: expected [tcp|udp|sctp://][!][nodePort:]port[:targetPort], got "x:y" (at spec.service.ports[0])\n`);
  assert.match(bad.stderr, `kustz: ${bad.file}:3:18: name "Web_1" must be a DNS-1123 subdomain`);
  assert.match(bad.stderr, /\(at metadata\.name\)\n/);
  assert.not.match(bad.stderr, /\(at (service|name)/);
  // Hints name fields in spec too.
  assert.match(bad.stderr, 'hint: the container is named after `name`; set spec.service.name to "web-1"\n');
  const missing = plugin(`${HEAD}spec:\n  namespace: shop\n`);
  assert.is(missing.stderr, `kustz: ${missing.file}:5:3: missing required key "service" in spec (at spec)\n  |   namespace: shop\n  |   ^\n  hint: add service: {image: docker.io/library/nginx:alpine} to spec\n`);
  // A KRM result's field is the same path; warnings too.
  const list = (spec: string) => `kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: ${spec}}\n`;
  const fn = kustz(['fn'], { input: list('{service: {image: nginx, ports: ["x:y"]}}') });
  assert.is(fn.status, 1);
  assert.match(fn.stderr, '(at spec.service.ports[0])\n');
  assert.equal((results(fn.stdout) as Array<{ field: unknown }>).map((r) => r.field), [{ path: 'spec.service.ports[0]' }]);
  const warned = kustz(['fn'], { input: list('{service: {image: nginx, resources: {memory: 0}}}') });
  assert.is(warned.status, 0, warned.stderr);
  assert.equal((results(warned.stdout) as Array<{ field: unknown }>).map((r) => r.field), [{ path: 'spec.service.resources.memory' }]);
});

test('an inline spec: hints about a file it names name spec fields too, and a quoted value is never taken for a field', () => {
  const dir = project({ 'x.env': 'A=1\n' });
  dirs.push(dir);
  const list = (spec: string) => `kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: ${spec}}\n`;
  const file = kustz(['fn'], { cwd: dir, input: list('{service: {image: nginx, envs: {files: [x.env]}}}') });
  assert.is(file.status, 1);
  assert.match(file.stderr, '\n  hint: write one `NAME: value` per line; a .env file of NAME=value lines belongs under spec.configmaps.envs or spec.secrets.envs\n');
  const image = kustz(['fn'], { cwd: dir, input: list('{service: {image: "service.example.com/app:a b"}}') });
  assert.is(image.status, 1);
  assert.match(image.stderr, 'kustz: functionConfig: image "service.example.com/app:a b" is not a valid reference');
  const host = kustz(['fn'], { cwd: dir, input: list('{service: {image: nginx, ports: ["80"]}, ingress: {rules: ["http://dns.example.com:99999/"]}}') });
  assert.is(host.status, 1);
  assert.match(host.stderr, 'got "dns.example.com:99999" in "http://dns.example.com:99999/" (at spec.ingress.rules[0])');
  assert.not.match(file.stderr + image.stderr + host.stderr, /spec\.\w+\.example\.com/);
});

test('files an inline spec or its kustz.yml names: messages say where kustomize reads them from, and offer no flag kustomize cannot pass', () => {
  const dir = project({ 'kustz.yml': 'name: web\nservice: {image: nginx}\nconfigmaps:\n  files: [{name: a, files: [/etc/hostname, ../x.txt, missing.txt, host.txt]}]\n' });
  dirs.push(dir);
  symlinkSync('/etc/hostname', join(dir, 'host.txt'));
  const list = (spec: string) => `kind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: ${spec}}\n`;
  const inline = kustz(['fn'], { cwd: dir, input: list('{service: {image: nginx}, configmaps: {files: [{name: a, files: [/etc/hostname, ../x.txt, missing.txt, host.txt]}]}}') });
  assert.is(inline.status, 1);
  for (const text of [
    '"/etc/hostname" is an absolute path; files must sit inside the kustomization\'s directory (at spec.configmaps.files[0].files[0])',
    '"../x.txt" leaves the kustomization\'s directory',
    'hint: move the file into the kustomization\'s directory\n',
    'hint: paths in the spec are relative to the kustomization\'s directory\n',
    'hint: a symlink may not lead out of the project; copy the file in\n',
  ]) assert.match(inline.stderr, text);
  const fromFile = kustz(['fn'], { cwd: dir, input: list('{config: kustz.yml}') });
  assert.is(fromFile.status, 1);
  assert.match(fromFile.stderr, 'hint: move the file into the kustz.yml\'s directory\n');
  assert.not.match(inline.stderr + fromFile.stderr, 'load-restrictor');
  // On kustz's own command line the flag is there to offer.
  assert.match(kustz(['render'], { cwd: dir }).stderr, 'hint: move the file into the kustz.yml\'s directory, or pass --load-restrictor none\n');
});

test('no generator config: a ResourceList without functionConfig, kpt without --fn-config, an empty plugin config say so, and how to pass one', () => {
  const hint = '  hint: pass the generator config as the functionConfig: kpt fn eval DIR --exec kustz --fn-config kustz-generator.yaml, that file holding {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {config: kustz.yml}}; kustomize passes the config that names kustz as its function\n';
  for (const input of ['kind: ResourceList\nitems: []\n', 'kind: ResourceList\nitems: []\nfunctionConfig:\n']) {
    const r = kustz(['fn'], { input });
    assert.is(r.status, 1);
    assert.is(r.stderr, `kustz: stdin: the ResourceList has no functionConfig, the generator config kustz renders from\n${hint}`);
    assert.match((results(r.stdout) as Array<{ message: string }>)[0]!.message, 'has no functionConfig');
  }
  // What kpt fn eval passes without --fn-config (measured with kpt 1.0.0-beta.56), with or without key=value arguments.
  for (const data of ['{}', '{a: b}']) {
    const r = kustz(['fn'], { input: `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  metadata:\n    name: function-input\n  data: ${data}\n  kind: ConfigMap\n  apiVersion: v1\n` });
    assert.is(r.status, 1);
    assert.is(r.stderr, `kustz: functionConfig: this is a ConfigMap, as kpt passes when run without --fn-config; kustz needs its generator config, of kind Kustz (at kind)\n${hint}`);
  }
  const empty = plugin('# nothing yet\n');
  assert.is(empty.status, 1);
  assert.is(empty.stderr, `kustz: ${empty.file}:1:1: the file holds only comments, no YAML document\n  hint: write a generator config, e.g. {apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {config: kustz.yml}}\n`);
});

test.run();
