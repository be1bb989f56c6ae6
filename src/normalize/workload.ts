import * as rules from '../k8s.js';
import {
  isWholeQuantity,
  parseEnvFromRef,
  parseProbeAction,
  parseQuantity,
  parseResource,
  compareQuantities,
  type ProbeAction,
  type Quantity,
} from '../shorthand.js';
import type { KustzConfig, ProbeConfig } from '../types.js';
import { imageLookup } from '../registry/image.js';
import type { Context } from './context.js';
import { readYamlMap, type KeyRule } from './yaml-map.js';

export interface EnvFromModel {
  kind: 'configMapRef' | 'secretRef';
  name: string;
  optional?: boolean;
}

export interface ProbeModel {
  action: ProbeAction;
  headers: Array<[string, string]>;
  timings: Array<[string, number]>;
}

export interface ContainerModel {
  name: string;
  image: string;
  imagePullPolicy?: 'Always' | 'Never' | 'IfNotPresent';
  env: Map<string, string>;
  envFrom: EnvFromModel[];
  requests: Array<[string, string]>;
  limits: Array<[string, string]>;
  probes: Array<['livenessProbe' | 'readinessProbe' | 'startupProbe', ProbeModel]>;
}

export interface PodModel {
  container: ContainerModel;
  imagePullSecrets: string[];
  dnsPolicy?: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: Array<{ name: string; value?: string }> };
}

const PULL_POLICIES = { always: 'Always', never: 'Never', ifnotpresent: 'IfNotPresent' } as const;

export function normalizePod(ctx: Context, cfg: KustzConfig): PodModel {
  const svc = cfg.service;
  const name = svc.name ?? cfg.name;
  const badName = rules.dns1123Label(name);
  ctx.check(svc.name !== undefined ? ['service', 'name'] : ['name'], 'name.container', `container name "${name}"`, badName,
    svc.name === undefined ? `the container is named after \`name\`; set service.name to ${badName?.fixed ? JSON.stringify(badName.fixed) : 'a DNS-1123 label'}` : undefined);

  let imagePullPolicy: ContainerModel['imagePullPolicy'];
  if (svc.imagePullPolicy !== undefined) {
    const policy = svc.imagePullPolicy.toLowerCase();
    imagePullPolicy = Object.hasOwn(PULL_POLICIES, policy) ? PULL_POLICIES[policy as keyof typeof PULL_POLICIES] : undefined;
    if (!imagePullPolicy) {
      ctx.error(['service', 'imagePullPolicy'], 'image.pull-policy', `imagePullPolicy "${svc.imagePullPolicy}" is not one of Always, Never, IfNotPresent`,
        'any case works: always, never, ifnotpresent');
    }
  }
  const image = imageLookup(svc.image);
  if (!image.ok) {
    ctx.error(['service', 'image'], 'image.invalid', image.message, 'expected [registry[:port]/]repository[:tag][@digest], e.g. registry.example.com:5000/team/app:1.2.3');
  }

  const imagePullSecrets = svc.imagePullSecrets ?? [];
  const firstOf = new Map<string, number>();
  imagePullSecrets.forEach((s, i) => {
    const first = firstOf.get(s) ?? i;
    firstOf.set(s, first);
    // The list is keyed by name (patchMergeKey): a second entry adds nothing, and merges trip on it.
    if (first < i) ctx.error(['service', 'imagePullSecrets', i], 'name.duplicate-secret', `imagePullSecrets names "${s}" twice (first at imagePullSecrets[${first}])`, 'remove one of the two');
    else ctx.check(['service', 'imagePullSecrets', i], 'name.secret', `imagePullSecrets name "${s}"`, rules.dns1123Subdomain(s));
  });

  const container: ContainerModel = {
    name,
    image: svc.image,
    ...(imagePullPolicy ? { imagePullPolicy } : {}),
    env: containerEnv(ctx, cfg),
    envFrom: containerEnvFrom(ctx, cfg),
    ...containerResources(ctx, cfg),
    probes: containerProbes(ctx, cfg),
  };
  return { container, imagePullSecrets, ...podDns(ctx, cfg) };
}

