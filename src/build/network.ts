import type { IngressModel, ServiceModel } from '../normalize/network.js';
import type { KubeObject } from '../types.js';
import { objectHead, type Identity } from './meta.js';

export function buildService(id: Identity, service: ServiceModel): KubeObject {
  return {
    ...objectHead('v1', 'Service', id),
    spec: {
      type: service.type,
      selector: { ...id.labels },
      ports: service.ports.map((p) => ({
        name: p.name,
        protocol: p.protocol,
        port: p.port,
        targetPort: p.targetPort,
        ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
      })),
    },
  };
}

/** The container ports the Service targets, once per port and protocol. */
export function containerPorts(service: ServiceModel | undefined): Array<{ containerPort: number; protocol: string }> {
  const seen = new Set<string>();
  const out: Array<{ containerPort: number; protocol: string }> = [];
  for (const p of service?.ports ?? []) {
    const key = `${p.targetPort}/${p.protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ containerPort: p.targetPort, protocol: p.protocol });
  }
  return out;
}

export function buildIngress(id: Identity, ingress: IngressModel): KubeObject {
  return {
    ...objectHead('networking.k8s.io/v1', 'Ingress', id, id.name, Object.fromEntries(ingress.annotations)),
    spec: {
      ...(ingress.tls.length
        ? { tls: ingress.tls.map((t) => ({ ...(t.hosts.length ? { hosts: t.hosts } : {}), secretName: t.secretName })) }
        : {}),
      rules: ingress.rules.map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: {
          paths: r.paths.map((p) => ({
            path: p.path,
            pathType: p.pathType,
            backend: { service: { name: p.service, port: typeof p.port === 'number' ? { number: p.port } : { name: p.port } } },
          })),
        },
      })),
    },
  };
}
