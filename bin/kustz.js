#!/usr/bin/env node
// CommonJS (bin/package.json), like the bundle it loads: Node starts it faster than an ES module.
// The bundle runs from the V8 code cache the build wrote beside it: bytecode instead of source to
// compile, a third of a cold start (see `npm run bench`). Node 22's module.enableCompileCache()
// does the same; Node 20 has only vm.Script's cachedData. Without the cache, or when V8 rejects
// it (another Node version), the bundle is compiled as usual.
'use strict';
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { wrap } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const dist = join(__dirname, '..', 'dist');
const bundle = join(dist, 'kustz.cjs');
const cacheFile = `${bundle}.cache`;
let cachedData;
try {
  // V8 checks only the source's length: a bundle changed after the cache was made must not use it.
  if (statSync(cacheFile).mtimeMs >= statSync(bundle).mtimeMs) cachedData = readFileSync(cacheFile);
} catch {
  // No cache: compile.
}
const script = new Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
// The build runs the CLI once with KUSTZ_WRITE_CODE_CACHE=1 and keeps what V8 compiled by the end.
if (process.env.KUSTZ_WRITE_CODE_CACHE === '1') process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
const loaded = { exports: {} };
// The bundle requires Node's modules and ./yaml.cjs; module.createRequire would cost a millisecond.
const requireFromDist = (id) => require(id.startsWith('./') ? join(dist, id) : id);
script.runInThisContext()(loaded.exports, requireFromDist, loaded, bundle, dist);