const ENV_NAMES: KeyRule = { code: 'env.name', what: 'env var', check: rules.envVarName };

/** Env files first (merged in order), then pairs; a later definition replaces an earlier one in place. */
function containerEnv(ctx: Context, cfg: KustzConfig): Map<string, string> {
  const env = new Map<string, string>();
  const envs = cfg.service.envs ?? {};
  (envs.files ?? []).forEach((file, i) => {
    const path = ['service', 'envs', 'files', i];
    const bytes = ctx.read(path, file);
    if (!bytes) return;
    for (const [key, value] of readYamlMap(ctx, file, bytes, ENV_NAMES, ctx.readBySecret(file))) env.set(key, value);
  });
  for (const key of Object.keys(envs.pairs ?? {})) {
    const path = ['service', 'envs', 'pairs', key];
    if (ctx.check(path, 'env.name', `env var name "${key}"`, rules.envVarName(key), undefined, true)) {
      env.set(key, ctx.config.scalarText(path) ?? '');
    }
  }
  return env;
}

/** Secrets first, then ConfigMaps, as the upstream tool orders them (a later source wins). */
function containerEnvFrom(ctx: Context, cfg: KustzConfig): EnvFromModel[] {
  const out: EnvFromModel[] = [];
  const envs = cfg.service.envs ?? {};
  for (const [field, kind] of [['secrets', 'secretRef'], ['configmaps', 'configMapRef']] as const) {
    (envs[field] ?? []).forEach((text, i) => {
      const ref = ctx.parsed(['service', 'envs', field, i], 'env.from', parseEnvFromRef(text));
      if (ref) out.push({ kind, ...ref });
    });
  }
  return out;
}

const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function containerResources(ctx: Context, cfg: KustzConfig): Pick<ContainerModel, 'requests' | 'limits'> {
  const requests: Array<[string, string]> = [];
  const limits: Array<[string, string]> = [];
  for (const [name, raw] of Object.entries(cfg.service.resources ?? {})) {
    const path = ['service', 'resources', name];
    const text = typeof raw === 'number' ? ctx.config.scalarText(path) ?? String(raw) : raw;
    const standard = STANDARD_RESOURCES.has(name) || name.startsWith('hugepages-');
    const pageSize = name.startsWith('hugepages-') ? parseQuantity(name.slice('hugepages-'.length)) : undefined;
    if (pageSize && (!pageSize.ok || pageSize.value.numerator === 0n)) {
      ctx.keyError(path, 'resource.name', `"${name}" does not name a huge page size`, 'write hugepages-<size>, e.g. hugepages-2Mi or hugepages-1Gi');
      continue;
    }
    // A page size may be written with a sign (hugepages-+2Mi), which no resource name may hold.
    if (!standard || pageSize) {
      const unsigned = pageSize ? `write hugepages-${name.slice('hugepages-'.length).replace(/^[+-]/, '')}` : undefined;
      if (!ctx.check(path, 'resource.name', `resource name "${name}"`, rules.qualifiedName(name), unsigned, true)) continue;
    }
    if (!standard) {
      if (!name.includes('/')) {
        ctx.keyError(path, 'resource.name', `resource "${name}" is neither cpu, memory, ephemeral-storage, hugepages-<size> nor a fully qualified extended resource`,
          'extended resources have a domain, e.g. nvidia.com/gpu');
        continue;
      }
      // The API server also names the resource's quota "requests.<name>" (IsExtendedResourceName).
      const quota = name.startsWith('requests.') ? 'starts with "requests.", the prefix of quota names' : rules.qualifiedName(`requests.${name}`) && 'is too long for its quota name, requests.<name>';
      if (!name.includes('kubernetes.io/') && quota) {
        ctx.keyError(path, 'resource.name', `extended resource "${name}" ${quota}`, 'extended resources are named like nvidia.com/gpu');
        continue;
      }
    }
    const page = pageSize?.ok ? pageSize.value : undefined;
    const amount = resourceAmount(name, text, page);
    if ('code' in amount) {
      ctx.error(path, amount.code, amount.message, passingHint(name, amount, page));
      continue;
    }
    const { request, limit } = amount;
    const unlikely = unlikelyAmount(name, text, request, limit);
    if (unlikely) ctx.warn(path, 'resource.unit', unlikely.message, unlikely.hint);
    if (request) requests.push([name, request.text]);
    if (limit) limits.push([name, limit.text]);
  }
  const named = [...requests, ...limits].map(([name]) => name);
  if (named.some((n) => n.startsWith('hugepages-')) && !named.some((n) => n === 'cpu' || n === 'memory')) {
    ctx.error(['service', 'resources'], 'resource.hugepages', 'huge pages need a cpu or memory request or limit beside them (the API server rejects them alone)', 'add e.g. memory: 128Mi');
  }
  return { requests, limits };
}

