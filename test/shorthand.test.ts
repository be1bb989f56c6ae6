/** Tables of accepted and rejected inputs for every short-string grammar. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compareQuantities,
  parseEnvFromRef,
  parseFileSource,
  parseIngressRule,
  parsePort,
  parseProbeAction,
  parseQuantity,
  parseResource,
  queryParams,
  splitWords,
  type Parsed,
} from '../src/shorthand.js';
import { parseSetPath } from '../src/overrides.js';
import { UsageError } from '../src/errors.js';
import { Rng } from './helpers/mutate.js';

function accepted<T>(name: string, parse: (s: string) => Parsed<T>, table: Array<[string, T]>) {
  test(`${name}: accepted`, () => {
    for (const [input, expected] of table) {
      const r = parse(input);
      assert.ok(r.ok, `${JSON.stringify(input)} was rejected: ${r.ok ? '' : r.message}`);
      if (r.ok) assert.equal(r.value, expected, JSON.stringify(input));
    }
  });
}

function rejected<T>(name: string, parse: (s: string) => Parsed<T>, table: Array<[string, RegExp]>) {
  test(`${name}: rejected, with a hint`, () => {
    for (const [input, message] of table) {
      const r = parse(input);
      assert.not.ok(r.ok, `${JSON.stringify(input)} was accepted`);
      if (!r.ok) {
        assert.match(r.message, message, JSON.stringify(input));
        assert.ok(r.hint.trim(), `${JSON.stringify(input)}: no hint`);
      }
    }
  });
}

/** The value a hint says to write ("... write "X" ..." or "... write 1Gi ..."), if it names one. */
function written(hint: string): string | undefined {
  const m = /\bwrite ("(?:[^"\\]|\\.)*"|[^\s,:;]*[0-9][^\s,:;]*)/.exec(hint);
  return m ? (m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]) : undefined;
}

/** Each input fails with exactly `hint`; a value the hint says to write parses. */
function hinted<T>(name: string, parse: (s: string) => Parsed<T>, table: Array<[string, string]>) {
  test(`${name}: hints, followed, parse`, () => {
    for (const [input, hint] of table) {
      const r = parse(input);
      assert.is(r.ok ? undefined : r.hint, hint, JSON.stringify(input));
      const value = written(hint);
      if (value !== undefined) assert.ok(parse(value).ok, `${JSON.stringify(input)}: the hint's ${JSON.stringify(value)} does not parse`);
    }
  });
}

test('parseSetPath: dotted keys, list items, quoted keys', () => {
  for (const [input, expected] of [
    ['service.envs.pairs.LOG', ['service', 'envs', 'pairs', 'LOG']],
    ['service.ports[1]', ['service', 'ports', 1]],
    ['service.ports.1', ['service', 'ports', 1]],
    ['service.resources["nvidia.com/gpu"]', ['service', 'resources', 'nvidia.com/gpu']],
    ["a['b.c'].d", ['a', 'b.c', 'd']],
    ['a["q\\"x"]', ['a', 'q"x']],
    ['["x"][0]', ['x', 0]],
    ['a.010', ['a', '010']],
    ['pairs.__proto__', ['pairs', '__proto__']],
  ] as const) {
    assert.equal(parseSetPath(input), expected, input);
  }
});

test('parseSetPath: anything else is a usage error, not a guess (lodash read ["x as the key "x)', () => {
  for (const [input, at] of [
    ['["x', 1],
    ['a..b', 2],
    ['a.', 2],
    ['.a', 1],
    ['a[b]', 2],
    ['a[1]b', 5],
    ['a]b', 2],
    ['a.[0]', 2],
    ['a["b"', 2],
  ] as const) {
    assert.throws(() => parseSetPath(input), (e: Error) => e instanceof UsageError && e.message === `--set path "${input}" is malformed at character ${at}; write keys as a.b, keys with dots as a["b.c"], list items as a[0]`, input);
  }
});

