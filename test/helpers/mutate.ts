/**
 * Seeded input mutation for the fuzz test: a small PRNG (so a case number always means the same
 * input, on every machine and Node version) and byte-level edits that mimic what people and
 * tools do to kustz.yml, .env files and docker config.json: typos, lost or doubled lines, pasted
 * YAML tokens, wrong indentation, broken encodings.
 */
import { Buffer } from 'node:buffer';

/** mulberry32: 32 bits of state, good enough to spread mutations, identical everywhere. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** A seed per case, so that case i is the same input whatever the number of cases run. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

export type InputKind = 'yaml' | 'env' | 'json' | 'other';

export function inputKind(file: string): InputKind {
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/\.env$/.test(file)) return 'env';
  if (/\.json$|\.dockercfg$|docker/.test(file)) return 'json';
  return 'other';
}

const CHARS = [
  ' ', ' ', '\t', '\n', '\r', ':', '-', '?', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`',
  '=', '/', '\\', '.', '$', '~', '<', '_', '+', '0', '1', '9', 'a', 'Z', 'y', 'n', 'é', '\u00a0', '\u2028', '\ufeff',
  '\u0000', '\u001b', '\u007f', '\u0085', '\u202e', '💥',
];

/** Bytes that are not UTF-8 on their own: a lone continuation byte, a truncated sequence, 0xff. */
const BAD_BYTES = [[0x80], [0xc3], [0xe2, 0x82], [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80]];

const COMMON_TOKENS = [
  '0', '-1', '1', '65535', '65536', '2147483648', '99999999999999999999', '1.5', '0.5', '1e3', '1e999', '.inf', '-.inf', '.nan',
  '0x1F', '0o17', '017', '08', '1_000', '0b101', '2001-12-14', '1:20', 'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'Y',
  'null', '~', '/', '//', '../', '../../etc/passwd', '/etc/passwd', '/dev/zero', '.', '..', '${HOME}', '$HOME', '${REGISTRY_PASSWORD}',
  '${}', '${1}', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '${constructor}', '${__proto__}',
  '1constructor', '1__proto__', '@constructor:0123456789abcdef0123456789abcdef', 'a'.repeat(64), 'b'.repeat(254),
  'A_B', 'a.b', 'a_b', 'A-b', 'X_Token', '1A', '-', '--', 'é', '\u2028', '\ufeff', '\u0000', '\u001b[31m', '\n::error::x\n',
];

const YAML_TOKENS = [
  ': ', '- ', '? ', '---\n', '...\n', '&a ', '*a', '&a', '*b', '!!str ', '!!binary ', '!!int ', '!!float ', '!!bool ', '!!null ',
  '!!map ', '!!seq ', '!!set ', '!!omap ', '!!timestamp ', '!custom ', '!<tag:yaml.org,2002:str> ', '<<: ', '<<: *a', '{', '}', '[', ']',
  ', ', '#', ' #', '|', '>', '|-', '>+', '|2', '"', "'", '\\', '"\\x', '"\\u', '%YAML 1.1\n', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n',
  '\t', '  ', '    ', '{a: 1}', '[a, b]', '[]', '{}', '""', "''", '"\\n"', '"a\\nb"', '"\\u202e"', '"\\ud800"', '"\\x1b[2J"',
  'apiVersion: kustz/v1', 'apiVersion: v2', 'name: ', 'namespace: ', 'service:', 'image: ', 'ports: ', 'replicas: ',
  'imagePullPolicy: ', 'imagePullSecrets: ', 'envs:', 'pairs:', 'files:', 'configmaps:', 'secrets:', 'resources:', 'probes:',
  'liveness:', 'readiness:', 'startup:', 'action: ', 'headers:', 'dns:', 'policy: None', 'policy: Default', 'config:',
  'nameservers:', 'searches:', 'options:', 'ingress:', 'annotations:', 'rules:', 'literals:', 'dockerRegistry:', 'type: ',
  'server: ', 'username: ', 'password: ', 'email: ', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg',
  'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/service-account-token', 'Opaque', 'hugepages-2Mi',
  'hugepages-1Gi', 'nvidia.com/gpu', 'example.com/foo', 'cpu', 'memory', 'ephemeral-storage', '10m', '1Gi', '3Mi', '1/2', '/1',
  '2/', '0.5/1', 'udp://', 'sctp://', 'tcp://', 'http://', 'https://', 'grpc://', 'ftp://', '!', ':true', ':false', ':maybe',
  '?tls=', '&svc=', 'svc=', 'tls=', '?x=1', '*', '*.', '%2f', '/./', '/..', 'initialDelaySeconds: ', 'timeoutSeconds: 0',
  'successThreshold: 2', 'failureThreshold: ', 'terminationGracePeriodSeconds: 0', 'terminationGracePeriodSeconds: 5',
  '1.2.3.4', '10.0.0.1', '::1', 'fd00::', 'ClusterFirst', 'Default', 'None', 'ndots:2', ':5', 'edns0', 'X-Y', 'X_Y', 'x.y',
  'always', 'Never', 'ifNotPresent', 'sometimes', 'localhost', 'localhost:5000', 'tls.crt=', 'tls.key', 'key=', '=path',
  '.dockerconfigjson=', '.dockercfg', 'ssh-privatekey', 'username', 'password', 'cat /tmp/x', "sh -c 'x", 'a"b', "\\'",
];