interface AmountProblem {
  code: string;
  message: string;
  hint: string;
  /** The value the hint says to write, where it names one. */
  fix?: string;
}

/**
 * `text` (request/limit) as amounts of resource `name` (huge pages of size `page`), or why it
 * is refused: the API server holds extended resources and huge pages to whole amounts, the
 * request equal to the limit.
 */
function resourceAmount(name: string, text: string, page: Quantity | undefined): { request?: Quantity; limit?: Quantity } | AmountProblem {
  const parsed = parseResource(text);
  if (!parsed.ok) return { code: 'resource.value', message: parsed.message, hint: parsed.hint, ...(parsed.fix === undefined ? {} : { fix: parsed.fix }) };
  const { request, limit } = parsed.value;
  if (STANDARD_RESOURCES.has(name)) return parsed.value;
  const whole = (q?: Quantity) => !q || isWholeQuantity(q) || page !== undefined;
  if (!whole(request) || !whole(limit)) {
    const units = String(wholeUnits(limit ?? request!));
    return { code: 'resource.extended', message: `extended resource ${name} must be a whole number, got "${text}"`, hint: `write ${units}: extended resources come in whole units`, fix: units };
  }
  if (request && limit && compareQuantities(request, limit) !== 0) {
    return { code: 'resource.extended', message: `${name} cannot be overcommitted: its request must equal its limit, got "${text}"`, hint: `write ${limit.text}/${limit.text} or just ${limit.text}`, fix: limit.text };
  }
  if (request && !limit) {
    return { code: 'resource.extended', message: `${name} cannot be overcommitted: it needs a limit equal to its request, got "${text}"`, hint: `write ${request.text}/${request.text} or just ${request.text}`, fix: request.text };
  }
  const misfit = page && [request, limit].find((q) => q && wholeUnits(q) % wholeUnits(page) !== 0n);
  if (misfit) {
    const pages = pagesOf(page, misfit);
    return { code: 'resource.hugepages', message: `${name} must be a multiple of the page size ${page.text}, got "${misfit.text}"`, hint: `write ${pages}, the next whole number of pages`, fix: pages };
  }
  return parsed.value;
}

/**
 * `problem`'s hint, or where the value it names breaks another rule (`nvidia.com/gpu: 1/2/3`
 * gets "write 1/2", which overcommits), the value that rule leads to, followed until one passes.
 */
function passingHint(name: string, problem: AmountProblem, page: Quantity | undefined): string {
  let fix = problem.fix;
  // Each rule's fix satisfies it and the rules before it: the chain is at most as long as the rules.
  for (let step = 0; fix !== undefined && step < 5; step++) {
    const next = resourceAmount(name, fix, page);
    if (!('code' in next)) return fix === problem.fix ? problem.hint : `write ${fix}: ${name} takes one whole amount${page ? ` of ${page.text} pages` : ''}, its request equal to its limit`;
    fix = next.fix;
  }
  return problem.hint;
}

