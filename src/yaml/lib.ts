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
/** Built at the first large text: a usual run never needs it. */
let structuralCharacters: Uint8Array | undefined;

function structuralTable(): Uint8Array {
  if (!structuralCharacters) {
    structuralCharacters = new Uint8Array(128);
    for (const c of '\n,:-[]{}?!&*|>#\'"') structuralCharacters[c.charCodeAt(0)] = 1;
  }
  return structuralCharacters;
}

/**
 * Why yaml's document of `text` (`what`: "stdin's YAML", "this YAML") cannot be read here, where
 * it would take more than 3/4 of Node's heap limit (which Node sizes from the machine's memory),
 * and the NODE_OPTIONS that would give Node room for it.
 */
export function documentTooLarge(text: string, what: string): { message: string; roomFor: string } | undefined {
  if (text.length < CANNOT_FILL_THE_HEAP) return undefined;
  const structural = structuralTable();
  let count = 0;
  for (let i = 0; i < text.length; i++) count += structural[text.charCodeAt(i)] ?? 0;
  const needs = count * HEAP_PER_STRUCTURAL_CHARACTER + text.length * 2;
  const limit = builtin<typeof import('node:v8')>('node:v8').getHeapStatistics().heap_size_limit;
  if (needs <= limit * 0.75) return undefined;
  const mib = (n: number) => Math.ceil(n / 1024 / 1024);
  return {
    message: `reading ${what} would take about ${mib(needs)} MiB of memory, and Node's heap here holds ${mib(limit)} MiB`,
    roomFor: `NODE_OPTIONS=--max-old-space-size=${2 * mib(needs)}`,
  };
}