const ENV_TOKENS = [
  'export ', '=', ' = ', '#', '# comment', '\ufeff', 'A', '1A', '..a', 'KEY', 'KEY=', '=x', 'A=1', 'A=1\n', 'B=2\r\n', '\r',
  'A B=1', 'KEY="quoted"', "KEY='q'", 'X_Y', 'x.y', 'A-B', '\u0085', '\u3000',
];

const JSON_TOKENS = [
  '{', '}', '[', ']', '"', ',', ':', '":"', '"auths"', '"auth"', '"username"', '"password"', '"email"', '"identitytoken"',
  '"registrytoken"', '"credsStore"', '"credHelpers"', '"desktop"', '"osxkeychain"', '[]', '{}', 'null', 'true', '1', '-0', '1e5',
  '"https://index.docker.io/v1/"', '"ghcr.io"', '"*.example.com"', '"localhost:5000"', '"ZGVtbzo="', '"Og=="', '"dXNlcg=="',
  '"!!!"', '"YTpi"', '""', '"\\u0000"', '"\\ud800"', '\\', '\\u00', '"\\q"', '#', '$ ', '% ', '> ', '//', '/* */', "'", '\ufeff',
  '{"auths": {}}', '{"x": {"auth": "YTpi"}}', ', "b": {}', '"auths": {"r": {}}', '"HttpHeaders": {}',
];

const TOKENS: Record<InputKind, string[]> = {
  yaml: [...COMMON_TOKENS, ...YAML_TOKENS],
  env: [...COMMON_TOKENS, ...ENV_TOKENS],
  json: [...COMMON_TOKENS, ...JSON_TOKENS],
  other: [...COMMON_TOKENS, ...YAML_TOKENS, ...ENV_TOKENS, ...JSON_TOKENS],
};

function lineBounds(bytes: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      out.push([start, Math.min(i + 1, bytes.length)]);
      start = i + 1;
    }
  }
  return out;
}

const splice = (b: Buffer, at: number, remove: number, insert: Buffer | string = Buffer.alloc(0)) =>
  Buffer.concat([b.subarray(0, at), typeof insert === 'string' ? Buffer.from(insert) : insert, b.subarray(at + remove)]);

/** Where a token or word may be inserted: anywhere, or at a line start, or after ": " / "=". */
function position(bytes: Buffer, rng: Rng): number {
  if (bytes.length === 0) return 0;
  const mode = rng.int(4);
  const lines = lineBounds(bytes);
  const [start, end] = rng.pick(lines);
  if (mode === 0) return start;
  if (mode === 1) {
    const line = bytes.subarray(start, end).toString('latin1');
    const sep = Math.max(line.indexOf(': '), line.indexOf('='), line.indexOf('- '));
    if (sep >= 0) return start + sep + (line[sep] === '=' ? 1 : 2);
  }
  if (mode === 2) return end > start ? end - 1 : start;
  return rng.int(bytes.length + 1);
}

/** A run of word characters around a random offset, as [start, end). */
function wordAt(bytes: Buffer, rng: Rng): [number, number] | undefined {
  if (bytes.length === 0) return undefined;
  const isWord = (b: number | undefined) => b !== undefined && /[A-Za-z0-9_.\-/]/.test(String.fromCharCode(b));
  let i = rng.int(bytes.length);
  for (let tries = 0; tries < 8 && !isWord(bytes[i]); tries++) i = rng.int(bytes.length);
  if (!isWord(bytes[i])) return undefined;
  let s = i;
  let e = i;
  while (s > 0 && isWord(bytes[s - 1])) s--;
  while (e < bytes.length && isWord(bytes[e])) e++;
  return [s, e];
}

type Mutation = (bytes: Buffer, rng: Rng, kind: InputKind, donors: readonly Buffer[]) => [Buffer, string];

