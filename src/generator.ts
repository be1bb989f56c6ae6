/**
 * The kustomize generator config, shared by the legacy exec plugin and the KRM function:
 *
 *   apiVersion: kustz/v1
 *   kind: Kustz
 *   metadata: {name: web}
 *   spec:
 *     config: kustz.yml   # a kustz.yml, relative to the kustomization's directory (the working
 *                         # directory) or the kpt package's (which kpt names in an annotation)
 *     hash: true          # optional: kustomize appends hash suffixes (the needs-hash annotation)
 *   # or, instead of spec.config, the kustz.yml fields inline under spec (name defaults to metadata.name)
 */
import { basename, isAbsolute } from 'node:path';
import { diskReader, outsideOf, realPathOutside } from './disk.js';
import { closest, hasErrors, issue, KustzError, type Issue } from './errors.js';
import { BESIDE_KUSTZ_YML, confinementProblem, isAbsolutePath, type FileBase } from './files.js';
import { allowedKeys } from './generated/schema-validator.js';
import { render } from './render.js';
import { formatPath, type ParsedConfig, type Path } from './parse.js';
import { CONFIG_NAMES, realDirectory, renderFile, type IO } from './shell.js';
import type { KubeObject } from './types.js';

/** A generator config on one line, for hints. */
export const GENERATOR_CONFIG_EXAMPLE = '{apiVersion: kustz/v1, kind: Kustz, metadata: {name: web}, spec: {config: kustz.yml}}';

