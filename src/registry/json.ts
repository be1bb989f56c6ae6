/**
 * A strict JSON scanner that keeps offsets, so that every finding in a docker config can point
 * at its line and column. Go's encoding/json is what the kubelet reads pull secrets with, so
 * this takes what it takes and nothing more.
 */

export type JsonNode =
  | { kind: 'object'; at: number; members: JsonMember[] }
  | { kind: 'array'; at: number; items: JsonNode[] }
  | { kind: 'string'; at: number; end: number; value: string }
  | { kind: 'number' | 'boolean' | 'null'; at: number };

export type JsonObject = Extract<JsonNode, { kind: 'object' }>;
export type JsonString = Extract<JsonNode, { kind: 'string' }>;

export interface JsonMember {
  key: string;
  keyAt: number;
  value: JsonNode;
}

export class JsonSyntaxError extends Error {
  constructor(readonly at: number, message: string, readonly hint: string) {
    super(message);
  }
}

const STRICT_JSON_HINT = 'the file must be strict JSON: double-quoted names and strings, no comments, no trailing commas';
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const MAX_DEPTH = 1000;

/**
 * RFC 8259 JSON, nothing more (what Go's encoding/json accepts, which is what the kubelet uses):
 *
 *     document = ws value ws                      ; nothing may follow
 *     value    = object | array | string | number | "true" | "false" | "null"
 *     object   = "{" ws [ member *( ws "," ws member ) ] ws "}"
 *     member   = string ws ":" value
 *     array    = "[" ws [ value *( ws "," ws value ) ] ws "]"
 *     string   = '"' *( unescaped | "\" ( ["\/bfnrt] | "u" 4HEXDIG ) ) '"'   ; no raw U+0000-U+001F
 *     number   = [ "-" ] ( "0" | [1-9] *DIGIT ) [ "." 1*DIGIT ] [ [eE] [+-] 1*DIGIT ]
 *     ws       = *( " " | TAB | LF | CR )
 *
 * Offsets are UTF-16 indexes into `text`. Duplicate names are kept, in order.
 */
export function parseJson(text: string): JsonNode {
  let i = 0;
  let depth = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (expected: string, hint = STRICT_JSON_HINT): never => {
    throw new JsonSyntaxError(i, `${expected}, found ${describeAt(text, i)}`, hint);
  };

  const value = (): JsonNode => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
      const node = c === '{' ? object() : array();
      depth--;
      return node;
    }
    if (c === '"') {
      const at = i;
      const text = string();
      return { kind: 'string', at, end: i, value: text };
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const at = i;
      if (!NUMBER.test(text)) fail('invalid number');
      // Go decodes a number into a float64, and one beyond its range fails the whole decode.
      if (!Number.isFinite(Number(text.slice(at, NUMBER.lastIndex)))) {
        throw new JsonSyntaxError(at, `the number ${text.slice(at, Math.min(NUMBER.lastIndex, at + 40))} is too large for a float64, which Go's JSON decoder (the API server's, the kubelet's) refuses`, 'write a smaller number, or remove the field: the kubelet reads only the registries\' credentials');
      }
      i = NUMBER.lastIndex;
      return { kind: 'number', at };
    }
    for (const [word, kind] of [['true', 'boolean'], ['false', 'boolean'], ['null', 'null']] as const) {
      if (text.startsWith(word, i)) {
        const at = i;
        i += word.length;
        return { kind, at };
      }
    }
    if (c === "'") fail('expected a JSON value', 'JSON strings use double quotes, not single quotes');
    if (c === '/' || c === '#') fail('expected a JSON value', 'JSON has no comments: remove it');
    if (i === 0 && c === '\ufeff') fail('expected a JSON value', 'save the file as UTF-8 without a byte order mark');
    if (i >= text.length && text.trim() === '') fail('expected a JSON value', 'the file is empty: it should hold the content of ~/.docker/config.json');
    return fail('expected a JSON value');
  };

  const string = (): string => {
    const start = i++;
    let out = '';
    let run = i;
    for (;;) {
      if (i >= text.length) {
        i = start;
        fail('unterminated string', 'close the string with a double quote');
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(run, i++);
        return out;
      }
      if (c < 0x20) {
        fail('raw control character inside a string',
          'a line break or tab inside a value is usually a copy/paste mistake: join the line, or write it as \\n or \\t');
      }
      if (c === 0x5c) {
        out += text.slice(run, i);
        const e = text[i + 1];
        const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('invalid escape sequence', 'inside a JSON string a backslash must start \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX');
        }
        run = i;
        continue;
      }
      i++;
    }
  };

  const object = (): JsonNode => {
    const at = i++;
    const members: JsonMember[] = [];
    ws();
    if (text[i] === '}') {
      i++;
      return { kind: 'object', at, members };
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail("expected '\"' to start a member name", 'member names are double-quoted strings');
      const keyAt = i;
      const key = string();
      ws();
      if (text[i] !== ':') fail("expected ':' after the member name");
      i++;
      members.push({ key, keyAt, value: value() });
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', at, members };
      }
      if (text[i] !== ',') fail("expected ',' or '}' after an object member", "separate members with ','; a missing comma between two lines is the usual cause");
      const comma = i++;
      ws();
      if (text[i] === '}') {
        i = comma;
        fail("expected another member after ','", "remove the trailing ',': JSON allows none before '}'");
      }
    }
  };

  const array = (): JsonNode => {
    const at = i++;
    const items: JsonNode[] = [];
    ws();
    if (text[i] === ']') {
      i++;
      return { kind: 'array', at, items };
    }
    for (;;) {
      items.push(value());
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', at, items };
      }
      if (text[i] !== ',') fail("expected ',' or ']' after an array element");
      const comma = i++;
      ws();
      if (text[i] === ']') {
        i = comma;
        fail("expected another element after ','", "remove the trailing ',': JSON allows none before ']'");
      }
    }
  };

  const root = value();
  ws();
  if (i < text.length) {
    const rest = text.slice(i).trim();
    // `cat ~/.docker/config.json` on a file without a final newline glues the prompt to the '}'.
    const prompt = /^[#$%>]|[#$%>]$/.test(rest);
    fail(root.kind === 'object' ? "unexpected text after the closing '}'" : 'unexpected text after the JSON value',
      prompt
        ? "remove everything after the closing '}': it looks like a shell prompt copied along with the file"
        : "remove everything after the closing '}': the file must hold exactly one JSON object");
  }
  return root;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Names the character at `i` without quoting anything that could be part of a secret. */
function describeAt(text: string, i: number): string {
  if (i >= text.length) return 'the end of the file';
  const c = text.codePointAt(i)!;
  const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === 0xfeff) return `a byte order mark (${hex})`;
  if (c < 0x20 || c === 0x7f) return `a control character (${hex})`;
  const ch = String.fromCodePoint(c);
  if ('{}[]:,"\'#/\\$%>'.includes(ch)) return `'${ch}'`;
  return /[A-Za-z0-9]/.test(ch) ? 'a letter or digit' : 'another character';
}


