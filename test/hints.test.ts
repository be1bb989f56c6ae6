/**
 * kustz's promise about its errors: each names where it is and says how to fix it, in a hint
 * that, applied literally, makes the error go away.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../src/args.js';
import { COMMANDS } from '../src/cli.js';
import { KustzError, UsageError, type Issue } from '../src/errors.js';
import { readFromMap } from '../src/files.js';
import { parseSetPath } from '../src/overrides.js';
import { render } from '../src/render.js';
import { configFiles, renderFile, type IO, type RenderFlags } from '../src/shell.js';
import { caseArgs, caseEnv, goldenCases } from './helpers/cases.js';

/** The issues of a golden case's run, its command line read as kustz reads it; none for a mistake on the command line. */
function caseIssues(dir: string): Issue[] {
  const io: IO = { stdout: () => {}, stderr: () => {}, env: caseEnv(dir), cwd: dir };
  try {
    const parsed = parseArgs(caseArgs(dir), COMMANDS);
    if (parsed.kind !== 'run') return [];
    const flags = parsed.flags as RenderFlags;
    return configFiles(flags, parsed.args, io).flatMap((file) => renderFile(file, flags, io).issues);
  } catch (e) {
    if (e instanceof KustzError) return e.issues;
    // A usage error is a message about the command line, with no file to point into.
    if (e instanceof UsageError) return [];
    throw e;
  }
}

test('every error of the golden error cases has a hint', () => {
  const cases = goldenCases().filter((dir) => existsSync(join(dir, 'error.txt')));
  const errors = cases.flatMap((dir) => caseIssues(dir).filter((i) => i.severity === 'error').map((i) => ({ dir, ...i })));
  assert.ok(errors.length > 100, `only ${errors.length} errors: are the cases found?`);
  assert.equal(errors.filter((i) => !i.hint?.trim()).map((i) => `${i.dir.slice(i.dir.lastIndexOf('/') + 1)}: ${i.code}: ${i.message}`), []);
});

/** The value a hint says to write ("write "X"", "write 1Gi"), if it names one. */
function written(hint: string): string | undefined {
  const m = /\bwrite ("(?:[^"\\]|\\.)*"|[^\s,:;]*[0-9][^\s,:;]*)/.exec(hint);
  return m ? (m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]) : undefined;
}

const BASE = { name: 'shop-api', service: { image: 'registry.example.com/shop/api:1.4.2' } };
const WEB = { ...BASE, service: { ...BASE.service, ports: ['80:8080'] } };

/** Each a config with one value wrong (JSON is YAML), and the code of the problem it has. */
const BROKEN: Array<[code: string, config: Record<string, unknown>]> = [
  ['port.syntax', { ...BASE, service: { ...BASE.service, ports: ['udp://30080:80:8080'] } }],
  ['port.syntax', { ...BASE, service: { ...BASE.service, ports: ['http:80'] } }],
  ['port.syntax', { ...BASE, service: { ...BASE.service, ports: ['80/foo'] } }],
  ['port.syntax', { ...BASE, service: { ...BASE.service, ports: ['80:8o8o'] } }],
  ['port.syntax', { ...BASE, service: { ...BASE.service, ports: ['80:!8080'] } }],
  ['resource.unit', { ...BASE, service: { ...BASE.service, resources: { cpu: '100/200' } } }],
  ['resource.unit', { ...BASE, service: { ...BASE.service, resources: { cpu: 64 } } }],
  ['resource.unit', { ...BASE, service: { ...BASE.service, resources: { memory: 0.5 } } }],
  ['resource.unit', { ...BASE, service: { ...BASE.service, resources: { memory: '128/256' } } }],
  ['resource.unit', { ...BASE, service: { ...BASE.service, resources: { memory: '0.25/1' } } }],
  ['resource.value', { ...BASE, service: { ...BASE.service, resources: { memory: '1gi/2gi' } } }],
  ['resource.value', { ...BASE, service: { ...BASE.service, resources: { cpu: '200m/100m' } } }],
  ['resource.value', { ...BASE, service: { ...BASE.service, resources: { cpu: '1/2/3' } } }],
  ['resource.extended', { ...BASE, service: { ...BASE.service, resources: { cpu: 1, 'nvidia.com/gpu': 0.5 } } }],
  ['resource.hugepages', { ...BASE, service: { ...BASE.service, resources: { memory: '128Mi', 'hugepages-2Mi': '3Mi' } } }],
  // A value a hint names passes every rule of its resource, not only the one that failed.
  ['resource.value', { ...BASE, service: { ...BASE.service, resources: { 'nvidia.com/gpu': '1/2/3' } } }],
  ['resource.value', { ...BASE, service: { ...BASE.service, resources: { 'nvidia.com/gpu': '3/2' } } }],
  ['resource.extended', { ...BASE, service: { ...BASE.service, resources: { memory: '128Mi', 'hugepages-2Mi': '3Mi/5Mi' } } }],
  ['probe.action', { ...BASE, service: { ...BASE.service, probes: { liveness: { action: 'http://[::1/' } } } }],
  ['probe.action', { ...BASE, service: { ...BASE.service, probes: { liveness: { action: "sh -c 'test -f /tmp/x" } } } }],
  ['probe.action', { ...BASE, service: { ...BASE.service, probes: { liveness: { action: 'tcp://:8080/x' } } } }],
  ['ingress.rule', { ...WEB, ingress: { rules: ['http://a_b.example.com/'] } }],
  ['ingress.rule', { ...WEB, ingress: { rules: ['http://shop.example.com/api/*/v1'] } }],
  ['ingress.rule', { ...WEB, ingress: { rules: ['http://shop.example.com/?service=other:80'] } }],
  ['env.from', { ...BASE, service: { ...BASE.service, envs: { configmaps: ['shop-envs:optional'] } } }],
  ['name.object', { ...BASE, name: 'ShopAPI' }],
  ['name.namespace', { ...BASE, namespace: 'shop_prod' }],
  ['name.container', { ...BASE, service: { ...BASE.service, name: 'api.v2' } }],
  ['name.secret', { ...BASE, service: { ...BASE.service, imagePullSecrets: ['Registry_Login'] } }],
  ['dns.search', { ...BASE, dns: { config: { nameservers: ['10.0.0.10'], searches: ['Svc_Cluster.local'] } } }],
];

/** Every problem, errors and warnings; a render that fails throws them. */
function problems(config: Record<string, unknown>): Issue[] {
  try {
    return render({ source: JSON.stringify(config), file: 'kustz.yml', readFile: readFromMap({}) }).warnings;
  } catch (e) {
    if (e instanceof KustzError) return e.issues;
    throw e;
  }
}

/** `config` with `value` at `path` (a dotted path as issues give it). */
function withValue(config: Record<string, unknown>, path: string, value: string): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  const keys = parseSetPath(path);
  let node = copy as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[keys[keys.length - 1]!] = value;
  return copy;
}

test('a value a hint says to write makes its problem go away, and brings no other', () => {
  for (const [code, config] of BROKEN) {
    const found = problems(config).find((i) => i.code === code);
    assert.ok(found?.hint, `${JSON.stringify(config)}: no ${code} with a hint, got ${JSON.stringify(problems(config))}`);
    const value = written(found!.hint!);
    assert.ok(value !== undefined, `${code}: the hint names no value to write: ${found!.hint}`);
    const after = problems(withValue(config, found!.path!, value!));
    assert.equal(after.map((i) => `${i.code} at ${i.path}: ${i.message}`), [], `${code}: writing ${JSON.stringify(value)} as ${found!.hint}`);
  }
});

test.run();
