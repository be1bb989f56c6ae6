/**
 * Image-pull credentials: checking docker config files, writing `.dockerconfigjson` the way
 * kubectl does, and predicting which credential the kubelet will pick for an image.
 *
 * Pure: no fs, no process.env. Issues carry line/col inside the checked file but no `file`.
 * No message or hint ever holds a password, token or `auth` value: where the text would show
 * one it says REDACTED, and no code frame is attached (the line could hold the secret).
 *
 * The kubelet rules follow kubernetes/kubernetes pkg/credentialprovider (keyring.go, config.go,
 * secrets/secrets.go), pkg/util/parsers and github.com/distribution/reference (normalize.go,
 * regexp.go), as of Kubernetes 1.33-1.35.
 */
import { Buffer } from 'node:buffer';
import { issue, REDACTED, warning, type Issue } from './errors.js';
import { goJsonString } from './gojson.js';

export type DockerSecretType = 'kubernetes.io/dockerconfigjson' | 'kubernetes.io/dockercfg';

/** What `kubectl create secret docker-registry` writes when no --docker-server is given. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

// ---------------------------------------------------------------------------------------------
// A strict JSON scanner that keeps offsets, so every finding can point at its line and column.

type JsonNode =
  | { kind: 'object'; at: number; members: JsonMember[] }
  | { kind: 'array'; at: number; items: JsonNode[] }
  | { kind: 'string'; at: number; value: string }
  | { kind: 'number' | 'boolean' | 'null'; at: number };

type JsonObject = Extract<JsonNode, { kind: 'object' }>;
type JsonString = Extract<JsonNode, { kind: 'string' }>;

interface JsonMember {
  key: string;
  keyAt: number;
  value: JsonNode;
}

class JsonSyntaxError extends Error {
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
function parseJson(text: string): JsonNode {
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
    if (c === '"') return { kind: 'string', at: i, value: string() };
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const at = i;
      if (!NUMBER.test(text)) fail('invalid number');
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

/** ignoreBOM keeps a byte order mark in the text, so the parser reports it and columns count it. */
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

function positionAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** Byte offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
function invalidUtf8At(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const more = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (more < 0) return i;
    // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= more; k++) {
      const x = bytes[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += more + 1;
  }
  return -1;
}

/** Go's encoding/json matches struct fields case-insensitively, and the last duplicate wins. */
function member(node: JsonNode, name: string): JsonMember | undefined {
  if (node.kind !== 'object') return undefined;
  let found: JsonMember | undefined;
  for (const m of node.members) if (m.key.toLowerCase() === name) found = m;
  return found;
}

// ---------------------------------------------------------------------------------------------
// checkDockerConfig

/**
 * Checks a docker config.json (`kubernetes.io/dockerconfigjson`: `{"auths": {REGISTRY: ENTRY}}`)
 * or a legacy .dockercfg (`kubernetes.io/dockercfg`: `{REGISTRY: ENTRY}`) for what the kubelet
 * needs. The kubelet reads only `username`, `password`, `email` and `auth` of an ENTRY; an `auth`
 * replaces username/password and must be base64 of `user:password`; if it does not decode, the
 * kubelet rejects the whole Secret and every pull of the Pod fails. Everything else in the file
 * (HttpHeaders, psFormat, detachKeys, credsStore, ...) is ignored by the kubelet and fine here.
 *
 * `registries` lists the registry keys in file order (each once).
 */
export function checkDockerConfig(bytes: Uint8Array, type: DockerSecretType): { issues: Issue[]; registries: string[] } {
  const bad = invalidUtf8At(bytes);
  if (bad >= 0) {
    const lineStart = bad === 0 ? 0 : bytes.lastIndexOf(0x0a, bad - 1) + 1;
    const line = bytes.subarray(0, bad).filter((b) => b === 0x0a).length + 1;
    const col = UTF8.decode(bytes.subarray(lineStart, bad)).length + 1;
    return {
      issues: [issue('registry.invalid-utf8', `the docker config is not valid UTF-8 (at byte offset ${bad})`, {
        line, col, hint: 'save the file as UTF-8; a docker config.json written by `docker login` always is, so the file was probably damaged in transfer',
      })],
      registries: [],
    };
  }
  const text = UTF8.decode(bytes);
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { issues: [issue('registry.json-syntax', `the docker config is not valid JSON: ${e.message}`, { ...positionAt(text, e.at), hint: e.hint })], registries: [] };
  }
  return new DockerConfigChecker(text, type).check(root);
}

