/**
 * The short-string grammars of kustz.yml. Each parser is pure: one string in, one typed value
 * or a message naming the expected form out. Positions are added by the caller.
 */
import { closest } from './errors.js';
import { dns1035Label, dns1123Subdomain, ianaServiceName, ipAddress, portNumber } from './k8s.js';

/**
 * A failure says what is wrong and, in its hint, what to write instead; its `fix` is the value
 * the hint names, where it names one.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint: string; fix?: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string, hint: string, fix?: string): Parsed<T> => ({ ok: false, message, hint, ...(fix === undefined ? {} : { fix }) });

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PortSpec {
  protocol: Protocol;
  /** `!` was given: the Service becomes a NodePort. */
  exposeOnNode: boolean;
  nodePort?: number;
  port: number;
  targetPort: number;
}

const PORT_FORM = '[tcp|udp|sctp://][!][nodePort:]port[:targetPort]';
const PORT_EXAMPLE = 'write e.g. "80" or "80:8080" (Service port 80 to container port 8080), "udp://53" for UDP, "!30080:80:8080" for a NodePort';
/** What Service ports carry over TCP (their default protocol): written as a scheme, no protocol of their own. */
const OVER_TCP = /^(https?|h2c?|grpcs?|wss?|tls)$/i;

/**
 * port    = [protocol "://"] ["!"] numbers
 * numbers = port                                  targetPort = port
 *         | port ":" targetPort
 *         | nodePort ":" port ":" targetPort      only after "!"
 * protocol is tcp, udp or sctp in any case; every number is 1-65535.
 */
export function parsePort(text: string): Parsed<PortSpec> {
  // A hint offers a repaired port only when it parses.
  const instead = (candidate: string | undefined, otherwise = PORT_EXAMPLE) =>
    candidate !== undefined && candidate !== text && parsePort(candidate).ok ? `write ${JSON.stringify(candidate)}` : otherwise;
  const bad = (why: string, hint: string) => fail<PortSpec>(`${why}: expected ${PORT_FORM}, got ${JSON.stringify(text)}`, hint);
  // No Service protocol: the numbers alone are a TCP port, which is what http and the like run on.
  const unknownProtocol = (proto: string, numbers: string) => {
    const tcp = parsePort(numbers).ok ? JSON.stringify(numbers) : undefined;
    if (tcp === undefined) return bad(`unknown protocol "${proto}"`, PORT_EXAMPLE);
    return bad(`unknown protocol "${proto}"`, OVER_TCP.test(proto)
      ? `${proto} runs over TCP, a Service port's default: write ${tcp}`
      : `a Service port is TCP (the default), UDP or SCTP: write ${tcp} for TCP, or put udp:// or sctp:// before it`);
  };
  // Docker Compose writes the protocol last ("8080:80/udp"); "udp:80" misses the "//".
  const suffixed = /^(!?)([0-9:]+)\/([A-Za-z]+)$/.exec(text);
  const prefixed = /^([A-Za-z]+):(!?)([0-9:]+)$/.exec(text);
  const misplaced = suffixed ? [suffixed[3]!, suffixed[1]!, suffixed[2]!] : prefixed ? [prefixed[1]!, prefixed[2]!, prefixed[3]!] : undefined;
  if (misplaced) {
    const [proto, b, numbers] = misplaced as [string, string, string];
    if (!/^(tcp|udp|sctp)$/i.test(proto)) return unknownProtocol(proto, `${b}${numbers}`);
    return bad('the protocol is written as a URL scheme', instead(`${proto.toLowerCase()}://${b}${numbers}`));
  }
  const scheme = /^[A-Za-z]+:\/\//.exec(text)?.[0] ?? '';
  const m = /^(?:([A-Za-z]+):\/\/)?(!)?([^!]*)$/.exec(text);
  // "!" stands once, before the numbers ("80:!8080", "!!80").
  if (!m) return bad('bad port', instead(text.includes('!') ? `${scheme}!${text.slice(scheme.length).replace(/!/g, '')}` : undefined));
  const [, proto, bang = '', rest] = m;
  let protocol: Protocol = 'TCP';
  if (proto !== undefined) {
    const p = proto.toUpperCase();
    if (p !== 'TCP' && p !== 'UDP' && p !== 'SCTP') return unknownProtocol(proto, `${bang}${rest}`);
    protocol = p;
  }
  const parts = rest!.split(':');
  if (parts.length > 3) return bad('too many numbers', 'write at most three: "!nodePort:port:targetPort", e.g. "!30080:80:8080"');
  const numbers: number[] = [];
  for (const part of parts) {
    if (part === '') return bad('empty number', instead(`${scheme}${bang}${parts.filter(Boolean).join(':')}`));
    if (!/^[0-9]+$/.test(part)) {
      // A letter o for a zero, an l for a one: "8o8o".
      const digits = part.replace(/[oO]/g, '0').replace(/[lI]/g, '1');
      return bad(`"${part}" is not a number`, instead(/^[0-9]+$/.test(digits) ? `${scheme}${bang}${parts.map((x) => (x === part ? digits : x)).join(':')}` : undefined));
    }
    const n = Number(part);
    const out = portNumber(n);
    if (out) return fail(`port ${part} is out of range 1-65535 in ${JSON.stringify(text)}`, `${out.hint}: write one in place of ${part}`);
    numbers.push(n);
  }
  if (numbers.length === 3 && !bang) {
    return fail(`a nodePort needs "!": expected !nodePort:port:targetPort, got ${JSON.stringify(text)}`, instead(`${scheme}!${rest}`));
  }
  const exposeOnNode = bang === '!';
  if (numbers.length === 3) {
    return ok({ protocol, exposeOnNode, nodePort: numbers[0]!, port: numbers[1]!, targetPort: numbers[2]! });
  }
  return ok({ protocol, exposeOnNode, port: numbers[0]!, targetPort: numbers[numbers.length - 1]! });
}