export function positionAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, col: offset - lineStart + 1 };
}


/**
 * Every member `name` (lower case) matches as Go's encoding/json matches a field: ignoring case,
 * with Unicode's simple folding (the long s "ſ" is an "s"; toLowerCase already folds the Kelvin
 * sign). Go decodes each of them in turn, as goString and goMap describe.
 */
export function members(node: JsonNode, name: string): JsonMember[] {
  if (node.kind !== 'object') return [];
  return node.members.filter((m) => m.key.toLowerCase().replace(/\u017f/g, 's') === name);
}

/**
 * A string field as Go decodes it: each member in turn, a string replacing the value, a null
 * leaving it as it was. `wrong`: members of another kind, each a type error that fails the
 * whole decode, even where a later member is right.
 */
export function goString(node: JsonNode, name: string): { value?: JsonString; wrong: JsonMember[] } {
  let value: JsonString | undefined;
  const wrong: JsonMember[] = [];
  for (const m of members(node, name)) {
    if (m.value.kind === 'string') value = m.value;
    else if (m.value.kind !== 'null') wrong.push(m);
  }
  return { ...(value ? { value } : {}), wrong };
}

/**
 * A map field as Go decodes it: each member in turn, an object adding its members to the map
 * (a key already there gets the later value), a null emptying it (to nil). `entries`: the
 * members put into the map since it was last emptied, in order, or undefined while it is nil;
 * `dropped`: the ones a null emptied away, which Go decoded all the same; `cleared`: the null
 * that did; `wrong`: members neither object nor null, each a type error that fails the decode.
 */
export interface GoMap {
  entries?: JsonMember[];
  dropped: JsonMember[];
  cleared?: JsonMember;
  wrong: JsonMember[];
}

export function goMap(node: JsonNode, name: string): GoMap {
  const map: GoMap = { dropped: [], wrong: [] };
  for (const m of members(node, name)) {
    if (m.value.kind === 'object') {
      (map.entries ??= []).push(...m.value.members);
    } else if (m.value.kind === 'null') {
      map.dropped.push(...(map.entries ?? []));
      delete map.entries;
      map.cleared = m;
    } else {
      map.wrong.push(m);
    }
  }
  return map;
}