accepted('parsePort', parsePort, [
  ['80:8080', { protocol: 'TCP', exposeOnNode: false, port: 80, targetPort: 8080 }],
  ['8080', { protocol: 'TCP', exposeOnNode: false, port: 8080, targetPort: 8080 }],
  ['udp://!9998:8889', { protocol: 'UDP', exposeOnNode: true, port: 9998, targetPort: 8889 }],
  ['!20080:80:8080', { protocol: 'TCP', exposeOnNode: true, nodePort: 20080, port: 80, targetPort: 8080 }],
  ['sctp://7777', { protocol: 'SCTP', exposeOnNode: false, port: 7777, targetPort: 7777 }],
  ['TCP://1:65535', { protocol: 'TCP', exposeOnNode: false, port: 1, targetPort: 65535 }],
  ['!8080', { protocol: 'TCP', exposeOnNode: true, port: 8080, targetPort: 8080 }],
]);

test('parsePort: a protocol written as Docker Compose writes it gets the form to write', () => {
  for (const [input, hint] of [
    ['8080:80/tcp', 'write "tcp://8080:80"'],
    ['80/UDP', 'write "udp://80"'],
    ['!30053:53/udp', 'write "udp://!30053:53"'],
    ['udp:80', 'write "udp://80"'],
  ]) {
    const r = parsePort(input!);
    assert.equal(r.ok ? undefined : [r.message, r.hint], [`the protocol is written as a URL scheme: expected [tcp|udp|sctp://][!][nodePort:]port[:targetPort], got ${JSON.stringify(input)}`, hint], input);
  }
});

rejected('parsePort', parsePort, [
  ['8o', /"8o" is not a number: expected \[tcp\|udp\|sctp:\/\/\]\[!\]\[nodePort:\]port\[:targetPort\], got "8o"/],
  ['0', /out of range 1-65535/],
  ['65536', /out of range 1-65535/],
  ['http://80', /unknown protocol "http"/],
  ['1:2:3', /a nodePort needs "!"/],
  ['!1:2:3:4', /too many numbers/],
  ['80:', /empty number/],
  ['', /empty number/],
  [' 80', /is not a number/],
  ['-1', /is not a number/],
  ['!!80', /bad port/],
  ['80/foo', /unknown protocol "foo"/],
  ['foo:80', /unknown protocol "foo"/],
  ['http:80', /unknown protocol "http"/],
  ['99999999999999999999999', /port 99999999999999999999999 is out of range/],
]);

hinted('parsePort', parsePort, [
  // The protocol stays: "!30080:80:8080" alone would be a TCP port.
  ['udp://30080:80:8080', 'write "udp://!30080:80:8080"'],
  ['30080:80:8080', 'write "!30080:80:8080"'],
  // http is no Service protocol: it runs over TCP, which a port is without one.
  ['http:80', 'http runs over TCP, a Service port\'s default: write "80"'],
  ['https://443', 'https runs over TCP, a Service port\'s default: write "443"'],
  ['http://!30080:80:8080', 'http runs over TCP, a Service port\'s default: write "!30080:80:8080"'],
  ['80/foo', 'a Service port is TCP (the default), UDP or SCTP: write "80" for TCP, or put udp:// or sctp:// before it'],
  ['foo:80', 'a Service port is TCP (the default), UDP or SCTP: write "80" for TCP, or put udp:// or sctp:// before it'],
  ['80/UDP', 'write "udp://80"'],
  ['80:8o8o', 'write "80:8080"'],
  ['80::8080', 'write "80:8080"'],
  ['udp://80:', 'write "udp://80"'],
  ['80:!8080', 'write "!80:8080"'],
  ['udp://!!53', 'write "udp://!53"'],
  ['!1:2:3:4', 'write at most three: "!nodePort:port:targetPort", e.g. "!30080:80:8080"'],
  ['80:70000', 'a port is a whole number from 1 to 65535: write one in place of 70000'],
  ['x', 'write e.g. "80" or "80:8080" (Service port 80 to container port 8080), "udp://53" for UDP, "!30080:80:8080" for a NodePort'],
]);