/** A Kubernetes quantity as an exact fraction, so that request <= limit compares exactly. */
export interface Quantity {
  text: string;
  numerator: bigint;
  denominator: bigint;
}

const QUANTITY_FORM = 'a number with an optional suffix: m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or e<exponent>';

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/**
 * quantity = ["+"|"-"] number suffix
 * number   = digits | digits "." [digits] | "." digits
 * suffix   = "" | n | u | m | k | M | G | T | P | E | Ki | Mi | Gi | Ti | Pi | Ei | (e|E) [+|-] digits
 * (k8s.io/apimachinery/pkg/api/resource); negative values are rejected because no resource
 * request can be negative.
 */
export function parseQuantity(text: string): Parsed<Quantity> {
  const m = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(.*)$/.exec(text);
  if (!m) return fail(`invalid quantity ${JSON.stringify(text)}: expected ${QUANTITY_FORM}`, QUANTITY_EXAMPLE);
  const [, sign, number, suffix] = m;
  // No amount is written for "none" (-1 elsewhere): a resource left out has no request or limit.
  if (sign === '-') return fail(`quantity ${JSON.stringify(text)} must not be negative`, 'leave the resource out to set none, or drop the "-"');
  const [whole, fraction = ''] = number!.split('.');
  let numerator = BigInt((whole || '0') + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  let exponent10 = 0;
  let exponent2 = 0;
  // Object.hasOwn, not `in`: a suffix such as "constructor" must not find Object.prototype.
  if (Object.hasOwn(DECIMAL_SUFFIX, suffix!)) exponent10 = DECIMAL_SUFFIX[suffix!]!;
  else if (Object.hasOwn(BINARY_SUFFIX, suffix!)) exponent2 = BINARY_SUFFIX[suffix!]!;
  else if (/^[eE][+-]?[0-9]+$/.test(suffix!)) exponent10 = Number(suffix!.slice(1));
  else {
    const repaired = repairQuantity(text);
    return fail(`invalid quantity ${JSON.stringify(text)}: unknown suffix "${suffix}", expected ${QUANTITY_FORM}`,
      byteSuffixHint(number!, suffix!) ?? (repaired ? `write ${repaired}` : QUANTITY_EXAMPLE));
  }
  if (Math.abs(exponent10) > 1000) return fail(`quantity ${JSON.stringify(text)} is out of range`, 'write the amount with a suffix such as G or Gi, e.g. 64Gi');
  if (exponent10 >= 0) numerator *= 10n ** BigInt(exponent10);
  else denominator *= 10n ** BigInt(-exponent10);
  numerator *= 2n ** BigInt(exponent2);
  return ok({ text, numerator, denominator });
}

const QUANTITY_EXAMPLE = 'write a number with an optional suffix, e.g. 500m (half a CPU) or 128Mi (128 mebibytes)';

/** Suffixes as people write them that mean one Kubernetes spells otherwise. */
const SUFFIX_WORDS: Record<string, string> = { core: '', cores: '', cpu: '', cpus: '', mc: 'm', millicore: 'm', millicores: 'm' };

/**
 * A quantity that failed, written as one that parses where the mistake is plain: a blank, a
 * suffix's case (1gi), a byte unit (1GB, 1GiB, as powers of 1024), a word (2 cores).
 */
function repairQuantity(text: string): string | undefined {
  const m = /^\+?\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(.*?)\s*$/.exec(text);
  if (!m) return undefined;
  const [, number, suffix] = m as unknown as [string, string, string];
  const lower = suffix.toLowerCase();
  const known = [...Object.keys(DECIMAL_SUFFIX), ...Object.keys(BINARY_SUFFIX)];
  // "e" alone is the start of an exponent, not exa. A suffix of the right case is kept as it is:
  // "512 M" is 512M, where folding case first would find m (milli), 10^9 times less.
  const folded = lower === 'e' ? undefined : known.includes(suffix) ? suffix : known.find((k) => k.toLowerCase() === lower)
    ?? (/^[kmgtpe]i?b$/.test(lower) ? `${lower[0]!.toUpperCase()}i` : Object.hasOwn(SUFFIX_WORDS, lower) ? SUFFIX_WORDS[lower] : undefined);
  const out = folded === undefined ? undefined : `${number}${folded}`;
  return out !== undefined && out !== text && parseQuantity(out).ok ? out : undefined;
}

/** `1Gb`, `512MB`: byte units as people write them; Kubernetes spells them Gi (or G). */
function byteSuffixHint(number: string, suffix: string): string | undefined {
  const m = /^([kKMGTPE])[bB]$/.exec(suffix);
  if (!m) return undefined;
  const unit = m[1]!.toUpperCase();
  return `write ${number}${unit}i for powers of 1024 (${unit}i = 1024^n bytes) or ${number}${unit === 'K' ? 'k' : unit} for powers of 1000`;
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isWholeQuantity(q: Quantity): boolean {
  return q.numerator % q.denominator === 0n;
}

const RESOURCE_FORM = 'request/limit, one value for both, or request/ or /limit';

/**
 * resource = quantity                   request = limit = quantity
 *          | [request] "/" [limit]       an empty side is left out
 */
export function parseResource(text: string): Parsed<{ request?: Quantity; limit?: Quantity }> {
  const parts = text.split('/');
  const [requestText, limitText = requestText] = parts.map((p) => p.trim());
  // Blank sides (" ", " / ") are no amount at all, as "" and "/" are.
  if (!requestText && !limitText) return fail(`expected ${RESOURCE_FORM}, got ${JSON.stringify(text)}`, 'write an amount, e.g. 100m/200m or 128Mi, or leave the resource out');
  if (parts.length > 2) {
    const two = `${parts[0]!.trim()}/${parts[1]!.trim()}`;
    return parseResource(two).ok
      ? fail(`expected ${RESOURCE_FORM}, got ${JSON.stringify(text)}`, `write ${two}: one "/" between request and limit`, two)
      : fail(`expected ${RESOURCE_FORM}, got ${JSON.stringify(text)}`, 'write request/limit with one "/", e.g. 100m/200m');
  }
  const out: { request?: Quantity; limit?: Quantity } = {};
  for (const [side, t] of [['request', requestText], ['limit', limitText]] as const) {
    if (!t) continue;
    const q = parseQuantity(t);
    if (q.ok) {
      out[side] = q.value;
      continue;
    }
    // Of "request/limit", the hint repairs both sides, so that following it fixes the value.
    if (parts.length === 1) return q;
    const both = parts.map((p) => p.trim()).map((p) => (p && !parseQuantity(p).ok ? repairQuantity(p) ?? p : p)).join('/');
    return both !== text && parseResource(both).ok ? fail(q.message, `write ${both}`, both) : q;
  }
  if (out.request && out.limit && compareQuantities(out.request, out.limit) > 0) {
    return fail(`request ${out.request.text} is greater than limit ${out.limit.text}`,
      `a request is at most its limit: write ${out.limit.text}/${out.request.text} if the two are swapped (request first), or raise the limit`, `${out.limit.text}/${out.request.text}`);
  }
  return ok(out);
}

export type ProbeAction =
  | { kind: 'httpGet'; scheme: 'HTTP' | 'HTTPS'; host?: string; port: number | string; path: string }
  | { kind: 'tcpSocket'; host?: string; port: number | string }
  | { kind: 'grpc'; port: number; service?: string }
  | { kind: 'exec'; command: string[] };

const PROBE_FORM = 'http(s)://[host][:port][/path], tcp://[host]:port, grpc://:port[/service] or a command';
const PROBE_SCHEMES = ['http', 'https', 'tcp', 'grpc'];
const PROBE_EXAMPLE: Record<string, string> = { http: 'http://:8080/healthz', https: 'https://:8443/healthz', tcp: 'tcp://:8080', grpc: 'grpc://:9090' };

/**
 * action = ("http" | "https") "://" [host] [":" port] [path]   port defaults to 80 / 443, path to /
 *        | "tcp://" [host] ":" port
 *        | "grpc://" ":" port ["/" service]
 *        | command                                           split into words like a shell
 *                                                            ('' and "" quote, \ escapes)
 * port is a number 1-65535 or a named container port.
 */
export function parseProbeAction(text: string): Parsed<ProbeAction> {
  // A hint offers a repaired action only when it parses.
  const parses = (candidate: string | undefined) => (candidate !== undefined && candidate !== text && parseProbeAction(candidate).ok ? candidate : undefined);
  // A host may be an IPv6 address in brackets (http://[::1]:8080/); a query may follow the port.
  const url = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?[]*)(?::([^/?]*))?([/?].*)?$/.exec(text);
  const scheme = url?.[1]!.toLowerCase();
  if (!url || !PROBE_SCHEMES.includes(scheme!)) {
    const written = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
    if (written && PROBE_SCHEMES.includes(written[1]!.toLowerCase())) {
      const example = `write e.g. ${JSON.stringify(PROBE_EXAMPLE[written[1]!.toLowerCase()])}`;
      if (/^\[[^\]/?]*(?:[/?]|$)/.test(text.slice(written[0].length))) {
        // Where the address ends is a guess when a port may follow ("[::1:8080" is an address too):
        // a value is offered only when no ":" could start one.
        const open = /^[^:]*:\/\/\[([^\]/?]*)/.exec(text)![1]!;
        const port = /^(.*):[0-9]{1,5}$/.exec(open);
        const closed = port && ipAddress(port[1]!) === undefined ? undefined : parses(text.replace(/^([^:]*:\/\/\[[^\]/?]*)/, '$1]'));
        return fail(`the IPv6 address in ${JSON.stringify(text)} has no closing "]": expected ${PROBE_FORM}`,
          closed ? `write ${JSON.stringify(closed)}` : `close the address with "]" before the port, e.g. ${JSON.stringify(PROBE_EXAMPLE[written[1]!.toLowerCase()]!.replace(/\/\/[^/:]*/, '//[::1]'))}`);
      }
      return fail(`${JSON.stringify(text)} is a malformed URL: expected ${PROBE_FORM}`, example);
    }
    if (written) {
      const tcp = parses(url?.[3] !== undefined ? `tcp://${url[2]}:${url[3]}` : undefined);
      return fail(`unsupported probe scheme in ${JSON.stringify(text)}: expected ${PROBE_FORM}`, tcp
        ? `the kubelet probes over HTTP, TCP or gRPC, or runs a command: write ${JSON.stringify(tcp)} to check that the port takes connections`
        : 'the kubelet probes over http://, https://, tcp:// or grpc://, or runs a command: write e.g. "http://:8080/healthz"');
    }
    const words = splitWords(text);
    if (!words.ok) return words;
    if (words.value.length === 0) return fail(`empty probe command: expected ${PROBE_FORM}`, 'write a command, e.g. "cat /tmp/healthy", or a URL, e.g. "http://:8080/healthz"');
    return ok({ kind: 'exec', command: words.value });
  }
  const [, written, bracketed, portText, pathOrQuery] = url;
  const host = bracketed!.startsWith('[') ? bracketed!.slice(1, -1) : bracketed;
  const path = pathOrQuery?.startsWith('?') ? `/${pathOrQuery}` : pathOrQuery;
  const withPort = (p: string | number, rest = pathOrQuery ?? '') => `${written}://${bracketed}:${p}${rest}`;
  let port: number | string | undefined;
  if (portText !== undefined) {
    const p = parsePortRef(portText);
    if (!p.ok) {
      // A named port would not do either (see probe.port-name): the hint asks for a number.
      const hint = /^[0-9]+$/.test(portText) ? p.hint : `write the port's number, e.g. ${JSON.stringify(withPort(8080))}`;
      return fail(`${p.message} in probe ${JSON.stringify(text)}`, hint);
    }
    port = p.value;
  }
  const hostOrNothing = host ? { host } : {};
  switch (scheme) {
    case 'http':
    case 'https':
      return ok({
        kind: 'httpGet',
        scheme: scheme === 'https' ? 'HTTPS' : 'HTTP',
        ...hostOrNothing,
        port: port ?? (scheme === 'https' ? 443 : 80),
        path: path ?? '/',
      });
    case 'tcp':
      if (port === undefined) {
        return fail(`a tcp probe needs a port: expected tcp://[host]:port, got ${JSON.stringify(text)}`,
          `add the port the container listens on, e.g. ${JSON.stringify(withPort(8080, ''))}`);
      }
      if (path !== undefined) {
        return fail(`a tcp probe has no path: expected tcp://[host]:port, got ${JSON.stringify(text)}`,
          `write ${JSON.stringify(withPort(portText!, ''))}: a tcp probe only opens a connection`);
      }
      return ok({ kind: 'tcpSocket', ...hostOrNothing, port });
    default:
      if (typeof port !== 'number' || host) {
        return fail(`a grpc probe needs a port number and no host: expected grpc://:port[/service], got ${JSON.stringify(text)}`,
          typeof port === 'number' ? `write ${JSON.stringify(`${written}://:${port}${pathOrQuery ?? ''}`)}` : `write e.g. ${JSON.stringify(PROBE_EXAMPLE['grpc'])}`);
      }
      return ok({ kind: 'grpc', port, ...(path && path !== '/' ? { service: path.slice(1) } : {}) });
  }
}

/** A port given as a number (1-65535) or as a named port (IANA_SVC_NAME). */
function parsePortRef(text: string): Parsed<number | string> {
  if (/^[0-9]+$/.test(text)) {
    const out = portNumber(Number(text));
    return out ? fail(`port ${text} is out of range 1-65535`, `${out.hint}: write one in place of ${text}`) : ok(Number(text));
  }
  const bad = ianaServiceName(text);
  return bad ? fail(`port "${text}" is neither a number nor a valid port name (${bad.reason})`, bad.hint) : ok(text);
}

/**
 * words = word { blank word }
 * word  = { plain | "'" any-but-' "'" | '"' { any-but-"\ | "\" any } '"' | "\" any }
 * as a POSIX shell splits a command line, without expansion.
 */
export function splitWords(text: string): Parsed<string[]> {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return fail(`unterminated ' quote in ${JSON.stringify(text)}`, `close the quote: write ${JSON.stringify(`${text}'`)}`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word = word ?? '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1]!)) j++;
        word += text[j];
      }
      if (j >= text.length) {
        // A backslash at the end would escape the closing quote, and is then escaped itself.
        const closed = [`${text}"`, `${text}\\"`].find((c) => splitWords(c).ok)!;
        return fail(`unterminated " quote in ${JSON.stringify(text)}`, `close the quote: write ${JSON.stringify(closed)}`);
      }
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return ok(words);
}

