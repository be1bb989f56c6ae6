/**
 * The API server's own validation rules (k8s.io/apimachinery/pkg/util/validation), so that
 * kustz rejects what `kubectl apply` would. Each check returns `undefined` when the value is
 * fine, or what is wrong with it and how to write it instead (Broken).
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * A value a rule refuses. `reason` completes a sentence about the value ("must be a DNS-1123
 * label: ..."); `fixed` is the value made to pass the rule (case folded, other characters
 * replaced), where one can be made from it; `hint` says `write "<fixed>"`, or else what to write.
 */
export interface Broken {
  reason: string;
  fixed?: string;
  hint: string;
}

type Reason = (value: string) => string | undefined;

/**
 * A rule from its checks (the first that fails gives the reason), a repair, and the hint for a
 * value the repair cannot save. A repaired value is offered only when every check passes it.
 */
function rule(checks: readonly Reason[], repair: (value: string) => string, otherwise: string): (value: string) => Broken | undefined {
  return (value) => {
    let reason: string | undefined;
    for (const check of checks) if ((reason = check(value)) !== undefined) break;
    if (reason === undefined) return undefined;
    const fixed = repair(value);
    const passes = fixed !== value && checks.every((check) => check(fixed) === undefined);
    return passes ? { reason, fixed, hint: `write ${JSON.stringify(fixed)}` } : { reason, hint: otherwise };
  };
}

/** Runs of characters outside `allowed` become one `dash`; the result is cut to `max` and trimmed to `ends`. */
function replaced(value: string, allowed: RegExp, dash: string, max: number, ends: RegExp): string {
  const out = value.replace(new RegExp(`[^${allowed.source}]+`, 'g'), dash).slice(0, max);
  return out.replace(new RegExp(`^[^${ends.source}]+|[^${ends.source}]+$`, 'g'), '');
}

const dns1123LabelReason: Reason = (value) => {
  if (value.length > 63) return `must be no more than 63 characters (it has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return "must be a DNS-1123 label: lower case letters, digits and '-', starting and ending with a letter or digit (no '.' or '_')";
  }
  return undefined;
};
const repairLabel = (value: string) => replaced(value.toLowerCase(), /a-z0-9-/, '-', 63, /a-z0-9/);

/** DNS-1123 label: container names, namespaces, port names. */
export const dns1123Label = rule([dns1123LabelReason], repairLabel, "write lower case letters, digits and '-', e.g. \"my-app\"");

const dns1035LabelReason: Reason = (value) => {
  if (value.length > 63) return `must be no more than 63 characters (it has ${value.length})`;
  if (!DNS1035_LABEL.test(value)) {
    return "must be a DNS-1035 label: lower case letters, digits and '-', starting with a letter and ending with a letter or digit";
  }
  return undefined;
};

/** DNS-1035 label: Service names (they become DNS names and must start with a letter). */
export const dns1035Label = rule([dns1035LabelReason], (value) => repairLabel(repairLabel(value).replace(/^[^a-z]+/, '')),
  "write lower case letters, digits and '-', starting with a letter, e.g. \"my-app\"");

const dns1123SubdomainReason: Reason = (value) => {
  if (value.length > 253) return `must be no more than 253 characters (it has ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "must be a DNS-1123 subdomain: lower case letters, digits, '-' and '.', starting and ending with a letter or digit";
  }
  return undefined;
};
const repairSubdomain = (value: string) =>
  replaced(value.toLowerCase().split('.').map((part) => replaced(part, /a-z0-9-/, '-', 253, /a-z0-9/)).filter(Boolean).join('.'), /a-z0-9.-/, '-', 253, /a-z0-9/);

/** DNS-1123 subdomain: most object names (Deployment, ConfigMap, Secret, Ingress). */
export const dns1123Subdomain = rule([dns1123SubdomainReason], repairSubdomain, "write lower case letters, digits, '-' and '.', e.g. \"my-app\"");

const qualifiedNameReason: Reason = (value) => {
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (value.split('/').length > 2) return "may hold at most one '/' (prefix/name)";
  if (prefix !== undefined) {
    if (prefix === '') return "prefix before '/' must not be empty";
    const bad = dns1123SubdomainReason(prefix);
    if (bad) return `prefix "${prefix}" ${bad}`;
  }
  if (name === '') return 'name part must not be empty';
  if (name.length > 63) return `name part must be no more than 63 characters (it has ${name.length})`;
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
};
const repairName = (value: string) => replaced(value, /-A-Za-z0-9_./, '-', 63, /A-Za-z0-9/);

