import type { PodModel, ProbeModel } from '../normalize/workload.js';
import type { KubeObject } from '../types.js';
import { objectHead, type Identity } from './meta.js';

export interface DeploymentInput {
  id: Identity;
  replicas?: number;
  pod: PodModel;
  containerPorts: Array<{ containerPort: number; protocol: string }>;
  podAnnotations: Record<string, string>;
}

export function buildDeployment({ id, replicas, pod, containerPorts, podAnnotations }: DeploymentInput): KubeObject {
  const c = pod.container;
  const container = {
    name: c.name,
    image: c.image,
    ...(c.imagePullPolicy ? { imagePullPolicy: c.imagePullPolicy } : {}),
    ...(containerPorts.length ? { ports: containerPorts } : {}),
    ...(c.envFrom.length
      ? { envFrom: c.envFrom.map((r) => ({ [r.kind]: { name: r.name, ...(r.optional !== undefined ? { optional: r.optional } : {}) } })) }
      : {}),
    ...(c.env.size ? { env: [...c.env].map(([name, value]) => ({ name, value })) } : {}),
    ...(c.requests.length || c.limits.length
      ? {
          resources: {
            ...(c.limits.length ? { limits: Object.fromEntries(c.limits) } : {}),
            ...(c.requests.length ? { requests: Object.fromEntries(c.requests) } : {}),
          },
        }
      : {}),
    ...Object.fromEntries(c.probes.map(([field, probe]) => [field, buildProbe(probe)])),
  };
  return {
    ...objectHead('apps/v1', 'Deployment', id),
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: { ...id.labels } },
      template: {
        metadata: {
          labels: { ...id.labels },
          ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}),
        },
        spec: {
          containers: [container],
          ...(pod.dnsPolicy ? { dnsPolicy: pod.dnsPolicy } : {}),
          ...(pod.dnsConfig ? { dnsConfig: pod.dnsConfig } : {}),
          ...(pod.imagePullSecrets.length ? { imagePullSecrets: pod.imagePullSecrets.map((name) => ({ name })) } : {}),
        },
      },
    },
  };
}

function buildProbe({ action, headers, timings }: ProbeModel): Record<string, unknown> {
  let handler: Record<string, unknown>;
  switch (action.kind) {
    case 'httpGet':
      handler = {
        httpGet: {
          ...(action.host ? { host: action.host } : {}),
          path: action.path,
          port: action.port,
          scheme: action.scheme,
          ...(headers.length ? { httpHeaders: headers.map(([name, value]) => ({ name, value })) } : {}),
        },
      };
      break;
    case 'tcpSocket':
      handler = { tcpSocket: { ...(action.host ? { host: action.host } : {}), port: action.port } };
      break;
    case 'grpc':
      handler = { grpc: { port: action.port, ...(action.service ? { service: action.service } : {}) } };
      break;
    case 'exec':
      handler = { exec: { command: action.command } };
      break;
  }
  return { ...handler, ...Object.fromEntries(timings) };
}
