/**
 * The kubelet's credential matching (kubernetes/kubernetes pkg/credentialprovider/keyring.go):
 * which entry of a pull secret it hands to the runtime for an image, and the warnings kustz gives
 * when none would match.
 */
import { REDACTED, warning, type Issue } from '../errors.js';
import { DOCKER_CFG, DOCKER_CONFIG_JSON } from '../k8s.js';
import { imageLookup, type ImageLookup } from './image.js';


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
export function kubeletIndexKey(entry: string): string | undefined {
  const url = parseSchemeless(/^https?:\/\//.test(entry) ? entry.slice(entry.indexOf('//') + 2) : entry);
  if (!url) return undefined;
  let path = url.path;
  if (path.startsWith('/v1/') || path.startsWith('/v2/')) path = path.slice(3);
  return path !== '' && path !== '/' ? url.host + path : url.host;
}

/**
 * A registry address as messages may show it: a password in it (`https://robot:S3cret@host`)
 * replaced, since stderr goes to CI logs.
 */
export function shownRegistry(address: string): string {
  // Everything before the last "@" may be a password or a token, "/" and "@" included (Go splits
  // at the last one): the user is kept only where it is plainly one, before a ":".
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const scheme = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(address)?.[0] ?? '';
  const user = /^[^/@:]*:/.exec(address.slice(scheme.length, at))?.[0] ?? '';
  return `${scheme}${user}${REDACTED}${address.slice(at)}`;
}

/**
 * `https://` + value through Go's url.Parse, reduced to what the kubelet uses: the host (with
 * port) and the path. Characters Go refuses in a host and a non-numeric port make it invalid, and
 * so does an empty host, which Go accepts but which matches no image.
 */
function parseSchemeless(value: string): { host: string; path: string } | undefined {
  // Go refuses a control character or a broken %-escape anywhere, query and fragment included.
  if (/[\x00-\x1f\x7f]|%(?![0-9A-Fa-f]{2})/.test(value)) return undefined;
  const end = value.search(/[?#]/);
  const noQuery = end < 0 ? value : value.slice(0, end);
  const slash = noQuery.indexOf('/');
  // Go puts `user:password@` into URL.User, refusing characters RFC 3986 keeps out of it
  // (validUserinfo); the kubelet keys on the host after it.
  const authority = slash < 0 ? noQuery : noQuery.slice(0, slash);
  const at = authority.lastIndexOf('@');
  if (at >= 0 && /[^A-Za-z0-9\-._:~!$&'()*+,;=%@]/.test(authority.slice(0, at))) return undefined;
  const host = authority.slice(at + 1);
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
  // The kubelet keys on URL.Path, which Go has decoded byte by byte: ghcr.io/%61cme is
  // ghcr.io/acme. (A byte that is no ASCII matches no image path, whatever it decodes to.)
  return { host, path: path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) };
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
  return gh.labels.every((label, k) => filepathMatch(label, th.labels[k]!));
}

/**
 * Go's path/filepath.Match (on Linux), which the kubelet applies to each host label:
 *
 *     pattern = *( "*" | "?" | class | "\\" char | char )   ; "*": any run without "/", "?": one character but "/"
 *     class   = "[" [ "^" ] 1*( c [ "-" c ] ) "]"           ; c = "\\" char | any character but "\\", "-" and "]"
 *
 * A malformed pattern is Go's ErrBadPattern, which the kubelet takes for no match. Like Go, each
 * run of stars takes the first place where the text up to the next star fits, and never comes
 * back to it: the time grows with pattern length times label length, however many stars.
 */
export function filepathMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  chunks: while (p < pattern.length) {
    const stars = p;
    while (pattern[p] === '*') p++;
    const star = p > stars;
    const end = chunkEnd(pattern, p);
    const chunk = pattern.slice(p, end);
    p = end;
    if (star && chunk === '') return !name.includes('/', n);
    const at = matchChunk(chunk, name, n);
    if (at >= 0 && (at === name.length || p < pattern.length)) {
      n = at;
      continue;
    }
    if (at === BAD_PATTERN || !star) return false;
    for (let i = n; i < name.length && name[i] !== '/'; i++) {
      const later = matchChunk(chunk, name, i + 1);
      if (later === BAD_PATTERN) return false;
      // The last chunk must reach the end of the name; any other may stop short.
      if (later >= 0 && (later === name.length || p < pattern.length)) {
        n = later;
        continue chunks;
      }
    }
    return false;
  }
  return n === name.length;
}

const NO_MATCH = -1;
const BAD_PATTERN = -2;

/** Where the chunk starting at `p` ends: at the next star outside a class (Go's scanChunk). */
function chunkEnd(pattern: string, p: number): number {
  let inClass = false;
  for (; p < pattern.length; p++) {
    const c = pattern[p];
    if (c === '\\') {
      if (p + 1 < pattern.length) p++;
    } else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '*' && !inClass) break;
  }
  return p;
}

/**
 * Go's matchChunk: where in `name` a star-free chunk matched from `at` ends, NO_MATCH, or
 * BAD_PATTERN. Go reads the whole chunk even after a mismatch, so a malformed one is always
 * found out.
 */
function matchChunk(chunk: string, name: string, at: number): number {
  let failed = false;
  let c = 0;
  while (c < chunk.length) {
    if (at >= name.length) failed = true;
    const ch = chunk[c];
    if (ch === '[') {
      const r = failed ? -1 : name.codePointAt(at)!;
      if (!failed) at += r > 0xffff ? 2 : 1;
      c++;
      const negated = chunk[c] === '^';
      if (negated) c++;
      let match = false;
      for (let ranges = 0; chunk[c] !== ']' || ranges === 0; ranges++) {
        const lo = classChar(chunk, c);
        if (!lo) return BAD_PATTERN;
        const hi = chunk[lo.next] === '-' ? classChar(chunk, lo.next + 1) : lo;
        if (!hi) return BAD_PATTERN;
        c = hi.next;
        if (lo.r <= r && r <= hi.r) match = true;
      }
      c++;
      if (match === negated) failed = true;
    } else if (ch === '?') {
      if (!failed) {
        if (name[at] === '/') failed = true;
        at += name.codePointAt(at)! > 0xffff ? 2 : 1;
      }
      c++;
    } else {
      if (ch === '\\' && ++c === chunk.length) return BAD_PATTERN;
      if (!failed) failed = chunk[c] !== name[at++];
      c++;
    }
  }
  return failed ? NO_MATCH : at;
}

/**
 * The class character at `c` and where the class goes on (Go's getEsc), or undefined where Go
 * reports a bad pattern: a class that ends, or "-" or "]" where a character belongs.
 */
function classChar(chunk: string, c: number): { r: number; next: number } | undefined {
  if (c >= chunk.length || chunk[c] === '-' || chunk[c] === ']') return undefined;
  if (chunk[c] === '\\' && ++c === chunk.length) return undefined;
  const r = chunk.codePointAt(c)!;
  const next = c + (r > 0xffff ? 2 : 1);
  return next < chunk.length ? { r, next } : undefined;
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

/** What the service pulls with a pull Secret: its image, or nothing when no imagePullSecrets entry names the Secret. */
export type PullUse = { image: string } | 'unused';

/**
 * Why the service's pull does not need the entry under `authsKey` of a Secret whose keys are
 * `keys`, so that a problem with the entry need not fail the render; undefined when it does. It
 * does when the entry serves the image or, for a key the kubelet cannot read (`broken`), when no
 * key serves it: the entry was likely meant for it. Without a known use, or with an image that
 * is no valid reference, every entry counts as needed.
 */
export function unneededBecause(authsKey: string, keys: readonly string[], use: PullUse | undefined, broken: boolean): string | undefined {
  if (use === undefined) return undefined;
  if (use === 'unused') return 'no imagePullSecrets entry names this Secret';
  const look = imageLookup(use.image);
  if (!look.ok) return undefined;
  if (broken) return keys.some((k) => keyMatchesLookup(k, look)) ? `image "${use.image}" gets its credential from another entry` : undefined;
  return keyMatchesLookup(authsKey, look) ? undefined : `image "${use.image}" takes no credential from this entry`;
}

/** A pull-secret warning and what it is about: the image, an imagePullSecrets entry, or a generated Secret. */
export type PullSecretWarning = Issue & { about: { image: string } | { pullSecret: string } | { generated: string } };

/**
 * Warnings about a container's pull secrets. A name in imagePullSecrets that kustz does not
 * generate is taken to exist in the cluster. An image that is not a valid reference is left to
 * the image check.
 */
export function lintPullSecrets(input: { image: string; imagePullSecrets: string[]; generated: Array<{ name: string; type: string; registries?: string[] }> }): PullSecretWarning[] {
  const issues: PullSecretWarning[] = [];
  const named = new Set(input.imagePullSecrets);
  const generated = new Map(input.generated.map((g) => [g.name, g]));
  for (const name of input.imagePullSecrets) {
    const g = generated.get(name);
    // The kubelet reads a pull Secret only by its type (secretsToTrackedDockerConfigs).
    if (g && g.type !== DOCKER_CONFIG_JSON && g.type !== DOCKER_CFG) {
      issues.push({ ...warning('registry.pull-secret-type', `the pull secret "${name}" is a Secret of type ${g.type}; the kubelet reads only kubernetes.io/dockerconfigjson and kubernetes.io/dockercfg pull secrets and ignores this one`, {
        hint: `generate "${name}" with type: kubernetes.io/dockerconfigjson and files: [.dockerconfigjson=path/to/config.json], or use secrets.dockerRegistry`,
      }), about: { pullSecret: name } });
    }
  }
  const used = input.generated.filter((g): g is typeof g & { registries: string[] } => named.has(g.name) && g.registries !== undefined);
  // A pull Secret kustz does not generate may hold the credential: the kubelet merges them all.
  const external = input.imagePullSecrets.some((n) => !generated.has(n));
  const look = imageLookup(input.image);
  if (used.length > 0 && !external && look.ok) {
    const keys = used.flatMap((g) => g.registries);
    if (!keys.some((k) => keyMatchesLookup(k, look))) {
      const secrets = used.map((g) => `"${g.name}"`).join(', ');
      const seen = keys.length ? keys.map((k) => `"${shownRegistry(k)}"`).join(', ') : 'no registries';
      issues.push({ ...warning('registry.no-matching-credential',
        `no credential in the pull secret${used.length > 1 ? 's' : ''} ${secrets} matches image "${input.image}": the kubelet looks up "${look.key}" and the secret${used.length > 1 ? 's list' : ' lists'} ${seen}, so the pull secrets give it no credentials (only the node's own or a credential provider's could)`,
        { hint: look.host === 'docker.io'
          ? 'add an entry for Docker Hub ("https://index.docker.io/v1/", the default server) to the registry Secret'
          : `add an entry for "${look.host}" to the registry Secret (the host exactly as in the image, port included), or fix the image's registry` }), about: { image: input.image } });
    }
  }
  for (const g of input.generated) {
    if (g.registries && !named.has(g.name)) {
      issues.push({ ...warning('registry.unused-pull-secret', `registry Secret "${g.name}" is generated but no imagePullSecrets entry names it, so the kubelet never uses it`, {
        hint: `add "${g.name}" to service.imagePullSecrets, or remove the registry Secret`,
      }), about: { generated: g.name } });
    }
  }
  return issues;
}

