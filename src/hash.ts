/**
 * kustomize's name suffixes: a ConfigMap or Secret marked `needs-hash` gets `-<hash of its
 * content>` appended to its name and every reference to it follows, so that a change to the
 * data gives new names and rolls the Pods. The hash is kustomize's own (api/hasher), byte for
 * byte, so `kustz render --hash` and a kustomize build of `kustz kustomize --hash` agree.
 */
import { orderedRecord } from './build/data.js';
import { goJsonMarshal } from './gojson.js';
import { sha256Hex } from './sha256.js';
import type { KubeObject } from './types.js';
import { keyOrder } from './yaml/write.js';

/** What kustomize looks for on generated objects; it appends the hash and drops the mark. */
export const NEEDS_HASH_ANNOTATION = 'kustomize.config.k8s.io/needs-hash';

/** How many characters of the content's SHA-256 kustomize's hash keeps (see kustomizeHash). */
const HASH_LENGTH = 10;
/** What the suffix adds to a name: "-" and the hash. */
export const HASH_SUFFIX_LENGTH = HASH_LENGTH + 1;

/**
 * api/hasher Hash: sha256 over the JSON of kind, name and data (plus binaryData for a
 * ConfigMap, type for a Secret); an absent field counts as ""; the first 10 hex digits with
 * 0 1 3 a e replaced (kubectl's trick against words in names). The name is always "": kustomize
 * looks it up as one key "metadata/name", which no object has (measured on v5.5, same in v5.7).
 * A Secret is hashed as kustomize's generator holds it (see asKustomizeSecret).
 */
export function kustomizeHash(o: KubeObject): string {
  const fields: Record<string, unknown> =
    o.kind === 'Secret'
      ? { kind: 'Secret', type: o['type'] ?? '', name: '', data: asKustomizeSecret(o)['data'] }
      : { kind: 'ConfigMap', name: '', data: o['data'] ?? '', ...(o['binaryData'] ? { binaryData: o['binaryData'] } : {}) };
  const hex = sha256Hex(goJsonMarshal(fields));
  return hex.slice(0, HASH_LENGTH).replace(/[013ae]/g, (c) => ({ '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' })[c]!);
}

/**
 * Does kustomize's job for the objects marked `needs-hash` that `pick` accepts: appends the
 * hash to their names, removes the mark, and rewrites every reference kustz writes to them.
 */
export function appendHashSuffixes(objects: readonly KubeObject[], pick: (o: KubeObject) => boolean = () => true): KubeObject[] {
  const renames = new Map<string, string>();
  const suffixed = objects.map((o) => {
    if (o.metadata.annotations?.[NEEDS_HASH_ANNOTATION] !== 'true' || !pick(o)) return o;
    const plain = withoutNeedsHash(o);
    const name = `${o.metadata.name}-${kustomizeHash(plain)}`;
    renames.set(`${o.kind}/${o.metadata.name}`, name);
    return { ...plain, metadata: { ...plain.metadata, name } };
  });
  return renames.size ? suffixed.map((o) => rewriteReferences(o, renames)) : suffixed;
}

function withoutNeedsHash(o: KubeObject): KubeObject {
  const { annotations = {}, ...metadata } = o.metadata;
  const { [NEEDS_HASH_ANNOTATION]: _mark, ...rest } = annotations;
  return { ...o, metadata: { ...metadata, ...(Object.keys(rest).length ? { annotations: rest } : {}) } };
}

interface Named {
  name: string;
}
interface PodSpec {
  containers: Array<{ envFrom?: Array<{ configMapRef?: Named; secretRef?: Named }> }>;
  imagePullSecrets?: Named[];
}

/** The references kustz writes: envFrom, imagePullSecrets, and an Ingress's TLS secrets. */
function rewriteReferences(o: KubeObject, renames: ReadonlyMap<string, string>): KubeObject {
  const follow = (kind: string, ref: Named | undefined) => {
    if (ref) ref.name = renames.get(`${kind}/${ref.name}`) ?? ref.name;
  };
  const copy = structuredClone(o);
  if (copy.kind === 'Deployment') {
    const pod = (copy as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
    for (const c of pod.containers) {
      for (const e of c.envFrom ?? []) {
        follow('ConfigMap', e.configMapRef);
        follow('Secret', e.secretRef);
      }
    }
    for (const s of pod.imagePullSecrets ?? []) follow('Secret', s);
  } else if (copy.kind === 'Ingress') {
    for (const t of (copy as unknown as { spec: { tls?: Array<{ secretName: string }> } }).spec.tls ?? []) {
      t.secretName = renames.get(`Secret/${t.secretName}`) ?? t.secretName;
    }
  }
  return copy;
}

/**
 * A Secret as kustomize's secretGenerator makes it: `data` present even when empty, base64 as
 * kyaml's encodeBase64 writes it (from 70 characters on, lines of 70 each ending in a newline;
 * decoders skip them). kustomize hashes that text, so a Secret handed to it in this form gets the
 * suffix kustomizeHash gives.
 */
export function asKustomizeSecret(o: KubeObject): KubeObject {
  if (o.kind !== 'Secret') return o;
  const lines = (base64: string) => {
    const flat = base64.replace(/\s/g, '');
    return flat.length < 70 ? flat : flat.match(/.{1,70}/g)!.map((line) => `${line}\n`).join('');
  };
  const data = (o['data'] ?? {}) as Record<string, string>;
  const keys = keyOrder(data);
  return { ...o, data: orderedRecord(keys, keys.map((key) => lines(data[key]!))) };
}

/** Asks kustomize (or appendHashSuffixes) for a hash suffix on this object's name. */
export function markNeedsHash(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [NEEDS_HASH_ANNOTATION]: 'true' } } };
}
