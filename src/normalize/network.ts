import { parseIngressRule, parsePort, type IngressRuleSpec, type PortSpec } from '../shorthand.js';
import * as rules from '../k8s.js';
import type { KustzConfig } from '../types.js';
import type { Context } from './context.js';

export interface ServicePortModel extends PortSpec {
  name: string;
}

export interface ServiceModel {
  type: 'ClusterIP' | 'NodePort';
  ports: ServicePortModel[];
}

export interface IngressModel {
  annotations: Array<[string, string]>;
  rules: Array<{ host?: string; paths: Array<{ path: string; pathType: string; service: string; port: number | string }> }>;
  /** `rule`: the first of ingress.rules that names the Secret, for messages. */
  tls: Array<{ hosts: string[]; secretName: string; rule: number }>;
}

/** YAML 1.1's booleans that Go's strconv.ParseBool does not take, and what to write instead. */
const YAML11_FLAGS = new Map([['yes', '"true"'], ['on', '"true"'], ['no', '"false"'], ['off', '"false"']]);

/** The API server's default --service-node-port-range. */
const NODE_PORT_RANGE = [30000, 32767] as const;

/** No ports, no Service. Port names are derived from the numbers so they stay unique and stable. */
export function normalizeService(ctx: Context, cfg: KustzConfig): ServiceModel | undefined {
  const ports: ServicePortModel[] = [];
  const seen = new Map<string, number>();
  // By number and protocol: the API server allows 30053/TCP and 30053/UDP side by side (DNS).
  const nodePorts = new Map<string, number>();
  (cfg.service.ports ?? []).forEach((raw, i) => {
    const path = ['service', 'ports', i];
    // A number as written: 99999999999999999999999 is no "1e+23" to the user.
    const text = typeof raw === 'number' ? ctx.config.scalarText(path) ?? String(raw) : raw;
    const spec = ctx.parsed(path, 'port.syntax', parsePort(text));
    if (!spec) return;
    const key = `${spec.port}/${spec.protocol}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.error(path, 'port.duplicate', `port ${spec.port}/${spec.protocol} is already declared by service.ports[${first}]`, 'a Service port may appear once per protocol');
      return;
    }
    seen.set(key, i);
    if (spec.nodePort !== undefined) {
      const other = nodePorts.get(`${spec.nodePort}/${spec.protocol}`);
      if (other !== undefined) {
        const scheme = spec.protocol === 'TCP' ? '' : `${spec.protocol.toLowerCase()}://`;
        ctx.error(path, 'port.duplicate-node-port', `nodePort ${spec.nodePort}/${spec.protocol} is already used by service.ports[${other}]`,
          `give it another nodePort, or write "${scheme}!${spec.port}:${spec.targetPort}" and the API server picks a free one`);
        return;
      }
      nodePorts.set(`${spec.nodePort}/${spec.protocol}`, i);
      if (spec.nodePort < NODE_PORT_RANGE[0] || spec.nodePort > NODE_PORT_RANGE[1]) {
        ctx.warn(path, 'port.node-port-range', `nodePort ${spec.nodePort} is outside the API server's default range ${NODE_PORT_RANGE.join('-')}`,
          'the API server rejects it unless its --service-node-port-range includes it');
      }
    }
    const prefix = spec.protocol === 'TCP' ? '' : `${spec.protocol.toLowerCase()}-`;
    ports.push({ ...spec, name: `${prefix}${spec.port}-${spec.targetPort}` });
  });
  if (ports.length === 0) return undefined;
  return { type: ports.some((p) => p.exposeOnNode) ? 'NodePort' : 'ClusterIP', ports };
}

/**
 * No rules, no Ingress. Rules for one host merge into one rule with several paths, TLS hosts
 * that share a secret merge into one entry, both in the order they first appear.
 */
