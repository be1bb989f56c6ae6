import type { KubeObject } from '../types.js';

export interface Identity {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
}

/** apiVersion, kind, metadata first: the order every Kubernetes tool prints them in. */
export function objectHead(apiVersion: string, kind: string, id: Identity, name = id.name, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(id.namespace ? { namespace: id.namespace } : {}),
      labels: { ...id.labels },
      ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
    },
  };
}
