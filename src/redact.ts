/**
 * Credentials never reach a diff (SPEC 4.4): before two manifests are compared, every value a
 * Secret holds is cut out of the text. The text around it stays byte-for-byte, so the diff
 * still points at the right lines.
 */
import type { Node, YAMLMap } from 'yaml';
import { REDACTED } from './errors.js';
import { documentTooLarge, yamlLib } from './yaml/lib.js';

/** Shown on the expected side where a Secret value differs from the one on disk. */
export const REDACTED_CHANGED = '<redacted: changed>';

/** Shown instead of a file that does not parse: nothing in it can be told apart from a credential. */
export const UNPARSEABLE = '# <content not shown: not valid YAML, and it may hold credentials>\n';

/** Shown instead of a file whose YAML would not fit the heap (documentTooLarge): it cannot be read to cut its credentials out. */
export const TOO_LARGE = '# <content not shown: too large to read here, and it may hold credentials>\n';

/** Annotation where `kubectl apply` keeps a copy of the whole object, Secret data included. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** One Secret value in a text: where it sits, and what it is (compared, never shown). */
interface SecretValue {
  /** `namespace/name`, the field and the key: the same value in two versions of a file. */
  id: string;
  start: number;
  end: number;
  value: string;
}

/**
 * Both sides of a diff with their Secret values replaced by `<redacted>`. A value that differs
 * between the two (same Secret, same key) becomes `<redacted: changed>` on the expected side,
 * so the diff still says that a credential changed, and where.
 */
export function redactSecrets(current: string, expected: string): { current: string; expected: string } {
  const before = secretValues(current);
  const after = secretValues(expected);
  const old = new Map((typeof before === 'string' ? [] : before).map((v) => [v.id, v.value]));
  return {
    current: typeof before === 'string' ? before : replace(current, before, () => REDACTED),
    expected: typeof after === 'string' ? after : replace(expected, after, (v) => (old.has(v.id) && old.get(v.id) !== v.value ? REDACTED_CHANGED : REDACTED)),
  };
}

/** Every Secret value in a multi-document YAML text; what to show instead where it cannot be read. */
function secretValues(text: string): SecretValue[] | typeof UNPARSEABLE | typeof TOO_LARGE {
  if (documentTooLarge(text, 'the output')) return TOO_LARGE;
  const { isMap, parseAllDocuments, visit } = yamlLib();
  const out: SecretValue[] = [];
  for (const doc of parseAllDocuments(text, { logLevel: 'error' })) {
    if (doc.errors.length) return UNPARSEABLE;
    visit(doc, {
      Map(_, map) {
        if (map.get('kind') !== 'Secret') return undefined;
        const metadata = map.get('metadata', true);
        const name = isMap(metadata) ? `${metadata.get('namespace') ?? ''}/${metadata.get('name') ?? ''}` : '/';
        for (const field of ['data', 'stringData']) collect(out, `${name} ${field}`, map.get(field, true), text);
        const annotations = isMap(metadata) ? metadata.get('annotations', true) : undefined;
        if (isMap(annotations)) collect(out, `${name} ${LAST_APPLIED}`, annotations.get(LAST_APPLIED, true), text);
        // A Secret nested in a Secret is not a thing; skipping keeps the cuts from overlapping.
        return visit.SKIP;
      },
    });
  }
  return out;
}

/** A map's values one by one (so unchanged keys stay quiet in the diff), anything else whole. */
function collect(out: SecretValue[], id: string, node: unknown, text: string): void {
  const { isMap, isScalar } = yamlLib();
  if (isMap(node)) {
    for (const pair of (node as YAMLMap<unknown, unknown>).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      collect(out, `${id} ${key}`, pair.value, text);
    }
    return;
  }
  const range = (node as Node | null | undefined)?.range;
  if (!range) return;
  let end = range[1];
  // A block scalar's range takes its final line break; the line structure must stay.
  while (end > range[0] && /[\r\n]/.test(text[end - 1]!)) end--;
  // Compared whole, so that a change in trailing line breaks still counts as a change.
  out.push({ id, start: range[0], end, value: text.slice(range[0], range[1]) });
}

function replace(text: string, values: readonly SecretValue[], by: (v: SecretValue) => string): string {
  let out = '';
  let at = 0;
  for (const v of [...values].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, v.start) + by(v);
    at = v.end;
  }
  return out + text.slice(at);
}
