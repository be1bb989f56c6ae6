/**
 * JSON exactly as Go's encoding/json.Marshal writes it, for bytes that must match what
 * kubectl and kustomize produce (registry config.json, kustomize's name hashes).
 */

const GO_SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' };

/**
 * A string as Go (1.22+) encoding/json.Marshal writes it: HTML-safe (`<` `>` `&` as \u003c
 * \u003e \u0026), U+2028/U+2029 escaped for JavaScript, \b \f \n \r \t short, other controls as
 * \u00XX, DEL and all other characters raw. A lone surrogate becomes U+FFFD, as its UTF-8
 * encoding does when the same string is handed to kubectl.
 */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20) out += GO_SHORT_ESCAPES[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
    else if (ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** A value of strings, string maps and lists as json.Marshal writes it: compact, map keys in byte order. */
export function goJsonMarshal(value: unknown): string {
  if (typeof value === 'string') return goJsonString(value);
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${goJsonString(k)}:${goJsonMarshal((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
