#!/usr/bin/env node
// CommonJS (bin/package.json), like the bundle it loads: Node starts it faster than an ES module.
// The bundle runs from the V8 code cache the build wrote beside it: bytecode instead of source to
// compile, a third of a cold start (see `npm run bench`). Node 22's module.enableCompileCache()
// does the same; Node 20 has only vm.Script's cachedData. Without the cache, or when V8 rejects
// it (another Node version), the bundle is compiled as usual.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const dist = join(__dirname, '..', 'dist');
const bundle = join(dist, 'kustz.cjs');
const cacheFile = `${bundle}.cache`;
// The bundle is one function expression, the module wrapper included (scripts/build.mjs), so
// that V8 compiles the file's text as read: adding the wrapper here made V8 copy all of it once
// more. Read as bytes, then decoded: readFileSync(bundle, 'utf8') touched 66 more pages of memory.
// `npm install --ignore-scripts` of a git checkout skips the build that makes dist/.
function notBuilt(file, e) {
  process.stderr.write(`kustz: cannot read ${file}: ${e.code ?? e.message}; kustz is not built\n  hint: run npm run build in ${join(__dirname, '..')}\n`);
  process.exit(1);
}
let source;
try {
  source = readFileSync(bundle).toString();
} catch (e) {
  notBuilt(bundle, e);
}
// The bundle ends with its build's id, and the cache starts with the id of the bundle it was made
// from: V8 itself checks only the source's length. (Not the files' dates: npm and cp write the
// cache before the bundle, in no order of their making.) The id takes 32 bytes, so that V8 reads
// the cache where it is, aligned, instead of copying it.
const idAt = source.lastIndexOf('//# kustz-build ') + 16;
const buildId = idAt > 16 ? source.slice(idAt, idAt + 32) : undefined;
let cachedData;
try {
  const cache = readFileSync(cacheFile);
  if (buildId !== undefined && cache.toString('latin1', 0, 32) === buildId) cachedData = cache.subarray(32);
} catch {
  // No cache: compile.
}
const script = new Script(source, { filename: bundle, cachedData });
// KUSTZ_CODE_CACHE=write: the build runs the CLI once and keeps what V8 compiled by the end.
// KUSTZ_CODE_CACHE=check: says on stderr whether V8 took the cache (test/startup.test.ts).
const cacheMode = process.env.KUSTZ_CODE_CACHE;
if (cacheMode === 'write') process.on('exit', () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(buildId ?? ''), script.createCachedData()])));
if (cacheMode === 'check') process.stderr.write(`kustz: code cache ${cachedData && !script.cachedDataRejected ? 'accepted' : 'rejected'}\n`);
const loaded = { exports: {} };
// The bundle requires Node's modules and ./yaml.cjs; module.createRequire would cost a millisecond.
function requireFromDist(id) {
  if (!id.startsWith('./')) return require(id);
  const file = join(dist, id);
  try {
    return require(file);
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND' && e.message.includes(file)) notBuilt(file, { code: 'ENOENT' });
    throw e;
  }
}
script.runInThisContext()(loaded.exports, requireFromDist, loaded, bundle, dist);