export function normalizeIngress(ctx: Context, cfg: KustzConfig, service: ServiceModel | undefined): IngressModel | undefined {
  const ingress = cfg.ingress ?? {};
  const annotations: Array<[string, string]> = [];
  for (const key of Object.keys(ingress.annotations ?? {})) {
    const path = ['ingress', 'annotations', key];
    // The API server checks annotation keys in lower case (ValidateAnnotations): Example.COM/x is
    // fine. A key that fails is repaired from what was written: names are case-sensitive.
    if (ctx.check(path, 'annotation.key', `annotation key "${key}"`, rules.qualifiedName(key.toLowerCase()) && rules.qualifiedName(key), undefined, true)) {
      const value = ctx.config.scalarText(path) ?? '';
      // kustz keeps `yes` as written (tangx/kustz made it "true"); controllers read flags with Go's
      // strconv.ParseBool, which takes true/false/1/0 but not YAML 1.1's yes/no/on/off.
      const flag = YAML11_FLAGS.get(value.toLowerCase());
      if (flag !== undefined) {
        ctx.warn(path, 'annotation.yaml11-bool', `annotation "${key}" is "${value}", which Ingress controllers reading a flag (strconv.ParseBool) refuse`, `write ${flag}`);
      }
      annotations.push([key, value]);
    }
  }
  // The API server's limit on all annotations of an object, keys and values, in bytes.
  const size = annotations.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > rules.MAX_ANNOTATIONS_BYTES) {
    ctx.error(['ingress', 'annotations'], 'annotation.size', `the annotations hold ${size} bytes; the API server allows ${rules.MAX_ANNOTATIONS_BYTES} (256 KiB) in all`,
      'keep large data in a ConfigMap, not an annotation');
  }
  const ruleTexts = ingress.rules ?? [];
  if (ruleTexts.length === 0) return undefined;

  const byHost = new Map<string, IngressModel['rules'][number]>();
  const tlsBySecret = new Map<string, { hosts: Set<string>; rule: number }>();
  const seenPaths = new Map<string, number>();
  // HTTP goes over TCP: a UDP port listed first (DNS beside a web port) is no backend.
  const ownPort = (service?.ports.find((p) => p.protocol === 'TCP') ?? service?.ports[0])?.port ?? 80;
  const exposed = new Set(service?.ports.map((p) => p.port));
  ruleTexts.forEach((text, i) => {
    const path = ['ingress', 'rules', i];
    const rule = ctx.parsed(path, 'ingress.rule', parseIngressRule(text));
    if (!rule) return;
    const backend = backendOf(ctx, cfg, rule, service, ownPort, exposed, path);
    const hostKey = rule.host ?? '';
    const pathKey = `${hostKey} ${rule.path} ${rule.pathType}`;
    const first = seenPaths.get(pathKey);
    if (first !== undefined) {
      ctx.error(path, 'ingress.duplicate', `host "${hostKey}" path ${rule.path} (${rule.pathType}) is already routed by ingress.rules[${first}]`,
        'remove one of the two rules, or give this one another host or path');
      return;
    }
    seenPaths.set(pathKey, i);
    let target = byHost.get(hostKey);
    if (!target) {
      target = { ...(rule.host ? { host: rule.host } : {}), paths: [] };
      byHost.set(hostKey, target);
    }
    target.paths.push({ path: rule.path, pathType: rule.pathType, ...backend });
    if (rule.tls) {
      const tls = tlsBySecret.get(rule.tls) ?? { hosts: new Set<string>(), rule: i };
      if (rule.host) tls.hosts.add(rule.host);
      tlsBySecret.set(rule.tls, tls);
    }
  });
  return {
    annotations,
    rules: [...byHost.values()],
    tls: [...tlsBySecret].map(([secretName, { hosts, rule }]) => ({ hosts: [...hosts], secretName, rule })),
  };
}

/** A rule without `svc` (or naming this Service without a port) targets this Service's first port. */
function backendOf(
  ctx: Context,
  cfg: KustzConfig,
  rule: IngressRuleSpec,
  service: ServiceModel | undefined,
  ownPort: number,
  exposed: ReadonlySet<number>,
  path: (string | number)[],
): { service: string; port: number | string } {
  const name = rule.service?.name ?? cfg.name;
  if (name !== cfg.name) return { service: name, port: rule.service?.port ?? 80 };
  const port = rule.service?.port ?? ownPort;
  if (!service) {
    ctx.warn(path, 'ingress.no-service', `this rule routes to Service "${name}", which kustz does not generate because service.ports is empty`,
      'add service.ports, or name another Service with ?svc=name:port');
  } else {
    const tcp = service.ports.find((p) => p.protocol === 'TCP');
    const hint = tcp ? `use one of the Service's TCP ports, e.g. svc=${name}:${tcp.port}` : 'add a TCP port to service.ports';
    const matches = service.ports.filter((p) => (typeof port === 'number' ? p.port === port : p.name === port));
    if (typeof port === 'number' && !exposed.has(port)) {
      ctx.warn(path, 'ingress.unknown-port', `this rule routes to port ${port} of Service "${name}", which only exposes ${service.ports.map((p) => p.port).join(', ')}`, hint);
    } else if (matches.length === 0) {
      // kustz names the Service's ports 80-8080 and udp-53-5353: no name an Ingress may use is a TCP port's.
      ctx.warn(path, 'ingress.unknown-port', `this rule routes to port "${port}" of Service "${name}", which has no port of that name (its ports: ${service.ports.map((p) => p.name).join(', ')})`, hint);
    } else if (!matches.some((p) => p.protocol === 'TCP')) {
      ctx.warn(path, 'ingress.port-protocol', `this rule routes to port ${matches[0]!.port} of Service "${name}", which is ${matches[0]!.protocol}; an Ingress forwards HTTP over TCP`, hint);
    }
  }
  return { service: name, port };
}
