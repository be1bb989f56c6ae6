import { buildConfigMap, buildSecret } from './build/data.js';
import type { Identity } from './build/meta.js';
import { buildIngress, buildService, containerPorts } from './build/network.js';
import { buildDeployment } from './build/workload.js';
import { hasErrors, KustzError, REDACTED, type Issue } from './errors.js';
import { BESIDE_KUSTZ_YML, type FileBase, type LoadRestrictor, type ReadFile } from './files.js';
import { appendHashSuffixes, asKustomizeSecret, markNeedsHash } from './hash.js';
import * as rules from './k8s.js';
import { Context } from './normalize/context.js';
import { normalizeData } from './normalize/data.js';
import { normalizeIngress, normalizeService } from './normalize/network.js';
import { normalizePod } from './normalize/workload.js';
import { applyOverrides, type Override } from './overrides.js';
import { parseConfig, type ParsedConfig } from './parse.js';
import { lintPullSecrets } from './registry/keyring.js';
import { sha256Hex } from './sha256.js';
import type { GeneratedData, KubeObject, KustzConfig } from './types.js';
import { validateConfig } from './validate.js';

export interface RenderInput {
  /** kustz.yml text; or `config`, one that arrives already parsed (a generator config's inline spec). */
  source?: string;
  config?: ParsedConfig;
  /** The name kustz.yml is shown under in messages; files it names resolve from its directory. */
  file: string;
  readFile: ReadFile;
  overrides?: readonly Override[];
  /** Variables `${VAR}` credential references may name. */
  env?: Readonly<Record<string, string | undefined>>;
  loadRestrictor?: LoadRestrictor;
  /** Where the files named are read from, for messages; default: beside kustz.yml. */
  fileBase?: FileBase;
  /**
   * How a change to the generated ConfigMaps and Secrets reaches the Pods. Default: the names
   * stay and the pod template carries CONFIG_HASH_ANNOTATION. 'suffix' (--hash): kustomize's hash
   * suffix on their names, references rewritten. 'kustomize' (--hash when kustomize builds the
   * output): the names stay and carry kustomize's needs-hash mark, so kustomize appends the suffix;
   * Secrets come as kustomize's generator makes them, so that the suffix is the one 'suffix' gives.
   */
  hash?: 'suffix' | 'kustomize';
}

export interface RenderResult {
  /** Secrets, ConfigMaps, Service, Deployment, Ingress: the order they are applied in. */
  objects: KubeObject[];
  warnings: Issue[];
  /** The ConfigMaps and Secrets with their sources, for the kustomize writer. */
  generated: GeneratedData[];
  config: KustzConfig;
  /** Where a field of the kustz.yml stands, for problems found after the render (a name two files share). */
  locate: ParsedConfig['locate'];
}

export const CONFIG_HASH_ANNOTATION = 'kustz.io/config-hash';

/**
 * THE core: kustz.yml (text or value) plus file contents in, Kubernetes objects out. No I/O:
 * files come through `readFile`, variables through `env`. Throws KustzError with every problem.
 */