/** `amount` rounded up to whole pages of `page`, written in the page size's unit ("4Mi" for 3Mi of 2Mi pages). */
function pagesOf(page: Quantity, amount: Quantity): string {
  const pages = (wholeUnits(amount) + wholeUnits(page) - 1n) / wholeUnits(page);
  const m = /^\+?([0-9]+)([A-Za-z]*)$/.exec(page.text);
  return m ? `${pages * BigInt(m[1]!)}${m[2]}` : `${pages * wholeUnits(page)}`;
}

/** The quantity rounded up to a whole number, as the API server's Quantity.Value() does. */
function wholeUnits(q: Quantity): bigint {
  return (q.numerator + q.denominator - 1n) / q.denominator;
}

const MANY_CORES = 32n;
const FEW_BYTES = 1024n * 1024n;

/**
 * `cpu: 100` (100 cores, meant 100m) and `memory: 128` (128 bytes, meant 128Mi) are valid
 * quantities that no Pod wants: the first is never scheduled, the second is OOM-killed at once.
 * A limit of 0 is valid too, and means no limit at all (kubernetes/kubernetes#70017); a request
 * of 0 reserves nothing, as meant (a request above its limit is parseResource's error).
 * `text` is the whole value (request/limit): a hint rewrites both sides, so that following it
 * leaves no request above its limit.
 */
function unlikelyAmount(name: string, text: string, request: Quantity | undefined, limit: Quantity | undefined): { message: string; hint: string } | undefined {
  if (limit?.numerator === 0n && (name === 'cpu' || name === 'memory')) {
    return {
      message: `a ${name} limit of 0 sets no limit at all: the container may use all of the node's ${name === 'cpu' ? 'CPU' : 'memory'}`,
      hint: `write the amount meant, e.g. ${name === 'cpu' ? '500m' : '256Mi'}, or leave ${name} out`,
    };
  }
  const q = limit ?? request!;
  if (q.numerator === 0n) return undefined;
  const bare = /^[0-9.]+$/.test(q.text);
  // A rewritten value is offered only when kustz takes it without a word.
  const clean = (candidate: string) => {
    const r = parseResource(candidate);
    return r.ok && !unlikelyAmount(name, candidate, r.value.request, r.value.limit) ? candidate : undefined;
  };
  if (name === 'cpu' && q.numerator >= MANY_CORES * q.denominator) {
    const millicores = bare ? clean(rewriteSides(text, (side) => (/^[1-9][0-9]*$/.test(side) ? `${side}m` : side))) : undefined;
    return {
      message: `cpu ${q.text} means ${bare ? q.text : wholeUnits(q)} CPU cores`,
      hint: millicores ? `for millicores write ${millicores}` : 'write millicores (500m) or a few whole cores (2)',
    };
  }
  if (name === 'memory' && q.numerator < FEW_BYTES * q.denominator) {
    // People count memory in GB or MB: a small number (0.5, 2) means GiB, a larger one (128) MiB.
    const gib = q.numerator < GIB_OR_MIB * q.denominator;
    const meant = bare ? clean(rewriteSides(text, (side) => (/^[0-9.]+$/.test(side) && Number(side) > 0 ? mebibytes(side, gib) : side))) : undefined;
    const sides = new Set(text.split('/').map((side) => side.trim()).filter((side) => /^[0-9.]+$/.test(side) && Number(side) > 0));
    return {
      message: `memory ${q.text} is less than 1 MiB`,
      hint: meant ? `a bare number counts bytes: for ${[...sides].join(' and ')} ${gib ? 'GiB' : 'MiB'} write ${meant}` : 'a container needs at least a few MiB: write e.g. 64Mi',
    };
  }
  return undefined;
}

/** Below this, a bare memory amount was most likely meant in GiB; from it on, in MiB. */
const GIB_OR_MIB = 32n;

/** `text` (request/limit) with each side rewritten, trimmed; a blank side stays empty. */
function rewriteSides(text: string, rewrite: (side: string) => string): string {
  return text.split('/').map((side) => (side.trim() ? rewrite(side.trim()) : '')).join('/');
}