const MUTATIONS: Array<[weight: number, name: string, fn: Mutation]> = [
  [6, 'insert-char', (b, rng) => {
    const at = rng.int(b.length + 1);
    const c = rng.pick(CHARS);
    return [splice(b, at, 0, c), `insert ${JSON.stringify(c)} at ${at}`];
  }],
  [2, 'insert-bad-byte', (b, rng) => {
    const at = rng.int(b.length + 1);
    const bad = rng.pick(BAD_BYTES);
    return [splice(b, at, 0, Buffer.from(bad)), `insert bytes ${bad.map((x) => x.toString(16)).join(' ')} at ${at}`];
  }],
  [6, 'delete-chars', (b, rng) => {
    const at = rng.int(Math.max(b.length, 1));
    const n = 1 + rng.int(rng.chance(0.7) ? 2 : 12);
    return [splice(b, at, n), `delete ${n} at ${at}`];
  }],
  [3, 'duplicate-chars', (b, rng) => {
    const at = rng.int(Math.max(b.length, 1));
    const n = 1 + rng.int(8);
    return [splice(b, at, 0, Buffer.from(b.subarray(at, at + n))), `duplicate ${n} at ${at}`];
  }],
  [5, 'delete-line', (b, rng) => {
    const [s, e] = rng.pick(lineBounds(b));
    return [splice(b, s, e - s), `delete line at ${s}`];
  }],
  [4, 'duplicate-line', (b, rng) => {
    const [s, e] = rng.pick(lineBounds(b));
    const line = Buffer.from(b.subarray(s, e));
    const copy = line.length && line[line.length - 1] === 0x0a ? line : Buffer.concat([line, Buffer.from('\n')]);
    return [splice(b, s, 0, copy), `duplicate line at ${s}`];
  }],
  [2, 'swap-lines', (b, rng) => {
    const lines = lineBounds(b);
    if (lines.length < 2) return [b, 'swap (too short)'];
    const i = rng.int(lines.length - 1);
    const [s1, e1] = lines[i]!;
    const [s2, e2] = lines[i + 1]!;
    const first = Buffer.from(b.subarray(s1, e1));
    const second = Buffer.from(b.subarray(s2, e2));
    const nl = (x: Buffer) => (x.length && x[x.length - 1] === 0x0a ? x : Buffer.concat([x, Buffer.from('\n')]));
    return [splice(b, s1, e2 - s1, Buffer.concat([nl(second), first])), `swap lines at ${s1}`];
  }],
  [3, 'reindent', (b, rng) => {
    const [s] = rng.pick(lineBounds(b));
    const how = rng.pick(['  ', ' ', '\t', '-2']);
    if (how === '-2') {
      const n = b[s] === 0x20 ? (b[s + 1] === 0x20 ? 2 : 1) : 0;
      return [splice(b, s, n), `dedent line at ${s}`];
    }
    return [splice(b, s, 0, how), `indent line at ${s} with ${JSON.stringify(how)}`];
  }],
  [8, 'insert-token', (b, rng, kind) => {
    const at = position(b, rng);
    const t = rng.pick(TOKENS[kind]);
    return [splice(b, at, 0, t), `insert ${JSON.stringify(t)} at ${at}`];
  }],
  [6, 'replace-word', (b, rng, kind) => {
    const w = wordAt(b, rng);
    if (!w) return [b, 'replace (no word)'];
    const t = rng.pick(TOKENS[kind]);
    return [splice(b, w[0], w[1] - w[0], t), `replace word at ${w[0]} with ${JSON.stringify(t)}`];
  }],
  [2, 'flip-case', (b, rng) => {
    const w = wordAt(b, rng);
    if (!w) return [b, 'flip (no word)'];
    const word = b.subarray(w[0], w[1]).toString('latin1');
    const flipped = word === word.toUpperCase() ? word.toLowerCase() : word.toUpperCase();
    return [splice(b, w[0], w[1] - w[0], Buffer.from(flipped, 'latin1')), `flip case at ${w[0]}`];
  }],
  [3, 'splice-donor', (b, rng, _kind, donors) => {
    const donor = rng.pick(donors);
    if (donor.length === 0) return [b, 'splice (empty donor)'];
    const from = rng.int(donor.length);
    const n = 1 + rng.int(40);
    const at = position(b, rng);
    return [splice(b, at, 0, Buffer.from(donor.subarray(from, from + n))), `splice ${n} donor bytes at ${at}`];
  }],
  [1, 'truncate', (b, rng) => {
    const at = rng.int(b.length + 1);
    return [Buffer.from(b.subarray(0, at)), `truncate at ${at}`];
  }],
];

const TOTAL_WEIGHT = MUTATIONS.reduce((n, [w]) => n + w, 0);

/** One to five stacked mutations of `bytes`; `donors` are other inputs to borrow text from. */
export function mutate(bytes: Buffer, rng: Rng, kind: InputKind, donors: readonly Buffer[]): { bytes: Buffer; ops: string[] } {
  const ops: string[] = [];
  let out = bytes;
  const count = 1 + (rng.chance(0.5) ? 0 : rng.int(4));
  for (let k = 0; k < count; k++) {
    let r = rng.int(TOTAL_WEIGHT);
    const [, name, fn] = MUTATIONS.find(([w]) => (r -= w) < 0)!;
    const [next, what] = fn(out, rng, kind, donors);
    out = next;
    ops.push(`${name}: ${what}`);
  }
  return { bytes: out, ops };
}