export function render(input: RenderInput): RenderResult {
  let parsed: ParsedConfig;
  if (input.source !== undefined) {
    const result = parseConfig(input.source, input.file);
    if (!result.config) throw new KustzError(result.issues);
    parsed = result.config;
  } else {
    parsed = input.config!;
  }
  parsed = applyOverrides(parsed, input.overrides ?? []);

  const checked = validateConfig(parsed);
  // Whatever quotes a value (an alias of a password in another field, say) never shows a password.
  const scrub = withoutPasswords(parsed.value);
  if (checked.issues.length) throw new KustzError(scrub(checked.issues));
  parsed = checked.config;

  const cfg = parsed.value as KustzConfig;
  const ctx = new Context(parsed, input.readFile, input.loadRestrictor ?? 'rootonly', input.env ?? {}, input.fileBase ?? BESIDE_KUSTZ_YML);
  const id = identity(ctx, cfg);
  const pod = normalizePod(ctx, cfg);
  const service = normalizeService(ctx, cfg);
  const ingress = normalizeIngress(ctx, cfg, service);
  // The Service's name is also the backend of the Ingress rules without ?svc=, Service or not.
  if (service || ingress?.rules.some((r) => r.paths.some((p) => p.service === cfg.name))) {
    ctx.check(['name'], 'name.service', `Service name "${cfg.name}"`, rules.dns1035Label(cfg.name), serviceNameHint(cfg.name));
  }
  const generated = normalizeData(ctx, cfg, input.hash !== undefined);
  for (const w of lintPullSecrets({
    image: cfg.service.image,
    imagePullSecrets: pod.imagePullSecrets,
    generated: generated.flatMap((g) => (g.kind === 'Secret' ? [{ name: g.name, type: g.type ?? 'Opaque', ...(g.registries ? { registries: g.registries } : {}) }] : [])),
  })) {
    const { about } = w;
    const at = 'image' in about
      ? ['service', 'image']
      : 'pullSecret' in about
        ? ['service', 'imagePullSecrets', cfg.service.imagePullSecrets!.indexOf(about.pullSecret)]
        : [...generated.find((g) => g.kind === 'Secret' && g.name === about.generated)!.at, 'name'];
    ctx.warn(at, w.code, w.message, w.hint);
  }
  for (const tls of ingress?.tls ?? []) {
    const secret = generated.find((g) => g.kind === 'Secret' && g.name === tls.secretName);
    const missing = secret && ['tls.crt', 'tls.key'].filter((key) => !secret.data.has(key));
    if (missing?.length) {
      ctx.warn(['ingress', 'rules', tls.rule], 'ingress.tls-secret', `the Ingress serves ${tls.hosts.join(', ')} with the generated Secret "${tls.secretName}", which has no ${missing.join(' and no ')}; the Ingress controller would serve its default certificate`,
        `generate "${tls.secretName}" with type kubernetes.io/tls and files [tls.crt=path/to/cert.pem, tls.key=path/to/key.pem]`);
    }
  }
  if (hasErrors(ctx.issues)) throw new KustzError(scrub(ctx.issues));

  const sources = [...generated.filter((g) => g.kind === 'Secret'), ...generated.filter((g) => g.kind === 'ConfigMap')];
  const data: KubeObject[] = sources.map((g) => (g.kind === 'Secret' ? buildSecret(id, g) : buildConfigMap(id, g)));
  // The JSON of each object's data, made once for the size check and the config hash.
  const dataJson = new Map<KubeObject, string>();
  const jsonOf = (o: KubeObject): string => {
    let text = dataJson.get(o);
    if (text === undefined) dataJson.set(o, (text = JSON.stringify(o['data'] ?? null)));
    return text;
  };
  sources.forEach((g, i) => {
    // JSON spells a byte in at most 6, a key in at most 260 with its quotes, and the rest of the
    // object (names, labels) takes under 2 KiB: below that, no need to count.
    if (6 * g.sizeBound + 260 * g.data.size + 2048 < rules.MAX_ANNOTATIONS_BYTES) return;
    const size = lastAppliedBytes(data[i]!, jsonOf(data[i]!));
    // The count can miss kubectl's by a few bytes (field order aside, its JSON is its own): a
    // margin errs on the side of the warning.
    if (size + LAST_APPLIED_MARGIN <= rules.MAX_ANNOTATIONS_BYTES) return;
    ctx.warn([...g.at, 'name'], 'size.last-applied',
      `${g.kind} "${g.name}" is too large for a client-side \`kubectl apply\`: its JSON copy in the annotation ${LAST_APPLIED} makes about ${size} bytes of annotations, where the API server allows ${rules.MAX_ANNOTATIONS_BYTES} ("metadata.annotations: Too long")`,
      'apply with `kubectl apply --server-side` (Argo CD: the ServerSideApply=true sync option), or create it with `kubectl create`; or make the data smaller');
  });
  const used = input.hash ? [] : usedData(pod.container.envFrom, pod.imagePullSecrets, data);
  const objects = input.hash ? data.map((o) => markNeedsHash(input.hash === 'kustomize' ? asKustomizeSecret(o) : o)) : data;
  if (service) objects.push(buildService(id, service));
  objects.push(
    buildDeployment({
      id,
      ...(cfg.service.replicas !== undefined ? { replicas: cfg.service.replicas } : {}),
      pod,
      containerPorts: containerPorts(service),
      podAnnotations: used.length ? { [CONFIG_HASH_ANNOTATION]: configHash(used, jsonOf) } : {},
    }),
  );
  if (ingress) objects.push(buildIngress(id, ingress));
  return { objects: input.hash === 'suffix' ? appendHashSuffixes(objects) : objects, warnings: scrub(ctx.issues), generated, config: cfg, locate: parsed.locate };
}

/**
 * Issues with every password of secrets.dockerRegistry written in kustz.yml (not a ${VAR}
 * reference, which is no secret) replaced by <redacted>, in message, hint and frame: the last
 * guard behind the rules that keep credential fields out of messages.
 */
