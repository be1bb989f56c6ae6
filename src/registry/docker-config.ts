/**
 * Docker config files as pull secrets: checking a `.dockerconfigjson` or `.dockercfg` for what
 * the kubelet needs, and writing one the way kubectl does.
 *
 * Pure: no fs, no process.env. Issues carry line/col inside the checked file but no `file`.
 * No message or hint ever holds a password, token or `auth` value: where the text would show
 * one it says REDACTED, and no code frame is attached (the line could hold the secret).
 * The kubelet's rules: kubernetes/kubernetes pkg/credentialprovider (config.go,
 * secrets/secrets.go), as of Kubernetes 1.33-1.35.
 */
import { Buffer } from 'node:buffer';
import { issue, REDACTED, warning, type Issue } from '../errors.js';
import { decodeUtf8, utf16Problem } from '../files.js';
import { goJsonString } from '../gojson.js';
import { lineBreakAtEnd } from './credentials.js';
import { goMap, goString, members, parseJson, positionAt, JsonSyntaxError, type JsonMember, type JsonNode, type JsonObject, type JsonString } from './json.js';
import { kubeletIndexKey, shownRegistry, unneededBecause, type PullUse } from './keyring.js';

/** UTF-8 as Go reads it: a byte order mark stays a character (in a decoded `auth`, the user name then differs). */
const GO_TEXT = new TextDecoder('utf-8', { ignoreBOM: true });

/** Fields of docker's config.json beside "auths" (docker/cli configfile), in lower case as Go's decoder folds them. */
const CONFIG_JSON_FIELDS = ['credsstore', 'credhelpers', 'httpheaders', 'psformat', 'imagesformat', 'detachkeys', 'proxies', 'plugins', 'currentcontext', 'aliases', 'features', 'experimental', 'stackorchestrator'];

export type DockerSecretType = 'kubernetes.io/dockerconfigjson' | 'kubernetes.io/dockercfg';

/** What `kubectl create secret docker-registry` writes when no --docker-server is given. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

/**
 * Checks a docker config.json (`kubernetes.io/dockerconfigjson`: `{"auths": {REGISTRY: ENTRY}}`)
 * or a legacy .dockercfg (`kubernetes.io/dockercfg`: `{REGISTRY: ENTRY}`) for what the kubelet
 * needs. The kubelet reads only `username`, `password`, `email` and `auth` of an ENTRY; an `auth`
 * replaces username/password and must be base64 of `user:password`; if it does not decode, the
 * kubelet rejects the whole Secret and every pull of the Pod fails, as it does when HttpHeaders is
 * no map of strings. Everything else in the file (psFormat, detachKeys, credsStore, ...) is
 * ignored by the kubelet and fine here.
 *
 * `registries` lists the registry keys in file order (each once).
 */
export function checkDockerConfig(bytes: Uint8Array, type: DockerSecretType, use?: PullUse): { issues: Issue[]; registries: string[] } {
  const utf16 = utf16Problem(bytes);
  if (utf16) return { issues: [issue('registry.invalid-utf8', utf16.message, { line: 1, col: 1, hint: utf16.hint })], registries: [] };
  const valid = decodeUtf8(bytes);
  const { text, invalid } = valid === undefined ? decodeAsGo(bytes) : { text: valid, invalid: [] };
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    // Go's scanner, too, stops at a byte that is no UTF-8 outside a string.
    if (invalid.includes(e.at)) return { issues: [issue('registry.invalid-utf8', 'the docker config is not valid UTF-8', { ...positionAt(text, e.at), hint: NOT_UTF8_HINT })], registries: [] };
    return { issues: [issue('registry.json-syntax', `the docker config is not valid JSON: ${e.message}`, { ...positionAt(text, e.at), hint: e.hint })], registries: [] };
  }
  return new DockerConfigChecker(text, type, use, invalid).check(root);
}

const NOT_UTF8_HINT = 'save the file as UTF-8; a docker config.json written by `docker login` always is, so the file was probably damaged in transfer';

/**
 * The text Go's encoding/json reads from bytes that are not all UTF-8: each byte that starts no
 * valid sequence becomes U+FFFD. `invalid`: the offsets of those in the text.
 */
