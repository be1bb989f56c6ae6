import { builtin, sourceRequire } from '../lazy.js';

let loaded: typeof import('yaml') | undefined;

/**
 * The `yaml` package, loaded on first use: read.ts and write.ts handle the usual files, and
 * loading yaml would otherwise be a large part of every start-up. In the bundle, `require` is
 * the bundle's own and yaml is inside it; run from source (tests), Node resolves it.
 */
export function yamlLib(): typeof import('yaml') {
  return (loaded ??= (typeof require === 'function' ? require('yaml') : sourceRequire()('yaml')) as typeof import('yaml'));
}

/**
 * Heap that yaml's document takes per structural character of the text (a line break, an
 * indicator such as `,` `:` `-` `[` `{` `!` `&`, a quote), at most: measured from 0.25 to 0.95 KB
 * over fifteen shapes of dense and ordinary YAML (docs/performance.md); its bytes of text cost
 * little beside. Node ends the process on a full heap with a fatal error no code can catch.
 */
const HEAP_PER_STRUCTURAL_CHARACTER = 1200;
/** Below this size no text can come near the heap limit: counting would only cost start-up time. */
const CANNOT_FILL_THE_HEAP = 64 * 1024;
const STRUCTURAL = new Uint8Array(128);
for (const c of '\n,:-[]{}?!&*|>#\'"') STRUCTURAL[c.charCodeAt(0)] = 1;

/**
 * What yaml's document of `text` would take and what the heap holds, in MiB, where the document
 * would take more than 3/4 of Node's heap limit (which Node sizes from the machine's memory).
 */
export function documentTooLarge(text: string): { needs: number; limit: number } | undefined {
  if (text.length < CANNOT_FILL_THE_HEAP) return undefined;
  let structural = 0;
  for (let i = 0; i < text.length; i++) structural += STRUCTURAL[text.charCodeAt(i)] ?? 0;
  const needs = structural * HEAP_PER_STRUCTURAL_CHARACTER + text.length * 2;
  const limit = builtin<typeof import('node:v8')>('node:v8').getHeapStatistics().heap_size_limit;
  const mib = (n: number) => Math.ceil(n / 1024 / 1024);
  return needs > limit * 0.75 ? { needs: mib(needs), limit: mib(limit) } : undefined;
}
