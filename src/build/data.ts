import type { GeneratedData, KubeObject } from '../types.js';
import { objectHead, type Identity } from './meta.js';

function base64(value: string | Uint8Array): string {
  // Buffer.from encodes a string as UTF-8 itself (lone surrogates as U+FFFD, as TextEncoder does)
  // and views bytes without copying them.
  return (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength)).toString('base64');
}

/**
 * Data keys sorted, as kubectl and kustomize print them: by UTF-16 code units, which is what
 * sort() does without a comparator (and much faster, with ten thousand keys from an env file).
 */
function sortedKeys(data: Map<string, string | Uint8Array>): string[] {
  return [...data.keys()].sort();
}

/**
 * A plain object with these keys, in this order. It starts in V8's dictionary mode (deleting a
 * property that is not the last one puts it there): built from {} or by Object.fromEntries, each
 * of its first thousand keys would get a hidden class of its own, quadratic work that cost a
 * 10,000-line .env 10 ms. Keys are defined, not assigned: one may be "__proto__".
 */
function record(entries: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = { first: '', second: '' };
  delete out['first'];
  delete out['second'];
  for (const [key, value] of entries) {
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

/** Text goes to `data`; bytes that are not UTF-8 go to `binaryData`, base64 encoded. */
export function buildConfigMap(id: Identity, d: GeneratedData, name = d.name): KubeObject {
  const text: Array<[string, string]> = [];
  const binary: Array<[string, string]> = [];
  for (const key of sortedKeys(d.data)) {
    const value = d.data.get(key)!;
    if (typeof value === 'string') text.push([key, value]);
    else binary.push([key, base64(value)]);
  }
  return {
    ...objectHead('v1', 'ConfigMap', id, name),
    ...(text.length ? { data: record(text) } : {}),
    ...(binary.length ? { binaryData: record(binary) } : {}),
  };
}

export function buildSecret(id: Identity, d: GeneratedData, name = d.name): KubeObject {
  const keys = sortedKeys(d.data);
  return {
    ...objectHead('v1', 'Secret', id, name),
    type: d.type ?? 'Opaque',
    ...(keys.length ? { data: record(keys.map((key) => [key, base64(d.data.get(key)!)])) } : {}),
  };
}