test('parseQuantity: exact values', () => {
  const eq = (a: string, b: string) => {
    const x = parseQuantity(a);
    const y = parseQuantity(b);
    assert.ok(x.ok && y.ok, `${a} / ${b}`);
    if (x.ok && y.ok) assert.is(compareQuantities(x.value, y.value), 0, `${a} == ${b}`);
  };
  eq('1', '1000m');
  eq('0.5', '500m');
  eq('.5', '500m');
  eq('1Ki', '1024');
  eq('1Mi', '1048576');
  eq('1e3', '1k');
  eq('1E-3', '1m');
  eq('1.5Gi', '1536Mi');
  eq('+2', '2');
  eq('1n', '0.000000001');
});

rejected('parseQuantity', parseQuantity, [
  ['', /invalid quantity/],
  ['abc', /invalid quantity/],
  ['1Kb', /unknown suffix "Kb"/],
  ['10 Mi', /unknown suffix " Mi"/],
  ['-1', /must not be negative/],
  ['1.2.3', /unknown suffix/],
  ['1e', /unknown suffix/],
]);

test('parseQuantity: byte units as people write them get a hint', () => {
  const r = parseQuantity('1Gb');
  assert.ok(!r.ok && r.hint === 'write 1Gi for powers of 1024 (Gi = 1024^n bytes) or 1G for powers of 1000', JSON.stringify(r));
  const k = parseQuantity('512KB');
  assert.ok(!k.ok && k.hint?.includes('512Ki') && k.hint.includes('512k'), JSON.stringify(k));
});

test('parseResource: sides', () => {
  const texts = (s: string) => {
    const r = parseResource(s);
    if (!r.ok) throw new Error(r.message);
    return [r.value.request?.text, r.value.limit?.text];
  };
  assert.equal(texts('10m/20m'), ['10m', '20m']);
  assert.equal(texts('10Mi'), ['10Mi', '10Mi']);
  assert.equal(texts('1Gi/'), ['1Gi', undefined]);
  assert.equal(texts('/64Mi'), [undefined, '64Mi']);
  assert.equal(texts('1/1'), ['1', '1']);
  assert.equal(texts('500m/0.5'), ['500m', '0.5']);
});

rejected('parseResource', parseResource, [
  ['20m/10m', /request 20m is greater than limit 10m/],
  ['2Gi/1Gi', /greater than limit/],
  ['1/2/3', /expected request\/limit/],
  ['/', /expected request\/limit/],
  ['', /expected request\/limit/],
  [' ', /expected request\/limit/],
  [' / ', /expected request\/limit/],
  ['\u2028', /expected request\/limit/],
  ['10x/20m', /invalid quantity|unknown suffix/],
]);

hinted('parseResource', parseResource, [
  ['1gi', 'write 1Gi'],
  ['10 Mi', 'write 10Mi'],
  // The suffix's own case first: M is mega, m milli.
  ['512 M', 'write 512M'],
  ['1 m', 'write 1m'],
  ['1GiB', 'write 1Gi'],
  ['2 cores', 'write 2'],
  ['100mc', 'write 100m'],
  // Both sides: "1Gi/2gi" would fail on its limit.
  ['1gi/2gi', 'write 1Gi/2Gi'],
  ['512MB/1GB', 'write 512Mi/1Gi'],
  ['-1', 'leave the resource out to set none, or drop the "-"'],
  ['-1/2', 'leave the resource out to set none, or drop the "-"'],
  ['1/2/3', 'write 1/2: one "/" between request and limit'],
  [' / ', 'write an amount, e.g. 100m/200m or 128Mi, or leave the resource out'],
  ['200m/100m', 'a request is at most its limit: write 100m/200m if the two are swapped (request first), or raise the limit'],
  ['1e2000', 'write the amount with a suffix such as G or Gi, e.g. 64Gi'],
]);