/** The generator config, checked. */
interface KustzGenerator {
  name: string;
  hash: boolean;
  config?: string;
  /** The kustz.yml fields under spec, keys and scalars as written, positions in the config. */
  inline?: ParsedConfig;
  /** An inline field's path in issues (`service.ports[0]`) as the path in the generator config. */
  inConfig?: (path: string) => string;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readGeneratorConfig(parsed: ParsedConfig | undefined): KustzGenerator {
  const value = parsed?.value ?? null;
  const at = (path: Path, message: string, hint?: string, options?: { key: boolean }): Issue =>
    issue('generator.config', message, { ...(parsed ? parsed.locate(path, options) : { file: 'generator config' }), path: formatPath(path), ...(hint ? { hint } : {}) });
  // A key that should not be there is fixed at the key, not at what it holds.
  const atKey = (path: Path, message: string, hint?: string): Issue => at(path, message, hint, { key: true });
  if (!isMap(value)) throw new KustzError([at([], 'expected a map with apiVersion: kustz/v1, kind: Kustz, metadata and spec', `e.g. ${GENERATOR_CONFIG_EXAMPLE}`)]);
  const issues: Issue[] = [];
  const fields = ['apiVersion', 'kind', 'metadata', 'spec'];
  for (const key of Object.keys(value).filter((k) => !fields.includes(k))) {
    const near = closest(key, fields);
    issues.push(atKey([key], `unknown key "${key}" in the generator config`, near ? `did you mean "${near}"?` : `the keys are ${fields.join(', ')}`));
  }
  if (value['apiVersion'] !== 'kustz/v1') issues.push(at(['apiVersion'], `apiVersion must be kustz/v1, got ${JSON.stringify(value['apiVersion'] ?? null)}`));
  if (value['kind'] !== 'Kustz') issues.push(at(['kind'], `kind must be Kustz, got ${JSON.stringify(value['kind'] ?? null)}`));
  const metadata = value['metadata'];
  const name = isMap(metadata) ? metadata['name'] : undefined;
  if (typeof name !== 'string' || name === '') {
    issues.push(at(['metadata', 'name'], name === undefined || name === '' ? 'metadata.name is required' : `metadata.name must be a string, got ${JSON.stringify(name)}`));
  }
  const spec = value['spec'];
  const example = 'spec: {config: kustz.yml}, or the kustz.yml fields under spec';
  if (!isMap(spec)) {
    issues.push(at(['spec'], spec === undefined || spec === null ? 'spec is required' : `spec must be a map, got ${Array.isArray(spec) ? 'a list' : JSON.stringify(spec)}`, example));
    throw new KustzError(issues);
  }
  // A key with no value is not set, as in a kustz.yml (name then defaults to metadata.name).
  const { config, hash, ...inline } = Object.fromEntries(Object.entries(spec).filter(([k, v]) => v !== null || !['config', 'hash', 'name'].includes(k)));
  if (config !== undefined && (typeof config !== 'string' || config === '')) issues.push(at(['spec', 'config'], 'spec.config must be the path of a kustz.yml', 'e.g. config: kustz.yml'));
  if (hash !== undefined && typeof hash !== 'boolean') issues.push(at(['spec', 'hash'], 'spec.hash must be true or false'));
  const inlineKeys = Object.keys(inline);
  if (config !== undefined && inlineKeys.length) {
    const near = inlineKeys.length === 1 ? closest(inlineKeys[0]!, ['hash']) : undefined;
    issues.push(atKey(['spec', inlineKeys[0]!], `spec holds either config or the kustz.yml fields, not both (found ${inlineKeys.join(', ')} beside config)`, near ? `did you mean "${near}"?` : undefined));
  }
  if (config === undefined) {
    // Without config, spec holds kustz.yml fields, and the schema would call a stray key one "in
    // the top level" of a kustz.yml; most often it is config or hash misspelt.
    const topLevel = allowedKeys[''] ?? [];
    for (const key of inlineKeys.filter((k) => !topLevel.includes(k))) {
      const near = closest(key, ['config', 'hash', ...topLevel]);
      issues.push(atKey(['spec', key], `unknown key "${key}" in spec`, near ? `did you mean "${near}"?` : `spec holds config and hash, or the kustz.yml fields (${topLevel.join(', ')})`));
    }
    if (!inlineKeys.length) issues.push(at(['spec'], 'spec is empty', example));
  }
  if (issues.length) throw new KustzError(issues);
  if (typeof config === 'string') return { name: name as string, hash: hash === true, config };
  // name defaults to metadata.name, and is then found there.
  const ownName = 'name' in inline;
  const from = (path: Path): Path => (path[0] === 'name' && !ownName ? ['metadata', 'name'] : ['spec', ...path]);
  return {
    name: name as string,
    hash: hash === true,
    inline: {
      file: parsed!.file,
      value: { name, ...inline },
      locate: (path, options) => parsed!.locate(from(path), options),
      scalarText: (path) => parsed!.scalarText(from(path)),
    },
    inConfig: (path) => (path === 'name' && !ownName ? 'metadata.name' : path === '' ? 'spec' : path.startsWith('[') ? `spec${path}` : `spec.${path}`),
  };
}

/**
 * Why the generator config may not name `config`, if it may not. The generator config sits in
 * the repository, so a pull request chooses the path, and messages about the file it names quote
 * it (values, lines) in CI logs: inside the kustomization's (or kpt package's) directory any
 * file goes; beyond it (a sibling ../service/kustz.yml) only a kustz.yml, never
 * /proc/self/environ or a kubeconfig.
 */
function configOutside(config: string, root: SpecRoot): string | undefined {
  if (isAbsolutePath(config)) return `"${config}" is an absolute path; name a kustz.yml relative to ${root.base.dir}`;
  if (CONFIG_NAMES.includes(basename(config.replaceAll('\\', '/')))) return undefined;
  if (confinementProblem(config) === undefined && realPathOutside(root.path, config) === undefined) return undefined;
  return `"${config}" lies outside ${root.base.dir}, where kustz reads only a file named ${CONFIG_NAMES.join(' or ')}`;
}

// kustomize runs kustz here, with no flag of kustz's to lift the load restrictor.
const { lift: _lift, ...KUSTZ_YML_UNDER_KUSTOMIZE } = BESIDE_KUSTZ_YML;

/** Where the spec's paths (spec.config, or the files an inline spec names) start. */
interface SpecRoot {
  path: string;
  base: FileBase;
}

/** kpt's annotation on the functionConfig: the absolute path of the package it runs on. */
const PACKAGE_PATH = 'internal.config.kubernetes.io/package-path';

/**
 * kustomize runs kustz in the kustomization's directory. kpt runs it wherever kpt was started
 * (kpt fn render pkg, from the package's parent), and names the package in an annotation.
 */
function specRoot(parsed: ParsedConfig | undefined, io: IO): SpecRoot {
  const metadata = isMap(parsed?.value) ? parsed.value['metadata'] : undefined;
  const annotations = isMap(metadata) ? metadata['annotations'] : undefined;
  const pkg = isMap(annotations) ? annotations[PACKAGE_PATH] : undefined;
  // kustomize passes the annotations of a generator file on as written: a package path that
  // anyone could set (/proc/self, /etc) is taken only inside the directory kustz runs in, which
  // kpt's is (`kpt fn render pkg` from the package or from above it).
  if (typeof pkg === 'string' && isAbsolute(pkg) && outsideOf(realDirectory(io.cwd), realDirectory(pkg)) === undefined) {
    return { path: pkg, base: { namer: 'the spec', dir: "the kpt package's directory" } };
  }
  return { path: io.cwd, base: { namer: 'the spec', dir: "the kustomization's directory" } };
}

/**
 * The objects a generator config stands for, rendered from its root, with the problems and
 * warnings met; no objects means it failed. The caller reports the issues, each protocol its way.
 */
export function generate(parsed: ParsedConfig | undefined, io: IO): { objects?: KubeObject[]; issues: Issue[] } {
  try {
    const config = readGeneratorConfig(parsed);
    const root = specRoot(parsed, io);
    if (config.config !== undefined) {
      const outside = configOutside(config.config, root);
      if (outside) throw new KustzError([issue('generator.config', `spec.config: ${outside}`, { ...parsed!.locate(['spec', 'config']), path: 'spec.config', hint: `name the file kustz.yml, or move it into ${root.base.dir}` })]);
      // The kustz.yml is shown as spec.config names it, and found from the root.
      const inRoot: IO = { stdout: io.stdout, stderr: io.stderr, env: io.env, cwd: root.path };
      const rendered = renderFile(config.config, { hash: config.hash }, inRoot, { hashMode: 'kustomize', base: KUSTZ_YML_UNDER_KUSTOMIZE, namedIn: root.base });
      return hasErrors(rendered.issues) ? { issues: rendered.issues } : { objects: rendered.result!.objects, issues: rendered.issues };
    }
    // render names kustz.yml paths, which the positions already follow into spec; the paths
    // (the message's "at", a KRM result's field) must name the same place.
    // Messages and hints name fields too ("set service.name to ..."): as spec.service.name here.
    // A hint names them also where the problem lies in a file the spec names (".env lines belong
    // under configmaps.envs"). Text in double quotes is a value (an image, a host such as
    // "service.example.com"), never a field, and stays as written.
    const inSpec = (text: string) =>
      text
        .split(/("(?:[^"\\]|\\.)*")/)
        .map((part, i) => (i % 2 ? part : part.replace(/(?<![\w.\-/:])(service|configmaps|secrets|ingress|dns)\.(?=[a-zA-Z])/g, 'spec.$1.')))
        .join('');
    const inConfig = (issues: Issue[]): Issue[] =>
      issues.map((i) => {
        if (i.path === undefined) return i.hint === undefined ? i : { ...i, hint: inSpec(i.hint) };
        const message = inSpec(i.path === '' ? i.message.replace(/ in the top level$/, ' in spec') : i.message);
        const hint = i.hint === undefined ? undefined : inSpec(i.path === '' ? i.hint.replace(/ at the top level$/, ' to spec') : i.hint);
        return { ...i, message, ...(hint === undefined ? {} : { hint }), path: config.inConfig!(i.path) };
      });
    let result;
    try {
      result = render({
        config: config.inline!,
        file: config.inline!.file,
        readFile: diskReader(root.path, 'rootonly', { base: root.base }),
        fileBase: root.base,
        env: io.env,
        ...(config.hash ? { hash: 'kustomize' as const } : {}),
      });
    } catch (e) {
      if (e instanceof KustzError) return { issues: inConfig(e.issues) };
      throw e;
    }
    return { objects: result.objects, issues: inConfig(result.warnings) };
  } catch (e) {
    if (!(e instanceof KustzError)) throw e;
    return { issues: e.issues };
  }
}
