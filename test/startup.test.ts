/**
 * What keeps a cold `kustz render` cheap (issue 6; the timings themselves live in `npm run
 * bench`, not here): the bundle holds neither ajv's compiler nor yaml, it starts from a code
 * cache V8 accepts, and a usual render loads neither yaml (src/yaml/read.ts and write.ts stand
 * in) nor node:crypto (src/sha256.ts does).
 * A value import of 'yaml' or 'node:crypto' anywhere on the render path breaks this: load yaml
 * through yamlLib() in src/yaml/lib.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT } from './helpers/cli.js';

/** The modules a run of the built CLI asks Node for (NODE_DEBUG=module logs each request). */
function modulesLoaded(args: string[], cwd: string): string[] {
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...env, NODE_DEBUG: 'module' }, encoding: 'utf8' });
  return [...r.stderr.matchAll(/Module\._load REQUEST (\S+)/g)].map((m) => m[1]!);
}

test('the bundle holds neither ajv compiler nor yaml', () => {
  const bundle = readFileSync(join(ROOT, 'dist/kustz.cjs'), 'utf8');
  assert.not.match(bundle, /^\/\/ node_modules\/ajv\/dist\/(compile|core)/m, 'ajv compiles at build time only');
  assert.not.match(bundle, /^\/\/ node_modules\/yaml\//m, 'yaml lives in dist/yaml.cjs');
});

test('the build leaves a V8 code cache that this Node accepts for the bundle', () => {
  const check = `const { readFileSync } = require('node:fs'); const { wrap } = require('node:module');
    const script = new (require('node:vm').Script)(wrap(readFileSync(process.argv[1], 'utf8')), { cachedData: readFileSync(process.argv[1] + '.cache') });
    process.stdout.write(String(script.cachedDataRejected));`;
  const r = spawnSync(process.execPath, ['-e', check, join(ROOT, 'dist/kustz.cjs')], { encoding: 'utf8' });
  assert.is(r.stdout, 'false', r.stderr);
});

test('rendering the upstream example loads neither yaml nor node:crypto', () => {
  const loaded = modulesLoaded(['render', '-c', 'kustz.yml'], join(ROOT, 'examples/upstream'));
  assert.ok(loaded.includes('node:fs'), `NODE_DEBUG=module reports what is loaded: ${loaded.join(', ')}`);
  assert.not.ok(loaded.some((m) => /yaml|crypto/.test(m)), `loaded: ${loaded.join(', ')}`);
});

test.run();