accepted('parseProbeAction', parseProbeAction, [
  ['http://:8080/healthy', { kind: 'httpGet', scheme: 'HTTP', port: 8080, path: '/healthy' }],
  ['https://:8443/ready', { kind: 'httpGet', scheme: 'HTTPS', port: 8443, path: '/ready' }],
  ['HTTPS://example.com/x?y=1', { kind: 'httpGet', scheme: 'HTTPS', host: 'example.com', port: 443, path: '/x?y=1' }],
  ['http://[::1]:8080/healthz', { kind: 'httpGet', scheme: 'HTTP', host: '::1', port: 8080, path: '/healthz' }],
  ['http://:8080?ready=1', { kind: 'httpGet', scheme: 'HTTP', port: 8080, path: '/?ready=1' }],
  ['http://localhost', { kind: 'httpGet', scheme: 'HTTP', host: 'localhost', port: 80, path: '/' }],
  ['http://:http/healthz', { kind: 'httpGet', scheme: 'HTTP', port: 'http', path: '/healthz' }],
  ['tcp://0.0.0.0:8080', { kind: 'tcpSocket', host: '0.0.0.0', port: 8080 }],
  ['tcp://:8080', { kind: 'tcpSocket', port: 8080 }],
  ['grpc://:9090', { kind: 'grpc', port: 9090 }],
  ['grpc://:9090/liveness', { kind: 'grpc', port: 9090, service: 'liveness' }],
  ['cat /tmp/healthy', { kind: 'exec', command: ['cat', '/tmp/healthy'] }],
  [`sh -c 'echo "a b" > /tmp/x'`, { kind: 'exec', command: ['sh', '-c', 'echo "a b" > /tmp/x'] }],
  ['/bin/true', { kind: 'exec', command: ['/bin/true'] }],
]);