export interface IngressRuleSpec {
  host?: string;
  path: string;
  pathType: 'Exact' | 'Prefix';
  tls?: string;
  service?: { name: string; port?: number | string };
}

const INGRESS_FORM = 'http(s)://host[/path][*][?tls=secret&svc=name:port]';

/** What the API server's net.ParseIPSloppy reads as an IPv4 address: leading zeros are stripped, any number of them. */
const IPV4_LIKE = /^[0-9]+(\.[0-9]+){3}$/;
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

/**
 * A rule's query as URLSearchParams reads it (application/x-www-form-urlencoded). A query with
 * nothing to decode (no '%', no '+', no UTF-16 surrogate, which may stand alone) and no leading
 * '?' (which URLSearchParams drops) is only split, which is what URLSearchParams gives for it:
 * its Node-internal code costs a cold render about 1 M instructions to compile, for the one rule
 * a kustz.yml usually has.
 */
export function queryParams(query: string): Array<[string, string]> {
  if (/^\?|[%+\uD800-\uDFFF]/.test(query)) return [...new URLSearchParams(query)];
  const params: Array<[string, string]> = [];
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    params.push(eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]);
  }
  return params;
}

/**
 * The host as a browser sends it (lower case, punycode: bücher.example is xn--bcher-kva.example),
 * where that differs from the one written and is a valid Ingress host.
 */
