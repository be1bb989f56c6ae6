/**
 * Where kubectl can build the same object offline, kustz's must hold the same data: ConfigMaps
 * from .env files and from files (binary ones included), generic and TLS Secrets.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { hasCommand, kustz, ROOT } from './helpers/cli.js';

interface DataObject {
  kind: string;
  type?: string;
  metadata: { name: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

function rendered(example: string): DataObject[] {
  const r = kustz(['render'], { cwd: join(ROOT, 'examples', example) });
  assert.is(r.status, 0, r.stderr);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as DataObject);
}

function find(objects: DataObject[], kind: string, name: string): DataObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} rendered`);
  return o!;
}

/** kubectl create ... --dry-run=client -o json, run where the example's files are, with no env. */
function kubectl(example: string, args: string[]): DataObject {
  const r = spawnSync('kubectl', [...args, '--dry-run=client', '-o', 'json'], {
    cwd: join(ROOT, 'examples', example),
    env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent' },
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as DataObject;
}

const skip = !hasCommand('kubectl');
if (skip) console.log('NOTICE: kubectl not found; skipping the kubectl parity tests');

function same(ours: DataObject, theirs: DataObject) {
  assert.equal(ours.data ?? {}, theirs.data ?? {}, `${ours.metadata.name}: data`);
  assert.equal(ours.binaryData ?? {}, theirs.binaryData ?? {}, `${ours.metadata.name}: binaryData`);
  // kubectl leaves the API server's default type out.
  if (ours.kind === 'Secret') assert.is(ours.type, theirs.type ?? 'Opaque', `${ours.metadata.name}: type`);
}

test('ConfigMap from .env files (comments, CRLF, BOM, quotes) = kubectl create configmap --from-env-file', () => {
  if (skip) return;
  const ours = find(rendered('envfiles'), 'ConfigMap', 'envs-demo-app');
  same(ours, kubectl('envfiles', ['create', 'configmap', 'envs-demo-app', '--from-env-file=app.env', '--from-env-file=windows.env']));
});

test('Secret from a .env file = kubectl create secret generic --from-env-file', () => {
  if (skip) return;
  const ours = find(rendered('envfiles'), 'Secret', 'envs-demo-secret');
  same(ours, kubectl('envfiles', ['create', 'secret', 'generic', 'envs-demo-secret', '--from-env-file=secret.env']));
});

test('ConfigMap and Secret from files, binary included = kubectl --from-file', () => {
  if (skip) return;
  const objects = rendered('binary-files');
  same(find(objects, 'ConfigMap', 'files-demo-assets'),
    kubectl('binary-files', ['create', 'configmap', 'files-demo-assets', '--from-file=logo.png', '--from-file=nginx.conf', '--from-file=config.toml=app.toml']));
  same(find(objects, 'Secret', 'files-demo-secret'),
    kubectl('binary-files', ['create', 'secret', 'generic', 'files-demo-secret', '--from-file=logo.png', '--from-file=app.toml']));
});

test('TLS Secret and env-file ConfigMap of the upstream example = kubectl', () => {
  if (skip) return;
  const objects = rendered('upstream');
  same(find(objects, 'Secret', 'srv-webapp-demo-files'),
    kubectl('upstream', ['create', 'secret', 'tls', 'srv-webapp-demo-files', '--cert=catsecret/tls.crt', '--key=secret/tls.key']));
  same(find(objects, 'ConfigMap', 'srv-webapp-demo-envs'),
    kubectl('upstream', ['create', 'configmap', 'srv-webapp-demo-envs', '--from-env-file=configmap.env']));
});

test.run();