function decodeAsGo(bytes: Uint8Array): { text: string; invalid: number[] } {
  let text = '';
  const invalid: number[] = [];
  let run = 0;
  for (let i = 0; i < bytes.length;) {
    const n = utf8SequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    text += GO_TEXT.decode(bytes.subarray(run, i));
    invalid.push(text.length);
    text += '\ufffd';
    run = ++i;
  }
  return { text: text + GO_TEXT.decode(bytes.subarray(run)), invalid };
}

/** The length of the well-formed UTF-8 sequence at `i` (Unicode's table 3-7), or 0. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  if (lead < 0xc2 || lead > 0xf4) return 0;
  const length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
  // The second byte's range keeps out overlong forms, surrogates and code points past U+10FFFF.
  const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
  const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
  const second = bytes[i + 1];
  if (second === undefined || second < low || second > high) return 0;
  for (let k = 2; k < length; k++) {
    const next = bytes[i + k];
    if (next === undefined || next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}

/** Where a credential lives when the file only names a helper: the registry's own, else the default store. */
interface Store {
  name: string;
  field: 'credsStore' | 'credHelpers';
}

/**
 * The registries as the kubelet decodes them: `entries` in file order, repeated keys included,
 * undefined when there is no map at all; `dropped`, entries a null "auths" emptied away; `at`,
 * where the map stands.
 */
interface RegistryMap {
  entries?: JsonMember[];
  dropped: JsonMember[];
  at: number;
}

class DockerConfigChecker {
  readonly issues: Issue[] = [];

  /** The registry keys the kubelet finds. */
  private keys: string[] = [];

  /** `invalid`: offsets of bytes that were no UTF-8, each U+FFFD in `text` now, as Go reads them. */
  constructor(private readonly text: string, private readonly type: DockerSecretType, private readonly use: PullUse | undefined, private invalid: number[]) {}

  private at(offset: number) {
    return positionAt(this.text, offset);
  }

  private error(code: string, message: string, offset: number, hint: string) {
    this.issues.push(issue(code, message, { ...this.at(offset), hint }));
  }

  /**
   * A problem with the entry under `key` that fails only the pulls needing it: an error where
   * the service's pull does (see unneededBecause), else a warning that says why it is one.
   */
  private entryProblem(key: string, code: string, message: string, offset: number, hint: string, broken = false) {
    const unneeded = unneededBecause(key, this.keys, this.use, broken);
    if (unneeded === undefined) this.error(code, message, offset, hint);
    else this.issues.push(warning(code, `${message}; ${unneeded}`, { ...this.at(offset), hint }));
  }

  check(root: JsonNode): { issues: Issue[]; registries: string[] } {
    const registries = this.registries(root);
    const stray = this.invalid[0];
    if (stray !== undefined) {
      this.issues.push(warning('registry.invalid-utf8', 'the docker config is not valid UTF-8 here, outside the registry keys and the credentials the kubelet uses: its decoder reads the byte as U+FFFD', {
        ...this.at(stray), hint: NOT_UTF8_HINT,
      }));
    }
    return { issues: this.issues, registries };
  }

  /**
   * The first byte that was no UTF-8 between offsets `from` and `to`, now accounted for; the
   * ones left at the end stand where the kubelet takes neither key nor credential.
   */
  private invalidIn(from: number, to: number): number | undefined {
    const first = this.invalid.find((o) => o >= from && o < to);
    if (first !== undefined) this.invalid = this.invalid.filter((o) => o < from || o >= to);
    return first;
  }