/** Where a credential lives when the file only names a helper: the registry's own, else the default store. */
interface Store {
  name: string;
  field: 'credsStore' | 'credHelpers';
}

class DockerConfigChecker {
  readonly issues: Issue[] = [];

  constructor(private readonly text: string, private readonly type: DockerSecretType) {}

  private at(offset: number) {
    return positionAt(this.text, offset);
  }

  private error(code: string, message: string, offset: number, hint: string) {
    this.issues.push(issue(code, message, { ...this.at(offset), hint }));
  }

  check(root: JsonNode): { issues: Issue[]; registries: string[] } {
    if (root.kind !== 'object') {
      this.error('registry.not-object', `the docker config must be a JSON object, not ${article(root.kind)}`, root.at,
        this.type === 'kubernetes.io/dockercfg' ? 'a .dockercfg looks like {"registry.example.com": {"auth": "..."}}' : 'a config.json looks like {"auths": {"registry.example.com": {"auth": "..."}}}');
      return { issues: this.issues, registries: [] };
    }
    const registryMap = this.type === 'kubernetes.io/dockerconfigjson' ? this.auths(root) : this.legacyRoot(root);
    if (!registryMap) return { issues: this.issues, registries: [] };

    if (registryMap.members.length === 0) {
      const store = this.storeFor(root);
      this.error('registry.empty-auths',
        store
          ? `the docker config lists no registry: docker keeps the credentials in the credential store "${store.name}" (${store.field}), not in this file, so the kubelet has none to use`
          : 'the docker config lists no registry, so the kubelet has no credential to use',
        registryMap.at, store ? storeHint(undefined) : 'run `docker login REGISTRY` and use the resulting ~/.docker/config.json, or use the secrets.dockerRegistry form of kustz.yml');
      return { issues: this.issues, registries: [] };
    }

    const registries: string[] = [];
    const seen = new Set<string>();
    for (const m of registryMap.members) {
      if (seen.has(m.key)) {
        this.issues.push(warning('registry.duplicate-key', `registry "${m.key}" is listed twice; the kubelet uses the last entry`, { ...this.at(m.keyAt), hint: 'remove one of the two entries' }));
      } else {
        seen.add(m.key);
        registries.push(m.key);
      }
      this.checkKey(m);
      this.checkEntry(m, this.storeFor(root, m.key));
    }
    return { issues: this.issues, registries };
  }

  private auths(root: JsonObject): (JsonObject) | undefined {
    const auths = member(root, 'auths');
    if (auths?.value.kind === 'object') return auths.value;
    if (!auths || auths.value.kind === 'null') {
      const legacy = root.members.some((m) => member(m.value, 'auth') !== undefined);
      this.error('registry.no-auths', auths ? '"auths" is null: the docker config holds no registry credentials' : 'the docker config has no "auths" object, so the kubelet finds no registry credentials in it',
        auths ? auths.keyAt : root.at,
        legacy
          ? 'this looks like a legacy .dockercfg (registries at the top level): use type kubernetes.io/dockercfg, or wrap it as {"auths": {...}}'
          : 'a config.json looks like {"auths": {"registry.example.com": {"auth": "..."}}}; run `docker login REGISTRY` to get one');
      return undefined;
    }
    this.error('registry.auths-not-object', `"auths" must be an object of registries, not ${article(auths.value.kind)}; the kubelet rejects the whole Secret`, auths.value.at,
      'write "auths": {"registry.example.com": {"auth": "..."}}');
    return undefined;
  }

  private legacyRoot(root: JsonObject): (JsonObject) | undefined {
    const auths = member(root, 'auths');
    if (auths?.value.kind === 'object') {
      this.error('registry.wrong-type', 'this is a config.json ({"auths": ...}) but the Secret type is kubernetes.io/dockercfg, which expects the registries at the top level; the kubelet would find a registry named "auths" and no credentials',
        auths.keyAt, 'use type kubernetes.io/dockerconfigjson with the key .dockerconfigjson, or drop the "auths" wrapper');
      return undefined;
    }
    return root;
  }

