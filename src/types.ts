/** kustz.yml as the schema (schemas/kustz.schema.json) accepts it. */
export type Scalar = string | number | boolean | null;

export interface KustzConfig {
  apiVersion?: 'kustz/v1';
  name: string;
  namespace?: string;
  service: ServiceConfig;
  dns?: { policy?: DnsPolicy; config?: { nameservers?: string[]; searches?: string[]; options?: string[] } };
  ingress?: { annotations?: Record<string, Scalar>; rules?: string[] };
  configmaps?: GeneratorsConfig<GeneratorConfig>;
  secrets?: GeneratorsConfig<SecretGeneratorConfig> & { dockerRegistry?: DockerRegistryConfig[] };
}

export type DnsPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';

export interface ServiceConfig {
  name?: string;
  image: string;
  replicas?: number;
  imagePullPolicy?: string;
  imagePullSecrets?: string[];
  envs?: { pairs?: Record<string, Scalar>; files?: string[]; configmaps?: string[]; secrets?: string[] };
  ports?: Array<string | number>;
  resources?: Record<string, string | number>;
  probes?: { liveness?: ProbeConfig; readiness?: ProbeConfig; startup?: ProbeConfig };
}

export interface ProbeConfig {
  action: string;
  headers?: Record<string, Scalar>;
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface GeneratorsConfig<G> {
  literals?: G[];
  envs?: G[];
  files?: G[];
}

export interface GeneratorConfig {
  name: string;
  files?: string[];
}

export interface SecretGeneratorConfig extends GeneratorConfig {
  type?: string;
}

export interface DockerRegistryConfig {
  name: string;
  server?: string;
  username: string;
  password: string;
  email?: string;
}

/** A Kubernetes object as kustz emits it: plain data in the key order it is printed. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** How a ConfigMap or Secret was generated, kept so the kustomize writer can say the same. */
export type DataSource =
  | { mode: 'literals'; path: string; entries: Array<[string, string]> }
  | { mode: 'envs'; path: string }
  | { mode: 'files'; key: string; path: string }
  | { mode: 'dockerRegistry'; servers: string[] };

/** A generated ConfigMap or Secret before it becomes an object. */
export interface GeneratedData {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** Secrets only; default Opaque. */
  type?: string;
  /** Keys in the order they were declared; values are the raw bytes or text. */
  data: Map<string, string | Uint8Array>;
  sources: DataSource[];
  /** Registries in a kubernetes.io/dockerconfigjson or dockercfg Secret, for the pull-secret lint. */
  registries?: string[];
  /** Where the entry that generates it stands in kustz.yml (the first, for dockerRegistry), for messages. */
  at: (string | number)[];
  /** At least the UTF-8 bytes of its values, so that most data needs no counting against size limits. */
  sizeBound: number;
}