function browserHost(host: string): string | undefined {
  let ascii: string;
  try {
    ascii = new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
  return ascii === host || dns1123Subdomain(ascii.startsWith('*.') ? ascii.slice(2) : ascii) ? undefined : ascii;
}

/** A "%" that starts no escape. */
const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/**
 * A rule's path as requests carry it: Ingress controllers match the decoded path (nginx's $uri),
 * so "/caf%C3%A9" stands for "/café", as tangx/kustz read it with Go's url.Parse.
 */
function decodedPath(raw: string): Parsed<string> {
  // No request line carries a control character (C0, DEL or C1): no request would match.
  const literal = controlCharacter(raw);
  if (literal) return fail(`path ${JSON.stringify(raw)} holds a control character (${literal})`, 'remove the control character from the path');
  if (!raw.includes('%')) return ok(raw);
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    const lone = LONE_PERCENT.exec(raw);
    return lone
      ? fail(`path ${JSON.stringify(raw)} has a "%" without two hex digits after it (at character ${lone.index + 1})`, 'write "%25" for a "%" that is part of the path')
      : fail(`path ${JSON.stringify(raw)} does not decode to UTF-8 text`, 'write the characters themselves, or their UTF-8 bytes escaped (é is %C3%A9)');
  }
  const escaped = controlCharacter(path);
  if (escaped) return fail(`path ${JSON.stringify(raw)} decodes to a control character (${escaped})`, 'remove the escaped control character from the path');
  return ok(path);
}