/** A bare amount of GiB (or of MiB) in the unit it is whole in: 1 GiB is 1Gi, 0.5 GiB 512Mi. */
function mebibytes(amount: string, gib: boolean): string {
  const mib = Number(amount) * (gib ? 1024 : 1);
  if (gib && Number.isInteger(Number(amount))) return `${amount}Gi`;
  return `${Number.isInteger(mib) ? mib : Math.max(1, Math.round(mib))}Mi`;
}

const DEFAULTED_TIMINGS: readonly string[] = ['timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];
const TIMINGS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds'] as const;
/** The API server's IsHTTPHeaderName: stricter than RFC 7230 (no '_' or '.'). */
const HTTP_HEADER_NAME = /^[-A-Za-z0-9]+$/;
/** What net/http's httpguts.ValidHeaderFieldValue refuses: controls but tab, and DEL. */
const HEADER_VALUE_CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

function containerProbes(ctx: Context, cfg: KustzConfig): ContainerModel['probes'] {
  const out: ContainerModel['probes'] = [];
  const probes = cfg.service.probes ?? {};
  for (const [kind, field] of [['liveness', 'livenessProbe'], ['readiness', 'readinessProbe'], ['startup', 'startupProbe']] as const) {
    const probe: ProbeConfig | undefined = probes[kind];
    if (!probe) continue;
    const path = ['service', 'probes', kind];
    const action = ctx.parsed([...path, 'action'], 'probe.action', parseProbeAction(probe.action));
    if (action && 'port' in action && typeof action.port === 'string') {
      // The kubelet looks a port name up among the container's ports, and kustz writes those by number.
      ctx.error([...path, 'action'], 'probe.port-name', `the container has no port named "${action.port}": kustz writes containerPorts by number, so the kubelet could not resolve it`,
        `write the port's number, e.g. ${action.kind === 'tcpSocket' ? 'tcp://:8080' : 'http://:8080/healthz'}`);
    }
    const headers: Array<[string, string]> = [];
    for (const name of Object.keys(probe.headers ?? {})) {
      const headerPath = [...path, 'headers', name];
      if (action && action.kind !== 'httpGet') {
        ctx.error(headerPath, 'probe.headers', `headers only apply to http:// and https:// probes, this ${kind} probe is ${action.kind}`,
          `remove service.probes.${kind}.headers, or probe over http://`);
        break;
      }
      if (!HTTP_HEADER_NAME.test(name)) {
        ctx.keyError(headerPath, 'probe.header-name', `"${name}" is not a valid HTTP header name`, "the API server allows letters, digits and '-' only, e.g. X-Api-Token");
        continue;
      }
      const value = ctx.config.scalarText(headerPath) ?? '';
      // The API server takes any value, but Go's HTTP client refuses to send one with a control
      // character (RFC 9110 field-value), so every probe would fail.
      if (HEADER_VALUE_CONTROL.test(value)) {
        ctx.error(headerPath, 'probe.header-value', `the value of header "${name}" holds a line break or another control character, which no HTTP request can carry: every ${kind} probe would fail`,
          'write the value on one line (a YAML block such as | or > adds line breaks)');
      } else headers.push([name, value]);
    }
    if (kind !== 'readiness' && probe.successThreshold !== undefined && probe.successThreshold !== 0 && probe.successThreshold !== 1) {
      ctx.error([...path, 'successThreshold'], 'probe.success-threshold', `successThreshold of a ${kind} probe must be 1`,
        'write successThreshold: 1, or leave it out; only a readiness probe may ask for several successes in a row');
    }
    if (kind === 'readiness' && probe.terminationGracePeriodSeconds !== undefined) {
      ctx.error([...path, 'terminationGracePeriodSeconds'], 'probe.grace-period', 'a readiness probe has no terminationGracePeriodSeconds',
        'remove it: a failed readiness probe only takes the Pod out of the Service, it does not stop the container');
    }
    // 0 is the API server's "unset" for these (it defaults them), as it was to tangx/kustz.
    const timings = TIMINGS.flatMap((t) => (probe[t] === undefined || (probe[t] === 0 && DEFAULTED_TIMINGS.includes(t)) ? [] : [[t, probe[t]] as [string, number]]));
    if (action) out.push([field, { action, headers, timings }]);
  }
  return out;
}

const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;

function podDns(ctx: Context, cfg: KustzConfig): Pick<PodModel, 'dnsPolicy' | 'dnsConfig'> {
  const dns = cfg.dns;
  if (!dns) return {};
  const config = dns.config;
  const policy = dns.policy ?? (config ? 'None' : undefined);
  if (!config) {
    if (policy === 'None') ctx.error(['dns', 'policy'], 'dns.nameservers', 'dns policy None needs dns.config with at least one nameserver', 'add dns.config.nameservers, or choose another policy: ClusterFirst, ClusterFirstWithHostNet, Default');
    return policy ? { dnsPolicy: policy } : {};
  }
  const { nameservers = [], searches = [], options = [] } = config;
  if (policy === 'None' && nameservers.length === 0) {
    ctx.error(['dns', 'config'], 'dns.nameservers', 'dns policy None needs at least one nameserver in dns.config.nameservers',
      'add one, e.g. nameservers: [10.96.0.10], or choose another policy: ClusterFirst, ClusterFirstWithHostNet, Default');
  }
  if (nameservers.length > MAX_NAMESERVERS) {
    ctx.error(['dns', 'config', 'nameservers', MAX_NAMESERVERS], 'dns.nameservers', `at most ${MAX_NAMESERVERS} nameservers are allowed, got ${nameservers.length}`,
      `remove this one and those after it: the resolver reads the first ${MAX_NAMESERVERS} only`);
  }
  nameservers.forEach((ns, i) => ctx.check(['dns', 'config', 'nameservers', i], 'dns.nameserver', `nameserver "${ns}"`, rules.ipAddress(ns)));
  if (searches.length > MAX_SEARCHES) {
    ctx.error(['dns', 'config', 'searches', MAX_SEARCHES], 'dns.searches', `at most ${MAX_SEARCHES} search domains are allowed, got ${searches.length}`,
      `remove this one and those after it, keeping ${MAX_SEARCHES}`);
  }
  searches.forEach((s, i) => {
    // "." (no search) is valid from v1.33 (RelaxedDNSSearchValidation, alpha and off in v1.32).
    if (s === '.') ctx.warn(['dns', 'config', 'searches', i], 'dns.search', 'search domain "." is accepted by the API server from Kubernetes v1.33 on; v1.32 and older reject the Pod', 'leave it out on clusters before v1.33');
    else ctx.check(['dns', 'config', 'searches', i], 'dns.search', `search domain "${s}"`, rules.dns1123Subdomain(s.replace(/\.$/, '')));
  });
  const searchChars = searches.join(' ').length;
  if (searchChars > MAX_SEARCH_CHARS) {
    ctx.error(['dns', 'config', 'searches'], 'dns.searches', `the search list has ${searchChars} characters (spaces between domains included); the API server allows ${MAX_SEARCH_CHARS}`,
      `remove or shorten domains to take off ${searchChars - MAX_SEARCH_CHARS} characters`);
  }
  const parsedOptions = options.map((o, i) => {
    const colon = o.indexOf(':');
    const name = colon >= 0 ? o.slice(0, colon) : o;
    if (!name) ctx.error(['dns', 'config', 'options', i], 'dns.option', `dns option "${o}" has no name: expected name or name:value`, `write the option's name before the ":", e.g. ndots${o}`);
    return colon >= 0 ? { name, value: o.slice(colon + 1) } : { name };
  });
  return {
    ...(policy ? { dnsPolicy: policy } : {}),
    dnsConfig: {
      ...(nameservers.length ? { nameservers } : {}),
      ...(searches.length ? { searches } : {}),
      ...(parsedOptions.length ? { options: parsedOptions } : {}),
    },
  };
}
