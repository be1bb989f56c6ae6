/**
 * The API server's own validation rules (k8s.io/apimachinery/pkg/util/validation), so that
 * kustz rejects what `kubectl apply` would. Each check returns `undefined` when the value is
 * fine, or a sentence saying what is wrong.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** DNS-1123 label: container names, namespaces, port names. */
export function dns1123Label(value: string): string | undefined {
  if (value.length > 63) return `must be no more than 63 characters (it has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return "must be a DNS-1123 label: lower case letters, digits and '-', starting and ending with a letter or digit (no '.' or '_')";
  }
  return undefined;
}

/** DNS-1035 label: Service names (they become DNS names and must start with a letter). */
export function dns1035Label(value: string): string | undefined {
  if (value.length > 63) return `must be no more than 63 characters (it has ${value.length})`;
  if (!DNS1035_LABEL.test(value)) {
    return "must be a DNS-1035 label: lower case letters, digits and '-', starting with a letter and ending with a letter or digit";
  }
  return undefined;
}

/** DNS-1123 subdomain: most object names (Deployment, ConfigMap, Secret, Ingress). */
export function dns1123Subdomain(value: string): string | undefined {
  if (value.length > 253) return `must be no more than 253 characters (it has ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "must be a DNS-1123 subdomain: lower case letters, digits, '-' and '.', starting and ending with a letter or digit";
  }
  return undefined;
}

/** A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name a qualified name. */
export function qualifiedName(value: string): string | undefined {
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (value.split('/').length > 2) return "may hold at most one '/' (prefix/name)";
  if (prefix !== undefined) {
    if (prefix === '') return "prefix before '/' must not be empty";
    const bad = dns1123Subdomain(prefix);
    if (bad) return `prefix "${prefix}" ${bad}`;
  }
  if (name === '') return 'name part must not be empty';
  if (name.length > 63) return `name part must be no more than 63 characters (it has ${name.length})`;
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
}

export function labelValue(value: string): string | undefined {
  if (value.length > 63) return `must be no more than 63 characters (it has ${value.length})`;
  if (!LABEL_VALUE.test(value)) {
    return "must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
}

/** Environment variable names, as `kubectl create configmap --from-env-file` checks them. */
export function envVarName(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (!ENV_VAR_NAME.test(value)) {
    return "must consist of letters, digits, '_', '-' or '.', and must not start with a digit";
  }
  return undefined;
}

/**
 * Keys that both envVarName and configMapKey accept, as most keys are: one test instead of both
 * (a 10,000-line .env has as many keys). Keys it does not match are not wrong, only asked both.
 */
export const PLAIN_DATA_KEY = /^[-_a-zA-Z][-._a-zA-Z0-9]{0,252}$/;

/** ConfigMap and Secret data keys. */
export function configMapKey(value: string): string | undefined {
  if (value.length > 253) return `must be no more than 253 characters (it has ${value.length})`;
  if (!CONFIG_MAP_KEY.test(value)) return "must consist of letters, digits, '-', '_' or '.'";
  if (value === '.' || value === '..') return `must not be '${value}'`;
  if (value.startsWith('..')) return "must not start with '..'";
  return undefined;
}

/** Port names of the IANA_SVC_NAME form, used by named container and backend ports. */
export function ianaServiceName(value: string): string | undefined {
  if (value.length > 15) return `must be no more than 15 characters (it has ${value.length})`;
  if (!IANA_SVC_NAME.test(value)) return "must consist of lower case letters, digits and '-'";
  if (value.includes('--')) return "must not contain '--'";
  if (!/[a-z]/.test(value)) return 'must contain at least one letter';
  return undefined;
}

export function portNumber(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 1 || value > 65535) return 'must be between 1 and 65535';
  return undefined;
}

/** The API server's limit on the data of one ConfigMap or Secret. */
export const MAX_DATA_BYTES = 1024 * 1024;

/** The Secret types the kubelet reads image pull credentials from. */
export const DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CFG = 'kubernetes.io/dockercfg';

/** The total of an object's annotations, keys and values (TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** DNS nameservers must be IP addresses. */
export function ipAddress(value: string): string | undefined {
  if (IPV4.test(value)) return undefined;
  if (value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value) && isIPv6(value)) return undefined;
  return 'must be a valid IP address';
}

function isIPv6(value: string): boolean {
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!IPV4.test(last)) return false;
    count += 1;
    all.pop();
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}