  /** The registries the kubelet finds, in file order. */
  private registries(root: JsonNode): string[] {
    if (root.kind !== 'object') {
      this.error('registry.not-object', `the docker config must be a JSON object, not ${article(root.kind)}`, root.at,
        this.type === 'kubernetes.io/dockercfg' ? 'a .dockercfg looks like {"registry.example.com": {"auth": "..."}}' : 'a config.json looks like {"auths": {"registry.example.com": {"auth": "..."}}}');
      return [];
    }
    if (this.type === 'kubernetes.io/dockerconfigjson') this.checkHttpHeaders(root);
    const registryMap = this.type === 'kubernetes.io/dockerconfigjson' ? this.auths(root) : this.legacyRoot(root);
    if (!registryMap) return [];
    // Go decoded the entries a null emptied away all the same: one it cannot decode fails the Secret.
    for (const m of registryMap.dropped) this.checkEntry(m, undefined, false);
    const entries = registryMap.entries;
    if (!entries) return [];

    if (entries.length === 0) {
      const store = this.storeFor(root);
      this.error('registry.empty-auths',
        store
          ? `the docker config lists no registry: docker keeps the credentials in the credential store "${store.name}" (${store.field}), not in this file, so the kubelet has none to use`
          : 'the docker config lists no registry, so the kubelet has no credential to use',
        registryMap.at, store ? storeHint(undefined) : 'run `docker login REGISTRY` and use the resulting ~/.docker/config.json, or use the secrets.dockerRegistry form of kustz.yml');
      return [];
    }

    // A key's last entry replaces the earlier ones, which count only where Go cannot decode them.
    const last = new Map<string, JsonMember>();
    for (const m of entries) last.set(m.key, m);
    this.keys = [...last.keys()];
    const seen = new Set<string>();
    for (const m of entries) {
      if (seen.has(m.key)) {
        this.issues.push(warning('registry.duplicate-key', `registry "${shownRegistry(m.key)}" is listed twice; the kubelet uses the last entry`, { ...this.at(m.keyAt), hint: 'remove one of the two entries' }));
      }
      seen.add(m.key);
      const used = last.get(m.key) === m;
      if (used) this.checkKey(m);
      this.checkEntry(m, used ? this.storeFor(root, m.key) : undefined, used);
    }
    return this.keys;
  }

  /** "auths", every member of that name decoded in turn as Go does (see goMap). */
  private auths(root: JsonObject): RegistryMap {
    const auths = goMap(root, 'auths');
    for (const m of auths.wrong) {
      this.error('registry.auths-not-object', `"auths" must be an object of registries, not ${article(m.value.kind)}; the kubelet rejects the whole Secret`, m.value.at,
        members(root, 'auths').length > 1 ? `remove this "${m.key}": the field is given twice, and the kubelet's decoder reads each one, not just the last` : 'write "auths": {"registry.example.com": {"auth": "..."}}');
    }
    const map = { dropped: auths.dropped, at: members(root, 'auths').filter((m) => m.value.kind === 'object').at(-1)?.value.at ?? root.at };
    if (auths.entries) {
      if (auths.cleared && auths.dropped.length) {
        this.issues.push(warning('registry.auths-null', `"auths" is null here, which empties the map: the kubelet drops the registries listed before it (${[...new Set(auths.dropped.map((m) => `"${shownRegistry(m.key)}"`))].join(', ')})`, {
          ...this.at(auths.cleared.keyAt), hint: 'remove "auths": null, so that every registry counts',
        }));
      }
      return { ...map, entries: auths.entries };
    }
    if (auths.wrong.length === 0) {
      const legacy = root.members.some((m) => members(m.value, 'auth').length > 0);
      this.error('registry.no-auths', auths.cleared ? '"auths" is null: the docker config holds no registry credentials' : 'the docker config has no "auths" object, so the kubelet finds no registry credentials in it',
        auths.cleared ? auths.cleared.keyAt : root.at,
        legacy
          ? 'this looks like a legacy .dockercfg (registries at the top level): use type kubernetes.io/dockercfg, or wrap it as {"auths": {...}}'
          : 'a config.json looks like {"auths": {"registry.example.com": {"auth": "..."}}}; run `docker login REGISTRY` to get one');
    }
    return map;
  }