rejected('parseProbeAction', parseProbeAction, [
  ['tcp://localhost', /a tcp probe needs a port/],
  ['tcp://:8080/path', /a tcp probe has no path/],
  ['http://:99999/', /out of range/],
  ['http://:Web_Port/', /neither a number nor a valid port name/],
  ['grpc://host:9090', /grpc probe needs a port number and no host/],
  ['ftp://host/file', /unsupported probe scheme/],
  ['   ', /empty probe command/],
  [`sh -c 'unterminated`, /unterminated ' quote/],
  ['http://[::1/', /the IPv6 address in "http:\/\/\[::1\/" has no closing "\]"/],
  ['http://a[b/', /"http:\/\/a\[b\/" is a malformed URL/],
  ['grpc://:http', /grpc probe needs a port number/],
]);

hinted('parseProbeAction', parseProbeAction, [
  ['http://[::1/', 'write "http://[::1]/"'],
  // "::1:8080" is an address too: where it ends is a guess, so no value is offered.
  ['http://[::1:8080/healthz', 'close the address with "]" before the port, e.g. "http://[::1]:8080/healthz"'],
  ['https://[::1?x=1', 'write "https://[::1]?x=1"'],
  ['http://a[b/', 'write e.g. "http://:8080/healthz"'],
  ['ftp://:21/health', 'the kubelet probes over HTTP, TCP or gRPC, or runs a command: write "tcp://:21" to check that the port takes connections'],
  ['ftp://host/file', 'the kubelet probes over http://, https://, tcp:// or grpc://, or runs a command: write e.g. "http://:8080/healthz"'],
  ['tcp://localhost', 'add the port the container listens on, e.g. "tcp://localhost:8080"'],
  ['tcp://:8080/path', 'write "tcp://:8080": a tcp probe only opens a connection'],
  ['grpc://host:9090/svc', 'write "grpc://:9090/svc"'],
  ['http://:99999/', 'a port is a whole number from 1 to 65535: write one in place of 99999'],
  // A named port would fail too (probe.port-name): the hint asks for a number.
  ['http://:Web_Port/x', 'write the port\'s number, e.g. "http://:8080/x"'],
  [`sh -c 'test -f /tmp/x`, `close the quote: write "sh -c 'test -f /tmp/x'"`],
  ['sh -c "a', 'close the quote: write "sh -c \\"a\\""'],
  // A backslash at the end escapes the quote that would close: it is escaped in turn.
  ['echo "a\\', String.raw`close the quote: write "echo \"a\\\\\""`],
  ['   ', 'write a command, e.g. "cat /tmp/healthy", or a URL, e.g. "http://:8080/healthz"'],
]);

accepted('splitWords', splitWords, [
  ['a b  c', ['a', 'b', 'c']],
  [`a 'b c' "d e"`, ['a', 'b c', 'd e']],
  [`a\\ b`, ['a b']],
  [`"say \\"hi\\""`, ['say "hi"']],
  [`''`, ['']],
  [`x'y'"z"`, ['xyz']],
]);

accepted('parseIngressRule', parseIngressRule, [
  ['http://api.example.com/ping?tls=star-example-com&svc=srv-webapp-demo:8080',
    { path: '/ping', pathType: 'Exact', host: 'api.example.com', tls: 'star-example-com', service: { name: 'srv-webapp-demo', port: 8080 } }],
  ['http://api.balala.com/*', { path: '/', pathType: 'Prefix', host: 'api.balala.com' }],
  ['http://api.example.com', { path: '/', pathType: 'Prefix', host: 'api.example.com' }],
  ['https://a.example.com/api/*', { path: '/api/', pathType: 'Prefix', host: 'a.example.com' }],
  ['http://*.example.com/x', { path: '/x', pathType: 'Exact', host: '*.example.com' }],
  ['http:///only-path', { path: '/only-path', pathType: 'Exact' }],
  ['http://a.example.com/?svc=web', { path: '/', pathType: 'Exact', host: 'a.example.com', service: { name: 'web' } }],
  ['http://a.example.com/?svc=web:http', { path: '/', pathType: 'Exact', host: 'a.example.com', service: { name: 'web', port: 'http' } }],
  // Controllers match the decoded path, as tangx/kustz's url.Parse gave it.
  ['http://a.example.com/caf%C3%A9/*', { path: '/café/', pathType: 'Prefix', host: 'a.example.com' }],
  ['http://a.example.com/a%20b', { path: '/a b', pathType: 'Exact', host: 'a.example.com' }],
  ['http://a.example.com/100%25', { path: '/100%', pathType: 'Exact', host: 'a.example.com' }],
]);

rejected('parseIngressRule', parseIngressRule, [
  ['api.example.com/ping', /expected http\(s\):\/\/host/],
  ['ftp://api.example.com/', /expected http\(s\):\/\/host/],
  ['http://API.example.com/', /host "API.example.com" must be a DNS-1123 subdomain/],
  ['http://api.example.com:8080/', /has no port/],
  ['http://a.example.com/x?svc=foo:80&svc=bar:81', /"svc" is given twice in "http:\/\/a.example.com\/x\?svc=foo:80&svc=bar:81"; a rule has one backend/],
  ['https://a.example.com/?tls=a&tls=b', /"tls" is given twice in .*; a rule has one TLS secret/],
  ['http://a.example.com/a*b', /"\*" may only end a path/],
  ['http://a.example.com//x', /must not contain "\/\/"/],
  ['http://a.example.com/x/..', /must not contain "\/.."/],
  ['http://a.example.com/?tls=Bad_Name', /tls secret name "Bad_Name"/],
  ['http://a.example.com/?svc=1web', /service name "1web"/],
  ['http://a.example.com/?svc=web:99999', /out of range/],
  ['http://a.example.com/?svc=a:b:c', /expected svc=name\[:port\]/],
  ['http://a.example.com/?tsl=x', /unknown rule parameter "tsl"/],
  ['http://a_b.com/', /host "a_b.com" must be a DNS-1123 subdomain/],
  ['http://a.example.com/100%', /path "\/100%" has a "%" without two hex digits after it \(at character 5\)/],
  ['http://a.example.com/a%zzb', /has a "%" without two hex digits/],
  ['http://a.example.com/caf%C3', /path "\/caf%C3" does not decode to UTF-8 text/],
  ['http://a.example.com/a%0Ab', /decodes to a control character \(U\+000A\)/],
  ['http://a.example.com/a%C2%85b', /decodes to a control character \(U\+0085\)/],
  ['http://a.example.com/a\u0085b', /holds a control character \(U\+0085\)/],
  ['http://a.example.com/a\tb', /holds a control character \(U\+0009\)/],
  ['http://a.example.com/a\x7fb', /holds a control character \(U\+007F\)/],
  ['http://a.example.com/a%2F%2Fb', /path "\/a%2F%2Fb" \(decoded: "\/a\/\/b"\) must not contain "\/\/"/],
]);

hinted('parseIngressRule', parseIngressRule, [
  ['shop.example.com/api/*', 'write "http://shop.example.com/api/*"'],
  ['https:/shop.example.com/', 'write "https://shop.example.com/"'],
  ['ftp://shop.example.com/', 'write "http://shop.example.com/"'],
  ['http://shop.example.com/x#top', 'write "http://shop.example.com/x"'],
  ['http://a_b.com/', 'write "http://a-b.com/"'],
  ['http://*.A_B.com/x', 'write "http://*.a-b.com/x"'],
  ['http://a.example.com/api/*/v1', 'an Ingress path matches a prefix, not a pattern: to route everything under /api/, write "http://a.example.com/api/*"'],
  ['http://a.example.com/api//v1', 'write "http://a.example.com/api/v1"'],
  ['http://a.example.com/a/./b/../c*', 'write "http://a.example.com/a/c*"'],
  ['http://a.example.com/%2Fx?svc=web', 'write "http://a.example.com/x?svc=web"'],
  ['http://a.example.com/100%25//x', 'write "http://a.example.com/100%25/x"'],
  // A decoded "*", "?" or "#" goes back escaped: the hint means the path written, not a prefix or a query.
  ['http://a.example.com/x//y%2A', 'write "http://a.example.com/x/y%2A"'],
  ['http://a.example.com/a/..%2F%2A', 'write "http://a.example.com/%2A"'],
  ['http://a.example.com/a/../b%3F', 'write "http://a.example.com/b%3F"'],
  ['http://a.example.com/100%', 'a "%" that is part of the path is written "%25": write "http://a.example.com/100%25"'],
  ['http://a.example.com/caf%C3', 'write the characters themselves, or their UTF-8 bytes escaped (é is %C3%A9)'],
  ['http://a.example.com/x?svc=foo:80&svc=bar:81', 'keep the first svc=: write "http://a.example.com/x?svc=foo:80"'],
  ['http://a.example.com/?tls=Bad_Name', 'write "http://a.example.com/?tls=bad-name"'],
  ['http://a.example.com/?svc=1web:80', 'write "http://a.example.com/?svc=web:80"'],
  ['http://a.example.com/?svc=web:Http_x', 'write "http://a.example.com/?svc=web:http-x"'],
  ['http://a.example.com/?svc=a:b:c', 'write svc=<Service name> or svc=<Service name>:<port>, e.g. svc=web:8080'],
  ['http://a.example.com/?tsl=x', 'write "http://a.example.com/?tls=x"'],
  ['http://a.example.com/?service=cart:80', 'write "http://a.example.com/?svc=cart:80"'],
  ['http://a.example.com/?port=80&svc=x', 'a rule takes tls= and svc= only: write "http://a.example.com/?svc=x"'],
]);

test('parseIngressRule: a host in the wrong case or not in ASCII gets the one to write', () => {
  for (const [rule, hint] of [
    // The whole rule, which is what stands where the hint is followed.
    ['http://API.example.com/api', 'write "http://api.example.com/api"'],
    ['http://bücher.example/', 'write "http://xn--bcher-kva.example/" (the host in punycode, as browsers send it)'],
    ['http://*.BÜCHER.example/', 'write "http://*.xn--bcher-kva.example/" (the host in punycode, as browsers send it)'],
    // Other mistakes get the host as the rule repairs it.
    ['http://ex_ample.com/', 'write "http://ex-ample.com/"'],
    ['http://-a.example.com/', 'write "http://a.example.com/"'],
  ] as const) {
    const r = parseIngressRule(rule);
    assert.not.ok(r.ok, rule);
    if (!r.ok) assert.is(r.hint, hint, rule);
  }
});

test('queryParams: what URLSearchParams reads, for every query', () => {
  const listed = ['', '?', '?svc=a', '??svc=a', 'svc=a?b', 'svc=a:80&tls=x', '&&svc=a&', 'a', 'a=', '=b', 'a=b=c', 'svc=a%3A80', 'tls=a+b', 'k=%zz%4', 'k=%E2%82', 'k=\uD800', 'k=\uD83D\uDE00', 'k=\uDE00x'];
  // Random queries over the characters that matter to the form encoding, and plain ones.
  const alphabet = ['a', 'Z', '0', '9', ':', '-', '.', '&', '=', '%', '+', '2', 'f', 'F', 'é', '\uD83D', '\uDE00', ' ', '/', '?'];
  const rng = new Rng(7);
  const generated = Array.from({ length: 5000 }, () => Array.from({ length: rng.int(14) }, () => rng.pick(alphabet)).join(''));
  for (const query of [...listed, ...generated]) assert.equal(queryParams(query), [...new URLSearchParams(query)], JSON.stringify(query));
});

accepted('parseEnvFromRef', parseEnvFromRef, [
  ['srv-webapp-demo-envs:true', { name: 'srv-webapp-demo-envs', optional: true }],
  ['srv-webapp-demo-envs:false', { name: 'srv-webapp-demo-envs', optional: false }],
  ['plain', { name: 'plain' }],
  ['dotted.name', { name: 'dotted.name' }],
  // Go's strconv.ParseBool, which tangx/kustz used.
  ...['1', 't', 'T', 'TRUE', 'True'].map((f): [string, { name: string; optional: boolean }] => [`a:${f}`, { name: 'a', optional: true }]),
  ...['0', 'f', 'F', 'FALSE', 'False'].map((f): [string, { name: string; optional: boolean }] => [`a:${f}`, { name: 'a', optional: false }]),
]);

rejected('parseEnvFromRef', parseEnvFromRef, [
  ['name:yes', /expected name\[:true\|false\]/],
  ['a:true:false', /expected name\[:true\|false\]/],
  ['a:tRUE', /expected name\[:true\|false\]/],
  ['a:toString', /expected name\[:true\|false\]/],
  ['Upper:true', /must be a DNS-1123 subdomain/],
  [':true', /must be a DNS-1123 subdomain/],
]);

hinted('parseEnvFromRef', parseEnvFromRef, [
  ['shop-envs:optional', 'write "shop-envs:true"'],
  ['shop-envs:no', 'write "shop-envs:false"'],
  ['a:true:false', 'write "a:true" if the source may be missing, or "a" if it must exist'],
  ['Shop_Envs:true', 'write "shop-envs:true"'],
]);

accepted('parseFileSource', parseFileSource, [
  ['tls.crt=catsecret/tls.crt', { key: 'tls.crt', path: 'catsecret/tls.crt' }],
  ['certs/tls.crt', { key: 'tls.crt', path: 'certs/tls.crt' }],
  ['app.properties', { key: 'app.properties', path: 'app.properties' }],
  ['.dockerconfigjson=docker-config.json', { key: '.dockerconfigjson', path: 'docker-config.json' }],
]);

rejected('parseFileSource', parseFileSource, [
  ['=path', /expected key=path or path/],
  ['key=', /expected key=path or path/],
  ['dir/', /expected key=path or path/],
]);

hinted('parseFileSource', parseFileSource, [
  ['=app.properties', 'write "app.properties" for the key "app.properties", or name the key: "<key>=app.properties"'],
]);

test.run();