  /**
   * credHelpers names a helper per registry, credsStore the default for all others; without a
   * registry, any store the file names.
   */
  private storeFor(root: JsonObject, registry?: string): Store | undefined {
    const helpers = member(root, 'credhelpers')?.value;
    const helper = helpers?.kind !== 'object' ? undefined : registry === undefined ? helpers.members[0] : member(helpers, registry.toLowerCase());
    if (helper?.value.kind === 'string') return { name: helper.value.value, field: 'credHelpers' };
    const store = member(root, 'credsstore')?.value;
    if (store?.kind === 'string' && store.value !== '') return { name: store.value, field: 'credsStore' };
    return undefined;
  }

  private checkKey(m: JsonMember) {
    const key = kubeletIndexKey(m.key);
    if (key === undefined) {
      this.error('registry.bad-key', `registry "${m.key}" is not a registry address the kubelet can parse, so it ignores this entry`, m.keyAt,
        'write the registry host, with a port or a path if needed: "registry.example.com", "registry.example.com:5000", "https://index.docker.io/v1/"');
      return;
    }
    const host = key.split('/')[0]!;
    if (host !== host.toLowerCase()) {
      this.issues.push(warning('registry.key-case', `registry "${m.key}" has upper-case letters; the kubelet compares hosts case-sensitively, so it only matches images written with the same case`, {
        ...this.at(m.keyAt), hint: `write it in lower case: "${m.key.toLowerCase()}"`,
      }));
    }
  }

  private checkEntry(m: JsonMember, store: Store | undefined) {
    const where = `the entry for "${m.key}"`;
    const v = m.value;
    if (v.kind !== 'object' && v.kind !== 'null') {
      this.error('registry.entry-not-object', `${where} must be an object, not ${article(v.kind)}; the kubelet rejects the whole Secret`, v.at,
        'write "registry.example.com": {"auth": "..."}');
      return;
    }
    const fields = new Map<string, JsonString>();
    let typesOk = true;
    for (const name of ['username', 'password', 'email', 'auth']) {
      const f = member(v, name);
      if (!f || f.value.kind === 'null') continue;
      if (f.value.kind !== 'string') {
        this.error('registry.field-type', `"${f.key}" in ${where} must be a string, not ${article(f.value.kind)}; the kubelet rejects the whole Secret`, f.value.at, 'quote the value');
        typesOk = false;
      } else if (f.value.value !== '') {
        fields.set(name, f.value);
      }
    }
    if (!typesOk) return;

    const auth = fields.get('auth');
    const username = fields.get('username')?.value;
    const password = fields.get('password')?.value;
    if (auth) {
      this.checkAuth(where, auth, username, password);
    } else if (username !== undefined || password !== undefined) {
      if (username === undefined || password === undefined) {
        const missing = username === undefined ? 'username' : 'password';
        this.error('registry.incomplete-credential', `${where} has a ${missing === 'username' ? 'password' : 'username'} but no ${missing}`, m.keyAt,
          `add "${missing}", or replace both with "auth": base64 of user:password`);
      }
    } else if (member(v, 'identitytoken') || member(v, 'registrytoken')) {
      this.error('registry.token-ignored',
        `${where} has only an identity/registry token: the kubelet reads just auth, username and password from a pull secret and drops tokens, so it would pull without credentials`,
        m.keyAt, 'use a username and password (or an "auth" value) for this registry, e.g. a robot account or access token used as password; or use the secrets.dockerRegistry form of kustz.yml');
    } else if (store) {
      this.error('registry.credential-in-store',
        `${where} holds no credential: docker keeps it in the credential store "${store.name}" (${store.field}) on the machine that ran \`docker login\`, not in this file, so the kubelet cannot use it`,
        m.keyAt, storeHint(m.key));
    } else {
      this.error('registry.empty-entry', `${where} holds no credential (no "auth", no "username"/"password")`, m.keyAt,
        `add "auth": base64 of user:password, or run \`docker login ${m.key}\` again`);
    }
  }