  private legacyRoot(root: JsonObject): RegistryMap | undefined {
    const auths = members(root, 'auths').find((m) => m.value.kind === 'object');
    if (auths) {
      this.error('registry.wrong-type', 'this is a config.json ({"auths": ...}) but the Secret type is kubernetes.io/dockercfg, which expects the registries at the top level; the kubelet would find a registry named "auths" and no credentials',
        auths.keyAt, 'use type kubernetes.io/dockerconfigjson with the key .dockerconfigjson, or drop the "auths" wrapper');
      return undefined;
    }
    // A config.json's own fields, pasted into a .dockercfg, where every key is a registry.
    const field = root.members.find((m) => CONFIG_JSON_FIELDS.includes(m.key.toLowerCase()));
    if (field) {
      const object = field.value.kind === 'object' || field.value.kind === 'null';
      this.error('registry.wrong-type', `"${field.key}" is a field of a docker config.json, not a registry: a .dockercfg holds registries only, ${object ? `and the kubelet would take "${field.key}" for a registry without credentials` : 'and the kubelet rejects the whole Secret'}`, field.keyAt,
        field.key.toLowerCase() === 'credsstore' || field.key.toLowerCase() === 'credhelpers'
          ? `remove "${field.key}": the credentials it points to live in a desktop keychain, not in the file; run docker login with a file store, or use secrets.dockerRegistry`
          : `remove "${field.key}", or use the whole config.json with type kubernetes.io/dockerconfigjson`);
      return undefined;
    }
    return { entries: root.members, dropped: [], at: root.at };
  }

  /**
   * credHelpers names a helper per registry, credsStore the default for all others; without a
   * registry, any store the file names.
   */
  private storeFor(root: JsonObject, registry?: string): Store | undefined {
    const helpers = goMap(root, 'credhelpers').entries ?? [];
    const helper = registry === undefined ? helpers[0] : helpers.filter((h) => h.key.toLowerCase() === registry.toLowerCase()).at(-1);
    if (helper?.value.kind === 'string') return { name: helper.value.value, field: 'credHelpers' };
    const store = goString(root, 'credsstore').value;
    if (store && store.value !== '') return { name: store.value, field: 'credsStore' };
    return undefined;
  }

  /**
   * The kubelet decodes HttpHeaders as a map of strings, every "HttpHeaders" in turn: anything
   * else, even where a later one is right, fails the whole Secret.
   */
  private checkHttpHeaders(root: JsonObject) {
    const headers = goMap(root, 'httpheaders');
    const bad = [
      ...headers.wrong.map((m) => m.value),
      ...[...headers.dropped, ...(headers.entries ?? [])].map((m) => m.value).filter((v) => v.kind !== 'string' && v.kind !== 'null'),
    ].sort((a, b) => a.at - b.at);
    for (const v of bad) {
      this.error('registry.http-headers', `"HttpHeaders" must map names to strings, not hold ${article(v.kind)}; the kubelet rejects the whole Secret and every image pull of the Pod fails`, v.at,
        'quote the values, or remove "HttpHeaders": the kubelet does not send them');
    }
  }

  private checkKey(m: JsonMember) {
    const invalid = this.invalidIn(m.keyAt, m.value.at);
    if (invalid !== undefined) {
      this.entryProblem(m.key, 'registry.invalid-utf8', `registry "${shownRegistry(m.key)}" is not valid UTF-8: the kubelet reads the byte as U+FFFD, so the key matches no image`, invalid, NOT_UTF8_HINT, true);
      return;
    }
    const bad = registryKeyProblem(m.key);
    if (bad) {
      this.entryProblem(m.key, 'registry.bad-key', bad.message, m.keyAt, bad.hint, true);
      return;
    }
    const key = kubeletIndexKey(m.key)!;
    const host = key.split('/')[0]!;
    if (host !== host.toLowerCase()) {
      const bare = withoutUserinfo(m.key);
      this.issues.push(warning('registry.key-case', `registry "${shownRegistry(m.key)}" has upper-case letters; the kubelet compares hosts case-sensitively, so it only matches images written with the same case`, {
        ...this.at(m.keyAt), hint: !m.key.includes('@')
          ? `write it in lower case: "${m.key.toLowerCase()}"`
          : bare === undefined
            ? 'write the host in lower case'
            : `write it in lower case, and without the user and password, which the kubelet does not use: "${bare.toLowerCase()}"`,
      }));
    }
  }