function withoutPasswords(config: unknown): (issues: Issue[]) => Issue[] {
  const entries = (config as { secrets?: { dockerRegistry?: unknown } } | null)?.secrets?.dockerRegistry;
  const passwords = (Array.isArray(entries) ? entries : [])
    .map((e) => (e !== null && typeof e === 'object' ? (e as { password?: unknown }).password : undefined))
    .filter((p): p is string => typeof p === 'string' && p.length >= 4 && !/^\$\{[^}]*\}$/.test(p));
  if (!passwords.length) return (issues) => issues;
  const scrub = (text: string) => passwords.reduce((t, p) => t.split(p).join(REDACTED), text);
  return (issues) => issues.map((i) => ({ ...i, message: scrub(i.message), ...(i.hint === undefined ? {} : { hint: scrub(i.hint) }), ...(i.frame === undefined ? {} : { frame: scrub(i.frame) }) }));
}

function identity(ctx: Context, cfg: KustzConfig): Identity {
  ctx.check(['name'], 'name.object', `name "${cfg.name}"`, rules.dns1123Subdomain(cfg.name));
  ctx.check(['name'], 'name.label', `name "${cfg.name}" becomes the label app=${cfg.name} and`, rules.labelValue(cfg.name));
  if (cfg.namespace !== undefined) ctx.check(['namespace'], 'name.namespace', `namespace "${cfg.namespace}"`, rules.dns1123Label(cfg.namespace));
  return { name: cfg.name, ...(cfg.namespace !== undefined ? { namespace: cfg.namespace } : {}), labels: { app: cfg.name } };
}

/** Why `name` cannot name a Service (a DNS-1035 label), in the words of each rule it breaks. */
function serviceNameHint(name: string): string {
  const broken = [
    ...(/^[^a-z]/.test(name) || name === '' ? ['starts with a lowercase letter'] : []),
    ...(/[^a-z0-9-]/.test(name) ? ['holds only lowercase letters, digits and "-" (no dots)'] : []),
    ...(name.endsWith('-') ? ['ends with a letter or digit'] : []),
    ...(name.length > 63 ? ['has at most 63 characters'] : []),
  ];
  return `the Service is named after \`name\`, and a Service name ${broken.join(', ')}`;
}

/** The generated ConfigMaps and Secrets the Pods read: a change to them must roll the Pods. */
function usedData(envFrom: ReadonlyArray<{ kind: string; name: string }>, pullSecrets: readonly string[], objects: readonly KubeObject[]): KubeObject[] {
  const wanted = new Set([
    ...envFrom.map((r) => `${r.kind === 'secretRef' ? 'Secret' : 'ConfigMap'}/${r.name}`),
    ...pullSecrets.map((n) => `Secret/${n}`),
  ]);
  return objects.filter((o) => wanted.has(`${o.kind}/${o.metadata.name}`));
}

/** The hash of JSON.stringify([kind, name, type, data, binaryData]) of each object, with `dataJson` for the data. */
function configHash(objects: readonly KubeObject[], dataJson: (o: KubeObject) => string): string {
  const text = objects.map((o) => `[${JSON.stringify(o.kind)},${JSON.stringify(o.metadata.name)},${JSON.stringify(o['type'] ?? null)},${dataJson(o)},${JSON.stringify(o['binaryData'] ?? null)}]`).join('');
  return sha256Hex(text).slice(0, 16);
}

/** Where a client-side `kubectl apply` keeps the object it applied, as JSON. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Bytes by which lastAppliedBytes may fall short of kubectl's own count. */
const LAST_APPLIED_MARGIN = 64;

/**
 * The bytes of annotations an object has after a client-side `kubectl apply`: its own, and
 * LAST_APPLIED holding the object as Go's encoding/json writes it, with a newline. Go escapes
 * <, > and & (6 bytes for 1) and U+2028/U+2029 (6 for 3), where JSON.stringify does not.
 */
function lastAppliedBytes(o: KubeObject, dataJson: string): number {
  const { data, binaryData, ...rest } = o;
  const goBytes = (json: string) => Buffer.byteLength(json) + 5 * (json.match(/[<>&]/g)?.length ?? 0) + 3 * (json.match(/[\u2028\u2029]/g)?.length ?? 0);
  // kubectl encodes the object after giving it an annotations map, empty if it had none.
  let size = LAST_APPLIED.length + goBytes(JSON.stringify(rest)) + 1 + (o.metadata.annotations ? 0 : ',"annotations":{}'.length);
  if (data !== undefined) size += ',"data":'.length + goBytes(dataJson);
  if (binaryData !== undefined) size += ',"binaryData":'.length + goBytes(JSON.stringify(binaryData));
  for (const [key, value] of Object.entries(o.metadata.annotations ?? {})) size += Buffer.byteLength(key) + Buffer.byteLength(value);
  return size;
}