  private checkAuth(where: string, auth: JsonString, username: string | undefined, password: string | undefined) {
    const decoded = goBase64Decode(auth.value);
    const howTo = "auth must be base64 of user:password, e.g. the output of `printf '%s:%s' \"$USER\" \"$PASSWORD\" | base64 -w0`";
    if (decoded === undefined) {
      this.error('registry.auth-not-base64', `"auth" in ${where} is not valid base64 (${REDACTED}); the kubelet rejects the whole Secret and every image pull of the Pod fails`, auth.at, howTo);
      return;
    }
    const text = UTF8.decode(decoded);
    const colon = text.indexOf(':');
    if (colon < 0) {
      this.error('registry.auth-no-colon', `"auth" in ${where} does not decode to user:password (no ':'); the kubelet rejects the whole Secret and every image pull of the Pod fails`, auth.at,
        `${howTo}; a bare token needs the user name the registry expects in front of it`);
      return;
    }
    if (colon === 0) {
      this.error('registry.auth-empty-user', `"auth" in ${where} decodes to an empty user name (${REDACTED}), which registries reject`, auth.at, howTo);
      return;
    }
    if ((username !== undefined && username !== text.slice(0, colon)) || (password !== undefined && password !== text.slice(colon + 1))) {
      this.issues.push(warning('registry.auth-mismatch', `"auth" and "username"/"password" in ${where} disagree; the kubelet uses "auth"`, {
        ...this.at(auth.at), hint: 'remove the stale fields, or recompute auth from the right username and password',
      }));
    }
  }
}

function storeHint(registry: string | undefined): string {
  return `log in with a file store: remove "credsStore" and "credHelpers" from ~/.docker/config.json, run \`docker login${registry ? ` ${registry}` : ''}\` again and check that the entry now has an "auth" value; or use the secrets.dockerRegistry form of kustz.yml with username and password from \${ENV} variables`;
}

function article(kind: JsonNode['kind']): string {
  return { object: 'an object', array: 'an array', string: 'a string', number: 'a number', boolean: 'a boolean', null: 'null' }[kind];
}

/**
 * The kubelet's decoding of `auth`: padded standard base64 when the (trimmed) value ends in
 * '=', unpadded otherwise; Go's decoder skips CR and LF and nothing else.
 */
