/**
 * An independent check of kustz's OUTPUT against what `kubectl apply` and the API server accept
 * (k8s.io/kubernetes pkg/apis/core/validation, pkg/apis/apps/validation,
 * pkg/apis/networking/validation). It shares only the name/label/key rules of src/k8s.ts with
 * the code under test; everything about kinds, required fields, quantities and YAML decoding is
 * written here again, from the API server's point of view, so that a bug in a normalizer cannot
 * hide itself.
 */
import { Buffer } from 'node:buffer';
import { isScalar, parseAllDocuments, visit } from 'yaml';
import * as rules from '../../src/k8s.js';

type Obj = Record<string, unknown>;

const MiB = 1024 * 1024;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Parses a multi-document stream as kubectl would, returning the objects and any decoding problem. */
export function parseManifests(text: string): { objects: unknown[]; problems: string[] } {
  const problems: string[] = [];
  if (text === '') return { objects: [], problems: ['empty output'] };
  if (!text.endsWith('\n')) problems.push('output does not end with a newline');
  const docs = parseAllDocuments(text, { uniqueKeys: true, strict: true });
  if (!Array.isArray(docs)) return { objects: [], problems: ['output holds no YAML document'] };
  const objects: unknown[] = [];
  docs.forEach((doc, i) => {
    for (const e of [...doc.errors, ...doc.warnings]) problems.push(`document ${i}: YAML ${e.code}: ${e.message.split('\n')[0]}`);
    visit(doc, {
      Alias: () => void problems.push(`document ${i}: uses a YAML alias`),
      Scalar: (_key, node) => {
        if (node.type !== 'PLAIN' || typeof node.value !== 'string') return;
        const kind = goYamlV2Kind(node.source ?? node.value);
        if (kind !== 'string') problems.push(`document ${i}: plain scalar ${JSON.stringify(node.value)} is a ${kind} to kubectl (YAML 1.1); it must be quoted`);
      },
    });
    if (!isScalar(doc.contents) || doc.contents.value !== null) objects.push(doc.toJS({ maxAliasCount: 0 }));
    else problems.push(`document ${i} is empty`);
  });
  return { objects, problems };
}

