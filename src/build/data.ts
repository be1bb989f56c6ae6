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
 * An empty plain object in V8's dictionary mode (deleting a property that is not the last one
 * puts it there). Built from {} or by Object.fromEntries, each of the first thousand keys of a
 * ConfigMap would get a hidden class of its own, quadratic work that cost a 10,000-line .env
 * 10 ms.
 */
function dictionary(): Record<string, string> {
  const out: Record<string, string> = { first: '', second: '' };
  delete out['first'];
  delete out['second'];
  return out;
}

/** Defined, not assigned: a key may be "__proto__". */
function put(out: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Text goes to `data`; bytes that are not UTF-8 go to `binaryData`, base64 encoded. */
export function buildConfigMap(id: Identity, d: GeneratedData, name = d.name): KubeObject {
  let data: Record<string, string> | undefined;
  let binaryData: Record<string, string> | undefined;
  const keys = sortedKeys(d.data);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = d.data.get(key)!;
    if (typeof value === 'string') put((data ??= dictionary()), key, value);
    else put((binaryData ??= dictionary()), key, base64(value));
  }
  return { ...objectHead('v1', 'ConfigMap', id, name), ...(data ? { data } : {}), ...(binaryData ? { binaryData } : {}) };
}

export function buildSecret(id: Identity, d: GeneratedData, name = d.name): KubeObject {
  const keys = sortedKeys(d.data);
  return {
    ...objectHead('v1', 'Secret', id, name),
    type: d.type ?? 'Opaque',
    ...(keys.length ? { data: encodedData(keys, d.data) } : {}),
  };
}

function encodedData(keys: readonly string[], values: GeneratedData['data']): Record<string, string> {
  const out = dictionary();
  for (let i = 0; i < keys.length; i++) put(out, keys[i]!, base64(values.get(keys[i]!)!));
  return out;
}