function goBase64Decode(field: string): Uint8Array | undefined {
  const padded = field.trim().endsWith('=');
  const s = field.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  if (padded ? s.length % 4 !== 0 : s.includes('=') || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64');
}

// ---------------------------------------------------------------------------------------------
// Writing .dockerconfigjson

/**
 * The `.dockerconfigjson` that `kubectl create secret docker-registry` writes, byte for byte for
 * one entry: `{"auths":{SERVER:{"username":U,"password":P,"email":E,"auth":base64(U:P)}}}`,
 * compact, no final newline, empty fields left out (Go's omitempty), server defaulting to
 * Docker Hub. Several entries become several registries in the given order; a later entry for
 * the same server replaces the earlier one where it stood.
 */
export function dockerConfigJson(entries: Array<{ server?: string; username: string; password: string; email?: string }>): string {
  const auths = new Map<string, string>();
  for (const e of entries) {
    const fields: Array<[string, string]> = [
      ['username', e.username],
      ['password', e.password],
      ['email', e.email ?? ''],
      ['auth', Buffer.from(`${e.username}:${e.password}`, 'utf8').toString('base64')],
    ];
    auths.set(e.server || DOCKER_HUB_SERVER, `{${fields.filter(([, v]) => v !== '').map(([k, v]) => `"${k}":${goJsonString(v)}`).join(',')}}`);
  }
  return `{"auths":{${[...auths].map(([server, entry]) => `${goJsonString(server)}:${entry}`).join(',')}}}`;
}

/**
 * A username the registry will see as written. Basic auth sends `user:password` and splits at
 * the first ':', so a ':' in the user name moves the rest into the password.
 */
export function checkRegistryUsername(username: string, field = 'username'): Issue[] {
  if (username === '') {
    return [issue('registry.empty-username', `${field} is empty; registries reject an empty user name`, { path: field, hint: 'set the user name of the registry account (for token logins, the user the registry documents for tokens)' })];
  }
  if (username.includes(':')) {
    return [issue('registry.username-colon', `${field} contains ':', which basic auth cannot carry: the registry would see the user name cut at the ':'`, {
      path: field, hint: 'use a registry account whose name has no ":" (robot accounts such as robot$ci are fine)',
    })];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Image references, as the kubelet normalizes them before looking up credentials

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(
  `^((?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*))` +
    '(?::[\\w][\\w.-]{0,127})?' +
    '(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,}))?$',
);
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export type ImageLookup = { ok: true; host: string; path: string; key: string } | { ok: false; message: string };

/**
 * What the kubelet looks credentials up for: the image's repository with its registry, tag and
 * digest dropped (`parsers.ParseImageName` -> `reference.ParseNormalizedNamed(image).Name()`).
 *
 *     reference  = name [ ":" tag ] [ "@" digest ]
 *     name       = [ domain "/" ] component *( "/" component )     ; at most 255 characters
 *     domain     = ( label *( "." label ) | "[" IPv6 "]" ) [ ":" 1*DIGIT ]
 *     label      = [a-zA-Z0-9] | [a-zA-Z0-9] *[a-zA-Z0-9-] [a-zA-Z0-9]
 *     component  = 1*[a-z0-9] *( ( "." | "_" | "__" | 1*"-" ) 1*[a-z0-9] )
 *     tag        = [A-Za-z0-9_] 0*127[A-Za-z0-9_.-]
 *     digest     = algorithm ":" hex                               ; sha256: 64 lower-case hex
 *
 * The first component is the registry when there is a second one and it contains '.' or ':',
 * is `localhost`, or has an upper-case letter; otherwise the registry is Docker Hub
 * (`docker.io`), where a one-component name gets `library/`. `index.docker.io` becomes
 * `docker.io`. The repository path must be lower case.
 */
export function imageLookup(image: string): ImageLookup {
  const fail = (why: string): ImageLookup => ({ ok: false, message: `image "${image}" ${why}` });
  if (image === '') return { ok: false, message: 'the image is empty' };
  if (/^[a-f0-9]{64}$/.test(image)) return fail('is a bare image ID (64 hex digits), not a name the kubelet can pull');
  const [domain, remainder] = splitDockerDomain(image);
  const repository = remainder.split(':')[0]!;
  if (repository !== repository.toLowerCase()) return fail(`is not a valid reference: the repository name "${repository}" must be lower case`);
  const m = REFERENCE.exec(`${domain}/${remainder}`);
  if (!m) {
    return fail(/\s/.test(image)
      ? 'is not a valid reference: it contains whitespace'
      : 'is not a valid reference: expected [registry[:port]/]name[:tag][@sha256:digest] with a lower-case name');
  }
  const [, name, host, path, algorithm, hex] = m;
  if (name!.length > 255) return fail('is not a valid reference: the repository name is longer than 255 characters');
  if (algorithm !== undefined) {
    const length = Object.hasOwn(DIGEST_HEX_LENGTH, algorithm) ? DIGEST_HEX_LENGTH[algorithm] : undefined;
    if (length === undefined) return fail(`has an invalid digest: the kubelet knows no algorithm "${algorithm}" (use sha256)`);
    if (hex!.length !== length || hex !== hex!.toLowerCase()) return fail(`has an invalid digest: ${algorithm} needs ${length} lower-case hex digits`);
  }
  return { ok: true, host: host!, path: path!, key: name! };
}

function splitDockerDomain(image: string): [domain: string, remainder: string] {
  const slash = image.indexOf('/');
  let [domain, remainder] = ['docker.io', image];
  if (slash >= 0) {
    const first = image.slice(0, slash);
    if (first === 'localhost' || /[.:]/.test(first) || first !== first.toLowerCase()) [domain, remainder] = [first, image.slice(slash + 1)];
    if (first === 'index.docker.io') domain = 'docker.io';
  }
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  return [domain, remainder];
}

// ---------------------------------------------------------------------------------------------
// The kubelet's credential matching (pkg/credentialprovider/keyring.go)

/**
 * The index key the kubelet files a registry entry under (BasicDockerKeyring.Add), or undefined
 * when Go's url.Parse rejects it and the kubelet ignores the entry:
 *
 *     entry = [ "https://" | "http://" ] host [ ":" port ] [ path ] [ "?" ... ] [ "#" ... ]
 *
 * The scheme and query go; a path starting with "/v1/" or "/v2/" loses that prefix; a path of
 * "/" goes. So `https://index.docker.io/v1/` files as `index.docker.io` and
 * `https://ghcr.io/v2/acme` as `ghcr.io/acme`; the case is kept.
 */
function kubeletIndexKey(entry: string): string | undefined {
  const url = parseSchemeless(/^https?:\/\//.test(entry) ? entry.slice(entry.indexOf('//') + 2) : entry);
  if (!url) return undefined;
  let path = url.path;
  if (path.startsWith('/v1/') || path.startsWith('/v2/')) path = path.slice(3);
  return path !== '' && path !== '/' ? url.host + path : url.host;
}

/**
 * `https://` + value through Go's url.Parse, reduced to what the kubelet uses: the host (with
 * port) and the path. Characters Go refuses in a host and a non-numeric port make it invalid, and
 * so does an empty host, which Go accepts but which matches no image.
 */
function parseSchemeless(value: string): { host: string; path: string } | undefined {
  const end = value.search(/[?#]/);
  const noQuery = end < 0 ? value : value.slice(0, end);
  const slash = noQuery.indexOf('/');
  const host = slash < 0 ? noQuery : noQuery.slice(0, slash);
  const path = slash < 0 ? '' : noQuery.slice(slash);
  if (host === '' || /[^A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"\u0080-\uffff]/.test(host)) return undefined;
  let port = '';
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return undefined;
    port = host.slice(close + 1);
  } else if (host.includes(':')) {
    port = host.slice(host.lastIndexOf(':'));
  }
  if (port !== '' && !/^:[0-9]*$/.test(port)) return undefined;
  return { host, path };
}

/** Go's net.SplitHostPort, falling back to the whole host and no port, as the kubelet does. */
function splitHostPort(host: string): { labels: string[]; port: string } {
  const m = /^\[([^\]]*)\]:([^:]*)$/.exec(host) ?? /^([^:[\]]*):([^:[\]]*)$/.exec(host);
  return m ? { labels: m[1]!.split('.'), port: m[2]! } : { labels: host.split('.'), port: '' };
}

/**
 * URLsMatch: same port (no default-port equivalence), same number of dot-separated labels, each
 * label matching its glob (Go's filepath.Match), and the key's path a plain string prefix of the
 * image's path: `ghcr.io/acme` also matches `ghcr.io/acme-labs/app`. Case counts everywhere.
 */
function urlsMatch(glob: string, target: string): boolean {
  const g = parseSchemeless(glob);
  const t = parseSchemeless(target);
  if (!g || !t) return false;
  const gh = splitHostPort(g.host);
  const th = splitHostPort(t.host);
  if (gh.port !== th.port || gh.labels.length !== th.labels.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  return gh.labels.every((label, k) => globMatch(label, th.labels[k]!));
}

/**
 * Go's filepath.Match for one host label, as far as a label can reach it: url.Parse has already
 * cut at a '?' (a query) and refused a '\\' in the host, so only these remain; a malformed
 * pattern matches nothing:
 *
 *     pattern = *( "*" | class | char )               ; "*" matches any run of characters
 *     class   = "[" [ "^" ] 1*( c [ "-" c ] ) "]"     ; c = any character but "-" and "]"
 */
function globMatch(pattern: string, name: string): boolean {
  const lit = (ch: string) => `\\u{${ch.codePointAt(0)!.toString(16)}}`;
  const chars = [...pattern];
  let re = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') re += '.*';
    else if (c !== '[') re += lit(c);
    else {
      const negated = chars[i + 1] === '^';
      i += negated ? 2 : 1;
      let ranges = '';
      for (let first = true; first || chars[i] !== ']'; first = false) {
        const lo = chars[i];
        if (lo === undefined || lo === '-' || lo === ']') return false;
        let hi = lo;
        i++;
        if (chars[i] === '-') {
          const end = chars[i + 1];
          if (end === undefined || end === '-' || end === ']') return false;
          hi = end;
          i += 2;
        }
        // Go accepts a reversed range and it matches nothing; a JavaScript class would throw.
        if (lo.codePointAt(0)! <= hi.codePointAt(0)!) ranges += `${lit(lo)}-${lit(hi)}`;
      }
      re += `[${negated ? '^' : ''}${ranges}]`;
    }
  }
  return new RegExp(`^${re}$`, 'su').test(name);
}

function keyMatchesLookup(authsKey: string, look: Extract<ImageLookup, { ok: true }>): boolean {
  const key = kubeletIndexKey(authsKey);
  if (key === undefined) return false;
  if (urlsMatch(key, look.key)) return true;
  // Lookup's fallback: entries filed as index.docker.io serve any image whose first component
  // has no '.' or ':' (isDefaultRegistryMatch), which includes localhost/... images.
  return key === 'index.docker.io' && (look.host === 'docker.io' || !/[.:]/.test(look.host));
}

/**
 * Whether the kubelet would hand the credential under `authsKey` (a key of `auths`, as written
 * in the file) to the runtime when pulling `image`. Docker Hub images match `docker.io` keys
 * directly and `index.docker.io` keys (`https://index.docker.io/v1/` included) through the
 * kubelet's fallback; `registry-1.docker.io` does not match them.
 */
export function credentialKeyMatches(authsKey: string, image: string): boolean {
  const look = imageLookup(image);
  return look.ok && keyMatchesLookup(authsKey, look);
}

/**
 * Warnings about a container's pull secrets. A name in imagePullSecrets that kustz does not
 * generate is taken to exist in the cluster. An image that is not a valid reference is left to
 * the image check.
 */
export function lintPullSecrets(input: { image: string; imagePullSecrets: string[]; generated: Array<{ name: string; registries: string[] }> }): Issue[] {
  const issues: Issue[] = [];
  const named = new Set(input.imagePullSecrets);
  const used = input.generated.filter((g) => named.has(g.name));
  const look = imageLookup(input.image);
  if (used.length > 0 && look.ok) {
    const keys = used.flatMap((g) => g.registries);
    if (!keys.some((k) => keyMatchesLookup(k, look))) {
      const secrets = used.map((g) => `"${g.name}"`).join(', ');
      const seen = keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'no registries';
      issues.push(warning('registry.no-matching-credential',
        `no credential in the pull secret${used.length > 1 ? 's' : ''} ${secrets} matches image "${input.image}": the kubelet looks up "${look.key}" and the secret${used.length > 1 ? 's list' : ' lists'} ${seen}, so the image is pulled without credentials`,
        { hint: look.host === 'docker.io'
          ? 'add an entry for Docker Hub ("https://index.docker.io/v1/", the default server) to the registry Secret'
          : `add an entry for "${look.host}" to the registry Secret (the host exactly as in the image, port included), or fix the image's registry` }));
    }
  }
  for (const g of input.generated) {
    if (!named.has(g.name)) {
      issues.push(warning('registry.unused-pull-secret', `registry Secret "${g.name}" is generated but no imagePullSecrets entry names it, so the kubelet never uses it`, {
        hint: `add "${g.name}" to service.imagePullSecrets, or remove the registry Secret`,
      }));
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// ${NAME} references in credential fields

const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * A credential field's value. A reference is the whole value:
 *
 *     reference = "${" NAME "}"        NAME = [A-Za-z_] *[A-Za-z0-9_]
 *
 * and expands to the variable, which must be set and non-empty. A password must be a reference,
 * since kustz.yml is committed; with `allowLiteral` (user names) any value without "${" is kept
 * as it is, so `robot$ci` stays a literal. The value is never shown.
 */
export function expandCredential(
  value: string,
  env: Record<string, string | undefined>,
  field: string,
  allowLiteral = false,
): { value?: string; issues: Issue[] } {
  const ref = WHOLE_REFERENCE.exec(value);
  if (!ref) {
    if (allowLiteral && !value.includes('${')) return { value, issues: [] };
    const example = `${field}: \${REGISTRY_${field.replace(/\W+/g, '_').toUpperCase()}}`;
    if (value.includes('${') || /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
      return { issues: [issue('registry.bad-reference', `${field} is not a \${NAME} reference (${REDACTED}): a reference must be the whole value, with braces, NAME made of letters, digits and '_'`, {
        path: field, hint: `write \`${example}\``,
      })] };
    }
    return { issues: [issue('registry.literal-password', `${field} holds a literal secret (${REDACTED}); kustz.yml is committed, so credentials must come from the environment`, {
      path: field, hint: `store it in an environment variable and write \`${example}\`; never echo the value, and rotate it if kustz.yml was already committed`,
    })] };
  }
  const name = ref[1]!;
  // Own properties only: `${constructor}` or `${__proto__}` must not reach Object.prototype.
  const expanded = Object.hasOwn(env, name) ? env[name] : undefined;
  if (expanded === undefined) {
    return { issues: [issue('registry.unset-variable', `${field} refers to \${${name}}, but the environment variable ${name} is not set`, {
      path: field, hint: `export ${name} before running kustz (in CI, from the CI's secret store)`,
    })] };
  }
  if (expanded === '') {
    return { issues: [issue('registry.empty-variable', `${field} refers to \${${name}}, which is set but empty`, { path: field, hint: `give ${name} the registry ${field}` })] };
  }
  return { value: expanded, issues: [] };
}