  /**
   * One entry, decoded as the kubelet's DockerConfigEntry.UnmarshalJSON does. `used`: the
   * kubelet keeps it (it is not replaced by a later entry for its key, nor emptied away);
   * otherwise only what fails the whole Secret counts.
   */
  private checkEntry(m: JsonMember, store: Store | undefined, used: boolean) {
    // A key may hold a password (https://robot:PASSWORD@host); messages go to CI logs.
    const where = `the entry for "${shownRegistry(m.key)}"`;
    const v = m.value;
    if (v.kind !== 'object' && v.kind !== 'null') {
      this.error('registry.entry-not-object', `${where} must be an object, not ${article(v.kind)}; the kubelet rejects the whole Secret`, v.at,
        'write "registry.example.com": {"auth": "..."}');
      return;
    }
    const fields = new Map<string, JsonString>();
    let typesOk = true;
    for (const name of ['username', 'password', 'email', 'auth']) {
      const f = goString(v, name);
      for (const wrong of f.wrong) {
        this.error('registry.field-type', `"${wrong.key}" in ${where} must be a string, not ${article(wrong.value.kind)}; the kubelet rejects the whole Secret`, wrong.value.at,
          members(v, name).length > 1 ? `remove this "${wrong.key}": the field is given twice, and the kubelet's decoder reads each one, not just the last`
            : name === 'auth' ? 'write the base64 of user:password as a string, e.g. "auth": "dXNlcjpwYXNz" (echo -n user:password | base64)' : 'quote the value');
        typesOk = false;
      }
      if (f.value && f.value.value !== '') fields.set(name, f.value);
    }
    if (!typesOk) return;

    const auth = fields.get('auth');
    const username = fields.get('username')?.value;
    const password = fields.get('password')?.value;
    if (auth) {
      this.checkAuth(m.key, where, auth, username, password, used);
    } else if (!used) {
      return;
    } else if (username !== undefined || password !== undefined) {
      if (username === undefined || password === undefined) {
        const missing = username === undefined ? 'username' : 'password';
        this.entryProblem(m.key, 'registry.incomplete-credential', `${where} has a ${missing === 'username' ? 'password' : 'username'} but no ${missing}`, m.keyAt,
          `add "${missing}", or replace both with "auth": base64 of user:password`);
      }
      for (const name of ['username', 'password']) {
        const f = fields.get(name);
        const invalid = f && this.invalidIn(f.at, f.end);
        if (invalid !== undefined) {
          this.entryProblem(m.key, 'registry.invalid-utf8', `"${name}" in ${where} is not valid UTF-8: the kubelet sends U+FFFD in place of the byte, so the registry gets another ${name}`, invalid, NOT_UTF8_HINT);
        } else if (f && lineBreakAtEnd(f.value)) {
          this.issues.push(warning('registry.trailing-line-break', `"${name}" in ${where} ends with a line break, which the kubelet sends as part of it, so the registry rejects the pull`, {
            ...this.at(f.at), hint: 'remove the \\n at its end',
          }));
        }
      }
    } else if (members(v, 'identitytoken').length || members(v, 'registrytoken').length) {
      this.entryProblem(m.key, 'registry.token-ignored',
        `${where} has only an identity/registry token: the kubelet reads just auth, username and password from a pull secret and drops tokens, so it would pull without credentials`,
        m.keyAt, 'use a username and password (or an "auth" value) for this registry, e.g. a robot account or access token used as password; or use the secrets.dockerRegistry form of kustz.yml');
    } else if (store) {
      this.entryProblem(m.key, 'registry.credential-in-store',
        `${where} holds no credential: docker keeps it in the credential store "${store.name}" (${store.field}) on the machine that ran \`docker login\`, not in this file, so the kubelet cannot use it`,
        m.keyAt, storeHint(shownRegistry(m.key)));
    } else {
      this.entryProblem(m.key, 'registry.empty-entry', `${where} holds no credential (no "auth", no "username"/"password")`, m.keyAt,
        `add "auth": base64 of user:password, or run \`docker login ${shownRegistry(m.key)}\` again`);
    }
  }