/** A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name a qualified name. */
export const qualifiedName = rule(
  [qualifiedNameReason],
  (value) => {
    const slash = value.indexOf('/');
    const prefix = slash >= 0 ? repairSubdomain(value.slice(0, slash)) : '';
    const name = repairName(slash >= 0 ? value.slice(slash + 1) : value);
    return prefix ? `${prefix}/${name}` : name;
  },
  "write letters, digits, '-', '_' and '.', optionally after a domain and '/', e.g. \"example.com/my-key\"",
);

const labelValueReason: Reason = (value) => {
  if (value.length > 63) return `must be no more than 63 characters (it has ${value.length})`;
  if (!LABEL_VALUE.test(value)) {
    return "must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
};

export const labelValue = rule([labelValueReason], repairName, "write letters, digits, '-', '_' and '.', e.g. \"my-app\"");

const envVarNameReason: Reason = (value) => {
  if (value === '') return 'must not be empty';
  if (!ENV_VAR_NAME.test(value)) {
    return "must consist of letters, digits, '_', '-' or '.', and must not start with a digit";
  }
  return undefined;
};
const repairEnvVarName = (value: string) => value.replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^[0-9]/, '_$&');

/** Environment variable names, as `kubectl create configmap --from-env-file` checks them. */
export const envVarName = rule([envVarNameReason], repairEnvVarName, 'name the variable with letters, digits and \'_\', e.g. "LOG_LEVEL"');

/**
 * Keys that both envVarName and configMapKey accept, as most keys are: one test instead of both
 * (a 10,000-line .env has as many keys). Keys it does not match are not wrong, only asked both.
 */
export const PLAIN_DATA_KEY = /^[-_a-zA-Z][-._a-zA-Z0-9]{0,252}$/;

const configMapKeyReason: Reason = (value) => {
  if (value.length > 253) return `must be no more than 253 characters (it has ${value.length})`;
  if (!CONFIG_MAP_KEY.test(value)) return "must consist of letters, digits, '-', '_' or '.'";
  if (value === '.' || value === '..') return `must not be '${value}'`;
  // A Secret or ConfigMap volume keeps its own files under ..data and ..<timestamp>.
  if (value.startsWith('..')) return "must not start with '..'";
  return undefined;
};
/** A key with nothing of its own left is "data": a key to offer all the same. */
const repairConfigMapKey = (value: string) => {
  const out = value.replace(/[^-._a-zA-Z0-9]/g, '-').replace(/^\.\.+/, '').slice(0, 253);
  return out === '' || out === '.' ? 'data' : out;
};

/** ConfigMap and Secret data keys. */
export const configMapKey = rule([configMapKeyReason], repairConfigMapKey, "write letters, digits, '-', '_' and '.', e.g. \"app.properties\"");

/** The keys of an env file: env var names (kubectl) that are ConfigMap keys too. */
export const envFileKey = rule([envVarNameReason, configMapKeyReason], (value) => repairConfigMapKey(repairEnvVarName(value)),
  'name the variable with letters, digits and \'_\', e.g. "LOG_LEVEL"');

const ianaServiceNameReason: Reason = (value) => {
  if (value.length > 15) return `must be no more than 15 characters (it has ${value.length})`;
  if (!IANA_SVC_NAME.test(value)) return "must consist of lower case letters, digits and '-'";
  if (value.includes('--')) return "must not contain '--'";
  if (!/[a-z]/.test(value)) return 'must contain at least one letter';
  return undefined;
};

/** Port names of the IANA_SVC_NAME form, used by named container and backend ports. */
export const ianaServiceName = rule([ianaServiceNameReason], (value) => replaced(value.toLowerCase().replace(/-{2,}/g, '-'), /a-z0-9-/, '-', 15, /a-z0-9/),
  "write the port's number, or a name of up to 15 lower case letters, digits and '-', e.g. \"http\"");

export function portNumber(value: number): Broken | undefined {
  if (!Number.isInteger(value) || value < 1 || value > 65535) return { reason: 'must be between 1 and 65535', hint: 'a port is a whole number from 1 to 65535' };
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

/** DNS nameservers must be IP addresses: resolv.conf takes no host names. */
export function ipAddress(value: string): Broken | undefined {
  if (IPV4.test(value)) return undefined;
  if (value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value) && isIPv6(value)) return undefined;
  return { reason: 'must be a valid IP address', hint: "write the name server's IP address, e.g. 10.96.0.10: resolv.conf takes no host names" };
}

function isIPv6(value: string): boolean {
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  let count = all.length;
  // A dotted IPv4 tail ends the address: "1.2.3.4::" is none (Go's ParseIP refuses it).
  const final = halves.length === 2 ? tail : head;
  const last = final[final.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!IPV4.test(last)) return false;
    count += 1;
    all.pop();
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}