const GO_YAML_V2_MAP = new Map<string, string>();
for (const [kind, words] of [
  ['bool', ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']],
  ['null', ['', '~', 'null', 'Null', 'NULL']],
  ['float', ['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']],
  ['merge key', ['<<']],
] as const) {
  for (const w of words) GO_YAML_V2_MAP.set(w, kind);
}
const GO_INT = /^[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * How gopkg.in/yaml.v2 (inside sigs.k8s.io/yaml, which kubectl decodes manifests with) resolves
 * a plain scalar: YAML 1.1 booleans, Go's base-0 integers with '_' removed, and floats.
 * Timestamps decode to strings there, so they count as strings.
 */
export function goYamlV2Kind(plain: string): string {
  const mapped = GO_YAML_V2_MAP.get(plain);
  if (mapped) return mapped;
  const first = plain[0] ?? '';
  if (first === '.') return Number.isNaN(Number(plain)) ? 'string' : 'float';
  if (!/[-+0-9]/.test(first)) return 'string';
  if (/^[0-9]{4}-/.test(plain)) return 'string';
  const digits = plain.replace(/_/g, '');
  if (GO_INT.test(digits)) return 'int';
  if (GO_YAML_FLOAT.test(digits)) return 'float';
  return 'string';
}

/** Every reason the API server (or kubectl's decoder) would refuse these objects. Empty = fine. */
export function apiServerProblems(objects: readonly unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  objects.forEach((o, i) => {
    const p = new Problems(out, `object ${i}`);
    if (!isObj(o)) return p.add('', 'is not a map');
    const kind = `${String(o['apiVersion'])}/${String(o['kind'])}`;
    const check = KINDS[kind];
    if (!check) return p.add('', `unknown apiVersion/kind ${kind}`);
    p.where = `${o['kind']} ${JSON.stringify((o['metadata'] as Obj | undefined)?.['name'])}`;
    noNulls(p, '', o);
    const meta = metadata(p, o['metadata'], o['kind'] === 'Service' ? 'service' : 'subdomain');
    if (meta) {
      const id = `${o['kind']}/${meta.namespace ?? ''}/${meta.name}`;
      if (seen.has(id)) p.add('metadata.name', 'is emitted twice');
      seen.add(id);
    }
    check(p, o);
  });
  return out;
}

class Problems {
  constructor(private readonly out: string[], public where: string) {}
  add(field: string, message: string): void {
    this.out.push(`${this.where}${field ? ` ${field}` : ''}: ${message}`);
  }
  rule(field: string, problem: { reason: string } | undefined): void {
    if (problem) this.add(field, problem.reason);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const INT32_MAX = 2147483647;

function noNulls(p: Problems, at: string, v: unknown): void {
  if (v === null || v === undefined) p.add(at, 'is null');
  else if (Array.isArray(v)) v.forEach((x, i) => noNulls(p, `${at}[${i}]`, x));
  else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) noNulls(p, at ? `${at}.${k}` : k, x);
  else if (typeof v === 'number' && !Number.isFinite(v)) p.add(at, `is ${v}`);
}

function onlyKeys(p: Problems, at: string, o: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) p.add(at ? `${at}.${k}` : k, 'is not a field of this kind');
}

function stringMap(p: Problems, at: string, v: unknown): Obj | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) {
    p.add(at, 'must be a map');
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') p.add(`${at}[${JSON.stringify(k)}]`, `must be a string, got ${typeof x}`);
  return v;
}

function labels(p: Problems, at: string, v: unknown, required = false): Obj | undefined {
  if (v === undefined && !required) return undefined;
  const m = stringMap(p, at, v);
  if (!m) return p.add(at, 'is required'), undefined;
  for (const [k, x] of Object.entries(m)) {
    p.rule(`${at} key ${JSON.stringify(k)}`, rules.qualifiedName(k));
    if (typeof x === 'string') p.rule(`${at}[${JSON.stringify(k)}]`, rules.labelValue(x));
  }
  return m;
}

function metadata(p: Problems, v: unknown, nameRule: 'subdomain' | 'service'): { name: string; namespace?: string } | undefined {
  if (!isObj(v)) return p.add('metadata', 'is required'), undefined;
  onlyKeys(p, 'metadata', v, ['name', 'namespace', 'labels', 'annotations']);
  const { name, namespace } = v;
  if (typeof name !== 'string' || name === '') return p.add('metadata.name', 'is required'), undefined;
  p.rule('metadata.name', nameRule === 'service' ? rules.dns1035Label(name) : rules.dns1123Subdomain(name));
  if (namespace !== undefined) {
    if (typeof namespace !== 'string') p.add('metadata.namespace', 'must be a string');
    else p.rule('metadata.namespace', rules.dns1123Label(namespace));
  }
  labels(p, 'metadata.labels', v['labels']);
  annotations(p, 'metadata.annotations', v['annotations']);
  return { name, ...(typeof namespace === 'string' ? { namespace } : {}) };
}

function annotations(p: Problems, at: string, v: unknown): void {
  const m = stringMap(p, at, v);
  if (!m) return;
  let size = 0;
  for (const [k, x] of Object.entries(m)) {
    p.rule(`${at} key ${JSON.stringify(k)}`, rules.qualifiedName(k.toLowerCase()));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(x));
  }
  if (size > MAX_ANNOTATIONS_BYTES) p.add(at, `total size ${size} exceeds ${MAX_ANNOTATIONS_BYTES}`);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function dataMap(p: Problems, at: string, v: unknown, base64: boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const m = stringMap(p, at, v);
  if (!m) return out;
  for (const [k, x] of Object.entries(m)) {
    p.rule(`${at} key ${JSON.stringify(k)}`, rules.configMapKey(k));
    if (typeof x !== 'string') continue;
    if (base64 && !STRICT_BASE64.test(x)) p.add(`${at}[${JSON.stringify(k)}]`, 'is not base64 on one line');
    out.set(k, base64 ? Buffer.from(x, 'base64') : Buffer.from(x, 'utf8'));
  }
  return out;
}

function totalSize(data: Iterable<Buffer>): number {
  let n = 0;
  for (const b of data) n += b.length;
  return n;
}

/** Secret types whose data the API server checks (ValidateSecret). */
function secretTypeRules(p: Problems, type: string, data: Map<string, Buffer>): void {
  const need = (key: string) => {
    if (!data.has(key)) p.add('data', `a ${type} Secret needs the key ${key}`);
  };
  const jsonObject = (key: string): Obj | undefined => {
    const raw = data.get(key);
    if (raw === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (isObj(parsed)) return parsed;
    } catch {
      // reported below
    }
    p.add(`data[${JSON.stringify(key)}]`, 'is not a JSON object');
    return undefined;
  };
  switch (type) {
    case 'kubernetes.io/dockerconfigjson': {
      need('.dockerconfigjson');
      const cfg = jsonObject('.dockerconfigjson');
      // Not the API server's rule but the kubelet's: a config without registries pulls nothing.
      // Go's encoding/json matches "auths" in any case, and the last one wins.
      const auths = cfg && Object.entries(cfg).filter(([k]) => k.toLowerCase() === 'auths').pop()?.[1];
      if (cfg && (!isObj(auths) || Object.keys(auths).length === 0)) p.add('data[".dockerconfigjson"]', 'has no auths entries');
      break;
    }
    case 'kubernetes.io/dockercfg': {
      need('.dockercfg');
      const cfg = jsonObject('.dockercfg');
      if (cfg && Object.keys(cfg).length === 0) p.add('data[".dockercfg"]', 'has no registries');
      break;
    }
    case 'kubernetes.io/tls':
      need('tls.crt');
      need('tls.key');
      break;
    case 'kubernetes.io/basic-auth':
      if (!data.has('username') && !data.has('password')) p.add('data', 'a basic-auth Secret needs username or password');
      break;
    case 'kubernetes.io/ssh-auth':
      need('ssh-privatekey');
      break;
    case 'kubernetes.io/service-account-token':
    case 'bootstrap.kubernetes.io/token':
      p.add('type', `${type} Secrets need fields kustz does not write`);
      break;
  }
}

const KINDS: Record<string, (p: Problems, o: Obj) => void> = {
  'v1/Secret': (p, o) => {
    onlyKeys(p, '', o, ['apiVersion', 'kind', 'metadata', 'type', 'data']);
    // An empty type is defaulted to Opaque by the API server.
    const type = o['type'];
    if (typeof type !== 'string') p.add('type', 'must be a string');
    const data = dataMap(p, 'data', o['data'], true);
    const size = totalSize(data.values());
    if (size > MiB) p.add('data', `holds ${size} bytes, over the 1 MiB limit`);
    if (typeof type === 'string') secretTypeRules(p, type, data);
  },

  'v1/ConfigMap': (p, o) => {
    onlyKeys(p, '', o, ['apiVersion', 'kind', 'metadata', 'data', 'binaryData']);
    const data = dataMap(p, 'data', o['data'], false);
    const binary = dataMap(p, 'binaryData', o['binaryData'], true);
    for (const k of binary.keys()) if (data.has(k)) p.add(`binaryData[${JSON.stringify(k)}]`, 'duplicates a key of data');
    const size = totalSize(data.values()) + totalSize(binary.values());
    if (size > MiB) p.add('', `holds ${size} bytes, over the 1 MiB limit`);
  },

  'v1/Service': (p, o) => {
    onlyKeys(p, '', o, ['apiVersion', 'kind', 'metadata', 'spec']);
    const spec = o['spec'];
    if (!isObj(spec)) return p.add('spec', 'is required');
    onlyKeys(p, 'spec', spec, ['type', 'selector', 'ports']);
    const type = spec['type'];
    if (type !== 'ClusterIP' && type !== 'NodePort') p.add('spec.type', `must be ClusterIP or NodePort, got ${JSON.stringify(type)}`);
    labels(p, 'spec.selector', spec['selector'], true);
    const ports = spec['ports'];
    if (!Array.isArray(ports) || ports.length === 0) return p.add('spec.ports', 'must list at least one port');
    const names = new Set<string>();
    const portKeys = new Set<string>();
    const nodePorts = new Set<string>();
    ports.forEach((port: unknown, i) => {
      const at = `spec.ports[${i}]`;
      if (!isObj(port)) return p.add(at, 'must be a map');
      onlyKeys(p, at, port, ['name', 'protocol', 'port', 'targetPort', 'nodePort']);
      const { name, protocol } = port;
      if (ports.length > 1 && (typeof name !== 'string' || name === '')) p.add(`${at}.name`, 'is required when there are several ports');
      if (typeof name === 'string') {
        p.rule(`${at}.name`, rules.dns1123Label(name));
        if (names.has(name)) p.add(`${at}.name`, `duplicate name ${name}`);
        names.add(name);
      }
      if (!['TCP', 'UDP', 'SCTP'].includes(String(protocol))) p.add(`${at}.protocol`, `unsupported ${JSON.stringify(protocol)}`);
      if (!isInt(port['port'], 1, 65535)) p.add(`${at}.port`, 'must be 1-65535');
      portNumberOrName(p, `${at}.targetPort`, port['targetPort']);
      const key = `${port['port']}/${protocol}`;
      if (portKeys.has(key)) p.add(at, `duplicate port ${key}`);
      portKeys.add(key);
      if (port['nodePort'] !== undefined) {
        if (type !== 'NodePort') p.add(`${at}.nodePort`, 'may only be set on a NodePort Service');
        if (!isInt(port['nodePort'], 1, 65535)) p.add(`${at}.nodePort`, 'must be 1-65535');
        const nodeKey = `${port['nodePort']}/${protocol}`;
        if (nodePorts.has(nodeKey)) p.add(`${at}.nodePort`, `duplicate nodePort ${nodeKey}`);
        nodePorts.add(nodeKey);
      }
    });
  },

  'apps/v1/Deployment': (p, o) => {
    onlyKeys(p, '', o, ['apiVersion', 'kind', 'metadata', 'spec']);
    const spec = o['spec'];
    if (!isObj(spec)) return p.add('spec', 'is required');
    onlyKeys(p, 'spec', spec, ['replicas', 'selector', 'template']);
    if (spec['replicas'] !== undefined && !isInt(spec['replicas'], 0, INT32_MAX)) p.add('spec.replicas', 'must be an integer 0-2147483647');
    const selector = isObj(spec['selector']) ? spec['selector'] : undefined;
    if (!selector) return p.add('spec.selector', 'is required');
    onlyKeys(p, 'spec.selector', selector, ['matchLabels']);
    const match = labels(p, 'spec.selector.matchLabels', selector['matchLabels'], true) ?? {};
    if (Object.keys(match).length === 0) p.add('spec.selector', 'must not be empty');
    const template = spec['template'];
    if (!isObj(template)) return p.add('spec.template', 'is required');
    onlyKeys(p, 'spec.template', template, ['metadata', 'spec']);
    const tmeta = isObj(template['metadata']) ? template['metadata'] : {};
    onlyKeys(p, 'spec.template.metadata', tmeta, ['labels', 'annotations']);
    const tlabels = labels(p, 'spec.template.metadata.labels', tmeta['labels'], true) ?? {};
    for (const [k, v] of Object.entries(match)) if (tlabels[k] !== v) p.add('spec.template.metadata.labels', `do not match the selector (${k}=${String(v)})`);
    annotations(p, 'spec.template.metadata.annotations', tmeta['annotations']);
    const pod = template['spec'];
    if (!isObj(pod)) return p.add('spec.template.spec', 'is required');
    podSpec(p, 'spec.template.spec', pod);
  },

  'networking.k8s.io/v1/Ingress': (p, o) => {
    onlyKeys(p, '', o, ['apiVersion', 'kind', 'metadata', 'spec']);
    const spec = o['spec'];
    if (!isObj(spec)) return p.add('spec', 'is required');
    onlyKeys(p, 'spec', spec, ['tls', 'rules']);
    const ruleList = spec['rules'];
    if (!Array.isArray(ruleList) || ruleList.length === 0) p.add('spec.rules', 'must list at least one rule (there is no defaultBackend)');
    (Array.isArray(ruleList) ? ruleList : []).forEach((rule: unknown, i) => {
      const at = `spec.rules[${i}]`;
      if (!isObj(rule)) return p.add(at, 'must be a map');
      onlyKeys(p, at, rule, ['host', 'http']);
      if (rule['host'] !== undefined) ingressHost(p, `${at}.host`, rule['host'], true);
      const paths = isObj(rule['http']) ? rule['http']['paths'] : undefined;
      if (!Array.isArray(paths) || paths.length === 0) return p.add(`${at}.http.paths`, 'must list at least one path');
      paths.forEach((path: unknown, j) => ingressPath(p, `${at}.http.paths[${j}]`, path));
    });
    const tls = spec['tls'];
    if (tls !== undefined) {
      if (!Array.isArray(tls)) return p.add('spec.tls', 'must be a list');
      tls.forEach((t: unknown, i) => {
        const at = `spec.tls[${i}]`;
        if (!isObj(t)) return p.add(at, 'must be a map');
        onlyKeys(p, at, t, ['hosts', 'secretName']);
        if (t['secretName'] !== undefined) {
          if (typeof t['secretName'] !== 'string') p.add(`${at}.secretName`, 'must be a string');
          else p.rule(`${at}.secretName`, rules.dns1123Subdomain(t['secretName']));
        }
        if (t['hosts'] !== undefined) {
          if (!Array.isArray(t['hosts'])) p.add(`${at}.hosts`, 'must be a list');
          else t['hosts'].forEach((h: unknown, j) => ingressHost(p, `${at}.hosts[${j}]`, h, false));
        }
      });
    }
  },
};

function portNumberOrName(p: Problems, at: string, v: unknown): void {
  if (typeof v === 'number') {
    if (!isInt(v, 1, 65535)) p.add(at, 'must be 1-65535');
  } else if (typeof v === 'string') {
    p.rule(at, rules.ianaServiceName(v));
  } else {
    p.add(at, 'must be a port number or name');
  }
}

const IPV4_LIKE = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/;
const isIP = (v: string) => v.includes(':') || (IPV4_LIKE.test(v) && v.split('.').every((x) => Number(x) <= 255));

function ingressHost(p: Problems, at: string, v: unknown, rejectIP: boolean): void {
  if (typeof v !== 'string' || v === '') return p.add(at, 'must be a non-empty string');
  if (rejectIP && isIP(v)) p.add(at, 'must be a DNS name, not an IP address');
  if (v.includes('*')) {
    if (!v.startsWith('*.') || v.slice(2).includes('*')) p.add(at, 'a wildcard must be the whole first label (*.example.com)');
    else p.rule(at, rules.dns1123Subdomain(v.slice(2)));
  } else {
    p.rule(at, rules.dns1123Subdomain(v));
  }
}

const INVALID_PATH_PARTS = ['//', '/./', '/../', '%2f', '%2F'];

function ingressPath(p: Problems, at: string, v: unknown): void {
  if (!isObj(v)) return p.add(at, 'must be a map');
  onlyKeys(p, at, v, ['path', 'pathType', 'backend']);
  const { path, pathType, backend } = v;
  if (pathType !== 'Exact' && pathType !== 'Prefix') p.add(`${at}.pathType`, `must be Exact or Prefix, got ${JSON.stringify(pathType)}`);
  if (typeof path !== 'string' || !path.startsWith('/')) p.add(`${at}.path`, 'must be an absolute path');
  else {
    for (const bad of INVALID_PATH_PARTS) if (path.includes(bad)) p.add(`${at}.path`, `must not contain ${bad}`);
    if (path.endsWith('/..') || path.endsWith('/.')) p.add(`${at}.path`, 'must not end with /. or /..');
  }
  const service = isObj(backend) ? backend['service'] : undefined;
  if (!isObj(backend) || !isObj(service)) return p.add(`${at}.backend.service`, 'is required');
  onlyKeys(p, `${at}.backend`, backend, ['service']);
  onlyKeys(p, `${at}.backend.service`, service, ['name', 'port']);
  if (typeof service['name'] !== 'string') p.add(`${at}.backend.service.name`, 'is required');
  else p.rule(`${at}.backend.service.name`, rules.dns1035Label(service['name']));
  const port = service['port'];
  if (!isObj(port) || Object.keys(port).length !== 1) return p.add(`${at}.backend.service.port`, 'must hold exactly one of number and name');
  if ('number' in port) {
    if (!isInt(port['number'], 1, 65535)) p.add(`${at}.backend.service.port.number`, 'must be 1-65535');
  } else if (typeof port['name'] === 'string') p.rule(`${at}.backend.service.port.name`, rules.ianaServiceName(port['name']));
  else p.add(`${at}.backend.service.port`, 'must hold number or name');
}

const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

function podSpec(p: Problems, at: string, pod: Obj): void {
  onlyKeys(p, at, pod, ['containers', 'dnsPolicy', 'dnsConfig', 'imagePullSecrets']);
  const containers = pod['containers'];
  if (!Array.isArray(containers) || containers.length === 0) return p.add(`${at}.containers`, 'must list at least one container');
  const names = new Set<string>();
  containers.forEach((c: unknown, i) => {
    if (!isObj(c)) return p.add(`${at}.containers[${i}]`, 'must be a map');
    if (typeof c['name'] === 'string') {
      if (names.has(c['name'])) p.add(`${at}.containers[${i}].name`, 'is duplicated');
      names.add(c['name']);
    }
    container(p, `${at}.containers[${i}]`, c);
  });
  const policy = pod['dnsPolicy'];
  if (policy !== undefined && !DNS_POLICIES.includes(String(policy))) p.add(`${at}.dnsPolicy`, `unsupported ${JSON.stringify(policy)}`);
  dnsConfig(p, `${at}.dnsConfig`, pod['dnsConfig'], policy === 'None');
  const secrets = pod['imagePullSecrets'];
  if (secrets !== undefined) {
    if (!Array.isArray(secrets)) p.add(`${at}.imagePullSecrets`, 'must be a list');
    else secrets.forEach((s: unknown, i) => {
      if (!isObj(s) || typeof s['name'] !== 'string' || s['name'] === '') return p.add(`${at}.imagePullSecrets[${i}].name`, 'is required');
      onlyKeys(p, `${at}.imagePullSecrets[${i}]`, s, ['name']);
    });
  }
}

function dnsConfig(p: Problems, at: string, v: unknown, policyNone: boolean): void {
  if (v === undefined) {
    if (policyNone) p.add(at, 'is required when dnsPolicy is None');
    return;
  }
  if (!isObj(v)) return p.add(at, 'must be a map');
  onlyKeys(p, at, v, ['nameservers', 'searches', 'options']);
  const list = (name: string): unknown[] => {
    const x = v[name];
    if (x === undefined) return [];
    if (!Array.isArray(x)) return p.add(`${at}.${name}`, 'must be a list'), [];
    return x;
  };
  const nameservers = list('nameservers');
  if (policyNone && nameservers.length === 0) p.add(`${at}.nameservers`, 'must hold at least one nameserver when dnsPolicy is None');
  if (nameservers.length > 3) p.add(`${at}.nameservers`, 'must hold at most 3 nameservers');
  nameservers.forEach((ns, i) => p.rule(`${at}.nameservers[${i}]`, typeof ns === 'string' ? rules.ipAddress(ns) : { reason: 'must be a string' }));
  const searches = list('searches');
  if (searches.length > 32) p.add(`${at}.searches`, 'must hold at most 32 domains');
  let searchLength = 0;
  searches.forEach((s, i) => {
    if (typeof s !== 'string') return p.add(`${at}.searches[${i}]`, 'must be a string');
    searchLength += s.length + 1;
    if (s !== '.') p.rule(`${at}.searches[${i}]`, rules.dns1123Subdomain(s.replace(/\.$/, '')));
  });
  if (searchLength - 1 > 2048) p.add(`${at}.searches`, 'are longer than 2048 characters in total');
  list('options').forEach((opt, i) => {
    if (!isObj(opt) || typeof opt['name'] !== 'string' || opt['name'] === '') return p.add(`${at}.options[${i}].name`, 'is required');
    onlyKeys(p, `${at}.options[${i}]`, opt, ['name', 'value']);
    if (opt['value'] !== undefined && typeof opt['value'] !== 'string') p.add(`${at}.options[${i}].value`, 'must be a string');
  });
}

const CONTAINER_FIELDS = ['name', 'image', 'imagePullPolicy', 'ports', 'envFrom', 'env', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe'];

function container(p: Problems, at: string, c: Obj): void {
  onlyKeys(p, at, c, CONTAINER_FIELDS);
  if (typeof c['name'] !== 'string') p.add(`${at}.name`, 'is required');
  else p.rule(`${at}.name`, rules.dns1123Label(c['name']));
  const image = c['image'];
  if (typeof image !== 'string' || image === '') p.add(`${at}.image`, 'is required');
  else if (image !== image.trim()) p.add(`${at}.image`, 'must not have leading or trailing whitespace');
  const policy = c['imagePullPolicy'];
  if (policy !== undefined && !['Always', 'Never', 'IfNotPresent'].includes(String(policy))) p.add(`${at}.imagePullPolicy`, `unsupported ${JSON.stringify(policy)}`);

  const ports = c['ports'];
  if (ports !== undefined) {
    if (!Array.isArray(ports)) p.add(`${at}.ports`, 'must be a list');
    else ports.forEach((port: unknown, i) => {
      const pat = `${at}.ports[${i}]`;
      if (!isObj(port)) return p.add(pat, 'must be a map');
      onlyKeys(p, pat, port, ['name', 'containerPort', 'protocol']);
      if (!isInt(port['containerPort'], 1, 65535)) p.add(`${pat}.containerPort`, 'must be 1-65535');
      if (!['TCP', 'UDP', 'SCTP'].includes(String(port['protocol']))) p.add(`${pat}.protocol`, `unsupported ${JSON.stringify(port['protocol'])}`);
      if (port['name'] !== undefined) p.rule(`${pat}.name`, typeof port['name'] === 'string' ? rules.ianaServiceName(port['name']) : { reason: 'must be a string' });
    });
  }

  const env = c['env'];
  if (env !== undefined) {
    if (!Array.isArray(env)) p.add(`${at}.env`, 'must be a list');
    else env.forEach((e: unknown, i) => {
      const eat = `${at}.env[${i}]`;
      if (!isObj(e)) return p.add(eat, 'must be a map');
      onlyKeys(p, eat, e, ['name', 'value']);
      if (typeof e['name'] !== 'string') p.add(`${eat}.name`, 'is required');
      else p.rule(`${eat}.name`, rules.envVarName(e['name']));
      if (e['value'] !== undefined && typeof e['value'] !== 'string') p.add(`${eat}.value`, `must be a string, got ${typeof e['value']}`);
    });
  }

  const envFrom = c['envFrom'];
  if (envFrom !== undefined) {
    if (!Array.isArray(envFrom)) p.add(`${at}.envFrom`, 'must be a list');
    else envFrom.forEach((e: unknown, i) => {
      const eat = `${at}.envFrom[${i}]`;
      if (!isObj(e) || Object.keys(e).length !== 1) return p.add(eat, 'must hold exactly one of configMapRef and secretRef');
      onlyKeys(p, eat, e, ['configMapRef', 'secretRef']);
      const ref = Object.values(e)[0];
      if (!isObj(ref) || typeof ref['name'] !== 'string') return p.add(eat, 'needs a name');
      onlyKeys(p, eat, ref, ['name', 'optional']);
      p.rule(`${eat}.name`, rules.dns1123Subdomain(ref['name']));
      if (ref['optional'] !== undefined && typeof ref['optional'] !== 'boolean') p.add(`${eat}.optional`, 'must be a boolean');
    });
  }

  if (c['resources'] !== undefined) resources(p, `${at}.resources`, c['resources']);
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (c[kind] !== undefined) probe(p, `${at}.${kind}`, c[kind], kind);
  }
}

// ---------------------------------------------------------------------------------------------
// Resources (pkg/apis/core/validation ValidateResourceRequirements)

interface Amount {
  num: bigint;
  den: bigint;
}

const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;
const SUFFIX_EXP10: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const SUFFIX_EXP2: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** resource.ParseQuantity: sign, digits, optional fraction, one suffix; undefined if it refuses. */
export function goQuantity(text: string): Amount | undefined {
  const m = QUANTITY.exec(text);
  if (!m || text === '') return undefined;
  const [, sign, whole = '', frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  let e10 = 0;
  let e2 = 0;
  if (suffix in SUFFIX_EXP10) e10 = SUFFIX_EXP10[suffix]!;
  else if (suffix in SUFFIX_EXP2) e2 = SUFFIX_EXP2[suffix]!;
  else if (/^[eE][+-]?[0-9]{1,4}$/.test(suffix)) e10 = Number(suffix.slice(1));
  else return undefined;
  let num = BigInt(whole + frac || '0') * (sign === '-' ? -1n : 1n) * 2n ** BigInt(e2);
  let den = 10n ** BigInt(frac.length);
  if (e10 >= 0) num *= 10n ** BigInt(e10);
  else den *= 10n ** BigInt(-e10);
  return { num, den };
}

const cmp = (a: Amount, b: Amount) => {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
};

function resourceName(p: Problems, at: string, name: string): void {
  p.rule(at, rules.qualifiedName(name));
  if (!name.includes('/')) {
    if (!['cpu', 'memory', 'ephemeral-storage'].includes(name) && !name.startsWith('hugepages-')) p.add(at, 'must be a standard resource for containers');
  } else if (!name.includes('kubernetes.io/') && (name.startsWith('requests.') || rules.qualifiedName(`requests.${name}`))) {
    p.add(at, "doesn't follow the extended resource name standard");
  }
}

function resources(p: Problems, at: string, v: unknown): void {
  if (!isObj(v)) return p.add(at, 'must be a map');
  onlyKeys(p, at, v, ['limits', 'requests']);
  const read = (side: string): Map<string, Amount> => {
    const out = new Map<string, Amount>();
    const m = stringMap(p, `${at}.${side}`, v[side]);
    for (const [name, text] of Object.entries(m ?? {})) {
      const rat = `${at}.${side}[${JSON.stringify(name)}]`;
      resourceName(p, rat, name);
      const q = typeof text === 'string' ? goQuantity(text) : undefined;
      if (!q) {
        p.add(rat, `${JSON.stringify(text)} is not a quantity`);
        continue;
      }
      if (q.num < 0n) p.add(rat, 'must be non-negative');
      const native = !name.includes('/') || name.includes('kubernetes.io/');
      if (!native && q.num % q.den !== 0n) p.add(rat, 'must be an integer');
      if (name.startsWith('hugepages-')) {
        const page = goQuantity(name.slice('hugepages-'.length));
        if (!page || page.num <= 0n) p.add(rat, `${name} does not name a page size`);
        else {
          const bytes = (q.num + q.den - 1n) / q.den;
          const pageBytes = (page.num + page.den - 1n) / page.den;
          if (bytes % pageBytes !== 0n) p.add(rat, `must be a multiple of ${name.slice('hugepages-'.length)}`);
        }
      }
      out.set(name, q);
    }
    return out;
  };
  const limits = read('limits');
  const requests = read('requests');
  const overcommittable = (name: string) => (!name.includes('/') || name.includes('kubernetes.io/')) && !name.startsWith('hugepages-');
  for (const [name, req] of requests) {
    const lim = limits.get(name);
    const rat = `${at}.requests[${JSON.stringify(name)}]`;
    if (lim) {
      if (!overcommittable(name) && cmp(req, lim) !== 0) p.add(rat, `must equal the ${name} limit`);
      else if (cmp(req, lim) > 0) p.add(rat, `must be less than or equal to the ${name} limit`);
    } else if (!overcommittable(name)) {
      p.add(`${at}.limits`, `must be set for ${name}, which cannot be overcommitted`);
    }
  }
  const all = [...limits.keys(), ...requests.keys()];
  if (all.some((n) => n.startsWith('hugepages-')) && !all.some((n) => n === 'cpu' || n === 'memory')) p.add(at, 'HugePages require cpu or memory');
}

// ---------------------------------------------------------------------------------------------
// Probes (pkg/apis/core/validation validateProbe, validateHandler)

const HTTP_HEADER_NAME = /^[-A-Za-z0-9]+$/;
const TIMINGS: Record<string, number> = {
  initialDelaySeconds: 0, timeoutSeconds: 0, periodSeconds: 0, successThreshold: 0, failureThreshold: 0, terminationGracePeriodSeconds: 1,
};

function probe(p: Problems, at: string, v: unknown, kind: string): void {
  if (!isObj(v)) return p.add(at, 'must be a map');
  const handlers = ['httpGet', 'tcpSocket', 'grpc', 'exec'].filter((h) => v[h] !== undefined);
  if (handlers.length !== 1) p.add(at, `must have exactly one handler, has ${handlers.join(', ') || 'none'}`);
  onlyKeys(p, at, v, ['httpGet', 'tcpSocket', 'grpc', 'exec', ...Object.keys(TIMINGS)]);
  for (const [t, min] of Object.entries(TIMINGS)) {
    if (v[t] !== undefined && !isInt(v[t], min, INT32_MAX)) p.add(`${at}.${t}`, `must be an integer >= ${min}`);
  }
  if (kind !== 'readinessProbe' && v['successThreshold'] !== undefined && v['successThreshold'] !== 1) p.add(`${at}.successThreshold`, 'must be 1');
  if (kind === 'readinessProbe' && v['terminationGracePeriodSeconds'] !== undefined) p.add(`${at}.terminationGracePeriodSeconds`, 'must not be set on a readiness probe');
  const http = v['httpGet'];
  if (isObj(http)) {
    onlyKeys(p, `${at}.httpGet`, http, ['host', 'path', 'port', 'scheme', 'httpHeaders']);
    portNumberOrName(p, `${at}.httpGet.port`, http['port']);
    if (http['scheme'] !== 'HTTP' && http['scheme'] !== 'HTTPS') p.add(`${at}.httpGet.scheme`, `unsupported ${JSON.stringify(http['scheme'])}`);
    if (http['path'] !== undefined && typeof http['path'] !== 'string') p.add(`${at}.httpGet.path`, 'must be a string');
    if (http['host'] !== undefined && typeof http['host'] !== 'string') p.add(`${at}.httpGet.host`, 'must be a string');
    const headers = http['httpHeaders'];
    if (headers !== undefined) {
      if (!Array.isArray(headers)) p.add(`${at}.httpGet.httpHeaders`, 'must be a list');
      else headers.forEach((h: unknown, i) => {
        if (!isObj(h) || typeof h['name'] !== 'string' || !HTTP_HEADER_NAME.test(h['name'])) p.add(`${at}.httpGet.httpHeaders[${i}].name`, 'must be a valid HTTP header name ([-A-Za-z0-9]+)');
        if (isObj(h) && typeof h['value'] !== 'string') p.add(`${at}.httpGet.httpHeaders[${i}].value`, 'must be a string');
      });
    }
  }
  const tcp = v['tcpSocket'];
  if (isObj(tcp)) {
    onlyKeys(p, `${at}.tcpSocket`, tcp, ['host', 'port']);
    portNumberOrName(p, `${at}.tcpSocket.port`, tcp['port']);
  }
  const grpc = v['grpc'];
  if (isObj(grpc)) {
    onlyKeys(p, `${at}.grpc`, grpc, ['port', 'service']);
    if (!isInt(grpc['port'], 1, 65535)) p.add(`${at}.grpc.port`, 'must be 1-65535');
    if (grpc['service'] !== undefined && typeof grpc['service'] !== 'string') p.add(`${at}.grpc.service`, 'must be a string');
  }
  const exec = v['exec'];
  if (isObj(exec)) {
    onlyKeys(p, `${at}.exec`, exec, ['command']);
    const command = exec['command'];
    if (!Array.isArray(command) || command.length === 0) p.add(`${at}.exec.command`, 'is required');
    else if (command.some((w) => typeof w !== 'string')) p.add(`${at}.exec.command`, 'must be a list of strings');
  }
}