  private checkAuth(key: string, where: string, auth: JsonString, username: string | undefined, password: string | undefined, used: boolean) {
    const invalid = this.invalidIn(auth.at, auth.end);
    if (invalid !== undefined) {
      this.error('registry.invalid-utf8', `"auth" in ${where} is not valid UTF-8, and so no base64; the kubelet rejects the whole Secret and every image pull of the Pod fails`, invalid, NOT_UTF8_HINT);
      return;
    }
    const decoded = goBase64Decode(auth.value);
    const howTo = "auth must be base64 of user:password, e.g. the output of `printf '%s:%s' \"$USER\" \"$PASSWORD\" | base64 -w0`";
    if (decoded === undefined) {
      this.error('registry.auth-not-base64', `"auth" in ${where} is not valid base64 (${REDACTED}); the kubelet rejects the whole Secret and every image pull of the Pod fails`, auth.at, howTo);
      return;
    }
    const text = GO_TEXT.decode(decoded);
    const colon = text.indexOf(':');
    if (colon < 0) {
      this.error('registry.auth-no-colon', `"auth" in ${where} does not decode to user:password (no ':'); the kubelet rejects the whole Secret and every image pull of the Pod fails`, auth.at,
        `${howTo}; a bare token needs the user name the registry expects in front of it`);
      return;
    }
    if (!used) return;
    if (colon === 0) {
      this.entryProblem(key, 'registry.auth-empty-user', `"auth" in ${where} decodes to an empty user name (${REDACTED}), which registries reject`, auth.at, howTo);
      return;
    }
    if (colon === text.length - 1) {
      if (password === undefined) {
        // docker login writes "user:" beside an identitytoken, which the kubelet drops.
        this.entryProblem(key, 'registry.auth-empty-password', `"auth" in ${where} decodes to a user with an empty password (docker writes that beside an identity token, which the kubelet drops), so the registry rejects the pull`, auth.at,
          'log in with a username and password or access token (a robot account), not a token docker exchanged at login; or use the secrets.dockerRegistry form of kustz.yml');
      } else {
        this.entryProblem(key, 'registry.auth-empty-password', `"auth" in ${where} decodes to a user with an empty password; the kubelet sends that, and never the "password" beside it, so the registry rejects the pull`, auth.at,
          'recompute "auth" as base64 of user:password with the password in it, or remove "auth" and give "username" and "password"');
      }
      return;
    }
    if (lineBreakAtEnd(text)) {
      this.issues.push(warning('registry.trailing-line-break', `"auth" in ${where} decodes to a password that ends with a line break, as \`echo user:password | base64\` makes it; the kubelet sends the line break as part of the password, so the registry rejects the pull`, {
        ...this.at(auth.at), hint: 'make auth with `printf %s user:password | base64` or `echo -n user:password | base64`, which add no line break',
      }));
    }
    if ((username !== undefined && username !== text.slice(0, colon)) || (password !== undefined && password !== text.slice(colon + 1))) {
      this.issues.push(warning('registry.auth-mismatch', `"auth" and "username"/"password" in ${where} disagree; the kubelet uses "auth"`, {
        ...this.at(auth.at), hint: 'remove the stale fields, or recompute auth from the right username and password',
      }));
    }
  }
}

/**
 * Why the kubelet ignores the entry under a registry key (an `auths` key, or a
 * secrets.dockerRegistry server, which becomes one): Go's url.Parse rejects it.
 */
export function registryKeyProblem(key: string): { message: string; hint: string } | undefined {
  if (kubeletIndexKey(key) !== undefined) return undefined;
  const bare = withoutUserinfo(key);
  return {
    message: `registry "${shownRegistry(key)}" is not a registry address the kubelet can parse, so it ignores this entry`,
    hint: key.includes('${')
      ? 'kustz expands ${NAME} only in the username and password of secrets.dockerRegistry: write the registry host itself, e.g. "registry.example.com:5000"'
      : bare !== undefined && kubeletIndexKey(bare) !== undefined
        ? `leave out the user and password before "@", which hold a character Go's url.Parse refuses there and which the kubelet does not use: "${bare}"`
        : 'write the registry host, with a port or a path if needed: "registry.example.com", "registry.example.com:5000", "https://index.docker.io/v1/"',
  };
}

/**
 * A registry key written without the `user:password@` before its host, or undefined unless its
 * last "@" is the one that ends Go's userinfo: nothing before that "@", a password perhaps,
 * may show.
 */
function withoutUserinfo(key: string): string | undefined {
  const scheme = /^https?:\/\//.exec(key)?.[0] ?? '';
  const at = key.lastIndexOf('@');
  const end = key.slice(scheme.length).search(/[/?#]|$/) + scheme.length;
  return at >= scheme.length && at < end ? scheme + key.slice(at + 1) : undefined;
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