/** The first control character in `text` as "U+0085", if any. A loop: a path is short, and a regular expression costs a cold start its compile. */
function controlCharacter(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/**
 * rule  = ("http" | "https") "://" [host] [path] ["*"] ["?" query]
 * host  = DNS name or "*." DNS name, no port
 * path  = "/" ...          a trailing "*" makes pathType Prefix, else Exact; none means "/" Prefix
 * query = tls=<secret name> and/or svc=<service>[:<port number or name>]
 */
export function parseIngressRule(text: string): Parsed<IngressRuleSpec> {
  // A hint offers a repaired rule only when it parses.
  const parses = (candidate: string | undefined) => (candidate !== undefined && candidate !== text && parseIngressRule(candidate).ok ? candidate : undefined);
  const instead = (candidate: string | undefined, otherwise: string, why = '') => {
    const repaired = parses(candidate);
    return repaired ? `${why}write ${JSON.stringify(repaired)}` : otherwise;
  };
  const m = /^([A-Za-z]+):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/.exec(text);
  if (!m || !/^https?$/i.test(m[1]!)) {
    // "https:/host", "ftp://host", "host/path": the URL as an Ingress serves it.
    const url = /^https?:/i.test(text) ? text.replace(/^(https?):\/*/i, '$1://') : /:\/\//.test(text) ? text.replace(/^[^:]*:\/\//, 'http://') : `http://${text}`;
    return fail(`expected ${INGRESS_FORM}, got ${JSON.stringify(text)}`, instead(url.replace(/#.*$/, ''), `write e.g. ${JSON.stringify(INGRESS_EXAMPLE)}`));
  }
  const [, scheme, host, rawPath, query] = m as unknown as [string, string, string, string, string | undefined];
  const rebuilt = (parts: { host?: string; path?: string; params?: string[] }) => {
    const params = parts.params ?? query?.split('&');
    return `${scheme}://${parts.host ?? host}${parts.path ?? rawPath}${params?.length ? `?${params.join('&')}` : ''}`;
  };
  const out: IngressRuleSpec = { path: '/', pathType: 'Prefix' };
  if (host) {
    if (host.startsWith('[')) {
      return fail(`an Ingress host must be a DNS name, not an IP address, got "${host}"`, 'leave the host out (http:///path) to match requests to any host');
    }
    if (host.includes(':')) {
      return fail(`an Ingress host has no port, got "${host}" in ${JSON.stringify(text)}`, 'drop the port: the Ingress listens on 80/443, and ?svc=name:port picks the backend port');
    }
    const wildcard = host.startsWith('*.') ? '*.' : '';
    // IsWildcardDNS1123Subdomain counts the "*." in the 253 characters.
    if (wildcard && host.length > 253) return fail(`host "${host}" must be no more than 253 characters, "*." included (it has ${host.length})`, 'shorten the domain');
    const bad = dns1123Subdomain(host.slice(wildcard.length));
    if (bad) {
      // A whole rule to write, never a bare host: the hint is followed where the rule stands.
      const sent = browserHost(host);
      const hint = instead(rebuilt({ host: sent ?? wildcard + (bad.fixed ?? '') }), bad.hint);
      return fail(`host "${host}" ${bad.reason}`, sent && /[^\x00-\x7f]/.test(host) && hint.startsWith('write ') ? `${hint} (the host in punycode, as browsers send it)` : hint);
    }
    if (IPV4_LIKE.test(host) && host.split('.').every((part) => Number(part) <= 255)) {
      return fail(`an Ingress host must be a DNS name, not an IP address, got "${host}"`, 'leave the host out (http:///path) to match requests to any host');
    }
    out.host = host;
  }
  if (rawPath) {
    const prefix = rawPath.endsWith('*');
    const asWritten = prefix ? rawPath.slice(0, -1) : rawPath;
    if (asWritten.includes('*')) {
      const cut = rawPath.slice(0, rawPath.indexOf('*') + 1);
      return fail(`"*" may only end a path, got ${JSON.stringify(rawPath)}`,
        instead(rebuilt({ path: cut }), 'write the "*" at the end of the path, e.g. "http://shop.example.com/api/*"',
          `an Ingress path matches a prefix, not a pattern: to route everything under ${cut.slice(0, -1)}, `));
    }
    const decoded = decodedPath(asWritten);
    if (!decoded.ok) {
      const escaped = asWritten.replace(new RegExp(LONE_PERCENT, 'g'), '%25');
      return fail(decoded.message, instead(rebuilt({ path: `${escaped}${prefix ? '*' : ''}` }), decoded.hint, 'a "%" that is part of the path is written "%25": '));
    }
    const path = decoded.value;
    const seq = INVALID_PATH_SEQUENCES.find((s) => path.includes(s)) ?? INVALID_PATH_SUFFIXES.find((s) => path.endsWith(s));
    if (seq) {
      const shown = path === asWritten ? JSON.stringify(path) : `${JSON.stringify(asWritten)} (decoded: ${JSON.stringify(path)})`;
      // Written back escaped where a character of the decoded path means something in a rule.
      const escaped = resolvedPath(path).replace(/[%*?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      return fail(`path ${shown} must not contain "${seq}" (the API server rejects it)`,
        instead(rebuilt({ path: `${escaped}${prefix ? '*' : ''}` }), `write the path without "${seq}"`));
    }
    out.path = path === '' ? '/' : path;
    out.pathType = prefix ? 'Prefix' : 'Exact';
  }
  // The query's own parts, as written: hints repair them where they stand.
  const written = (query ?? '').split('&');
  const replaced = (key: string, value: string, by: string | undefined) => {
    const at = written.indexOf(`${key}=${value}`);
    return at < 0 ? undefined : rebuilt({ params: written.flatMap((p, i) => (i !== at ? [p] : by === undefined ? [] : [by])) });
  };
  const given = new Set<string>();
  for (const [key, value] of queryParams(query ?? '')) {
    // One backend and one certificate per rule: a second value once won without a word.
    if (given.has(key) && (key === 'tls' || key === 'svc')) {
      return fail(`"${key}" is given twice in ${JSON.stringify(text)}; a rule has one ${key === 'tls' ? 'TLS secret' : 'backend'}`,
        instead(replaced(key, value, undefined), `keep one ${key}=`, `keep the first ${key}=: `));
    }
    given.add(key);
    if (key === 'tls') {
      const bad = dns1123Subdomain(value);
      if (bad) return fail(`tls secret name "${value}" ${bad.reason}`, instead(bad.fixed && replaced(key, value, `tls=${bad.fixed}`), bad.fixed ? `write tls=${bad.fixed}` : bad.hint));
      out.tls = value;
    } else if (key === 'svc') {
      const [name, port, ...extra] = value.split(':');
      if (extra.length || !name) return fail(`expected svc=name[:port], got "svc=${value}"`, 'write svc=<Service name> or svc=<Service name>:<port>, e.g. svc=web:8080');
      const bad = dns1035Label(name);
      const portPart = port === undefined ? '' : `:${port}`;
      if (bad) {
        return fail(`service name "${name}" ${bad.reason}`, instead(bad.fixed && replaced(key, value, `svc=${bad.fixed}${portPart}`), bad.fixed ? `write svc=${bad.fixed}${portPart}` : bad.hint));
      }
      if (port === undefined) out.service = { name };
      else {
        const p = parsePortRef(port);
        const named = /^[0-9]+$/.test(port) ? undefined : ianaServiceName(port)?.fixed;
        if (!p.ok) return fail(`${p.message} in "svc=${value}"`, instead(named && replaced(key, value, `svc=${name}:${named}`), p.hint));
        out.service = { name, port: p.value };
      }
    } else {
      const meant = closest(key, ['tls', 'svc']) ?? PARAMETER_WORDS[key.toLowerCase()];
      return fail(`unknown rule parameter "${key}": expected tls=<secret> or svc=<name>[:<port>]`, meant
        ? instead(replaced(key, value, `${meant}=${value}`), `write ${meant}=${value}`)
        : instead(replaced(key, value, undefined), `remove ${key}=${value}`, `a rule takes tls= and svc= only: `));
    }
  }
  return ok(out);
}

const INGRESS_EXAMPLE = 'http://shop.example.com/api/*';

/** What people call the parameters of a rule. */
const PARAMETER_WORDS: Record<string, string> = { service: 'svc', backend: 'svc', secret: 'tls', cert: 'tls', certificate: 'tls' };

/** `path` as the URL it names: "%2F" a "/", no empty, "." or ".." segment (they move up one). */
function resolvedPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.replace(/%2f/gi, '/').split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
  }
  const directory = /\/(\.{0,2})$/.test(path) && segments.length > 0;
  return `/${segments.join('/')}${directory ? '/' : ''}`;
}

const ENV_FROM_FORM = 'name[:true|false]';

/** What tangx/kustz took for the flag: the words of Go's strconv.ParseBool. */
const FLAG_WORDS: Record<string, boolean> = { true: true, True: true, TRUE: true, t: true, T: true, 1: true, false: false, False: false, FALSE: false, f: false, F: false, 0: false };

/** What people write for the flag, and the word it means. */
const FLAG_MEANT: Record<string, string> = { optional: 'true', yes: 'true', y: 'true', on: 'true', required: 'false', no: 'false', n: 'false', off: 'false' };

/** ref = name [":" flag]      a true flag (true, 1, t, ...) marks the source optional */
export function parseEnvFromRef(text: string): Parsed<{ name: string; optional?: boolean }> {
  const [name, flag, ...extra] = text.split(':');
  if (extra.length || (flag !== undefined && !Object.hasOwn(FLAG_WORDS, flag))) {
    const meant = extra.length === 0 && Object.hasOwn(FLAG_MEANT, flag!.toLowerCase()) ? `${name}:${FLAG_MEANT[flag!.toLowerCase()]}` : undefined;
    const hint = meant && parseEnvFromRef(meant).ok
      ? `write ${JSON.stringify(meant)}`
      : `write ${JSON.stringify(`${name}:true`)} if the source may be missing, or ${JSON.stringify(name)} if it must exist`;
    return fail(`expected ${ENV_FROM_FORM}, got ${JSON.stringify(text)}`, hint);
  }
  const bad = dns1123Subdomain(name!);
  if (bad) return fail(`name "${name}" ${bad.reason}`, bad.fixed ? `write ${JSON.stringify(bad.fixed + (flag === undefined ? '' : `:${flag}`))}` : bad.hint);
  return ok(flag === undefined ? { name: name! } : { name: name!, optional: FLAG_WORDS[flag]! });
}

const FILE_SOURCE_FORM = 'key=path or path';

/** source = [key "="] path       the key defaults to the file's base name */
export function parseFileSource(text: string): Parsed<{ key: string; path: string }> {
  const eq = text.indexOf('=');
  const key = eq >= 0 ? text.slice(0, eq) : text.slice(text.lastIndexOf('/') + 1);
  const path = eq >= 0 ? text.slice(eq + 1) : text;
  if (path === '' || key === '') {
    const named = key === '' && path !== '' && path !== text && parseFileSource(path).ok;
    return fail(`expected ${FILE_SOURCE_FORM}, got ${JSON.stringify(text)}`, named
      ? `write ${JSON.stringify(path)} for the key ${JSON.stringify(path.slice(path.lastIndexOf('/') + 1))}, or name the key: "<key>=${path}"`
      : 'name a file, and the key before "=" if it is not the file\'s name: e.g. "app.properties" or "settings.json=config/app.json"');
  }
  return ok({ key, path });
}
