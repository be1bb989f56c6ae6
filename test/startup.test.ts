/**
 * What keeps a cold `kustz render` cheap (issue 6; the timings themselves live in `npm run
 * bench`, not here): the bundle holds neither ajv's compiler nor yaml, it starts from a code
 * cache V8 accepts, and a usual render loads neither yaml (src/yaml/read.ts and write.ts stand
 * in) nor node:crypto (src/sha256.ts does).
 * A value import of 'yaml', 'node:crypto', 'node:module' or 'node:os' anywhere on the render path
 * breaks this: load them through src/lazy.ts or yamlLib() in src/yaml/lib.ts.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const r = spawnSync(process.execPath, [BIN, '--version'], { env: { ...env, KUSTZ_CODE_CACHE: 'check' }, encoding: 'utf8' });
  assert.is(r.stderr, 'kustz: code cache accepted\n');
});

test("an installed copy starts from the cache whatever the files' dates, and never from a cache made for another bundle", () => {
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const copy = mkdtempSync(join(tmpdir(), 'kustz-install-'));
  try {
    // As npm and cp -r leave them: the cache written, and dated, before the bundle.
    for (const dir of ['bin', 'dist']) cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
    utimesSync(join(copy, 'dist/kustz.cjs.cache'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const check = () => spawnSync(process.execPath, [join(copy, 'bin/kustz.js'), '--version'], { env: { ...env, KUSTZ_CODE_CACHE: 'check' }, encoding: 'utf8' });
    assert.is(check().stderr, 'kustz: code cache accepted\n');
    // Another build's cache: its id differs, though V8 would take it for a bundle of the same length.
    const cache = readFileSync(join(copy, 'dist/kustz.cjs.cache'));
    cache.write('0'.repeat(32), 0, 'latin1');
    writeFileSync(join(copy, 'dist/kustz.cjs.cache'), cache);
    const other = check();
    assert.is(other.stderr, 'kustz: code cache rejected\n');
    assert.match(other.stdout, /^kustz\//);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('rendering the upstream example loads only the Node modules it uses', () => {
  const loaded = modulesLoaded(['render', '-c', 'kustz.yml'], join(ROOT, 'examples/upstream'));
  assert.ok(loaded.includes('node:fs'), `NODE_DEBUG=module reports what is loaded: ${loaded.join(', ')}`);
  // Node's own start-up has loaded these already; node:module would bring Node's ES module
  // loader along, and node:os, node:crypto and the rest serve other commands.
  const preloaded = ['node:buffer', 'node:fs', 'node:path', 'node:url', 'node:vm'];
  assert.equal([...new Set(loaded)].filter((m) => !preloaded.includes(m)), [], `loaded: ${loaded.join(', ')}`);
});

test.run();
