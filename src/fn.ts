/**
 * The KRM function: a ResourceList (YAML or JSON) on stdin, the same list with the generated
 * objects in `items` on stdout. The input is spliced, never written again: kpt writes the items
 * back to the package's files, and a YAML library that prints them anew moves comments and
 * rewrites scalars (`010` becomes `10`, which Go's YAML 1.1 had read as 8).
 */
import type { Document, LineCounter, Node, YAMLMap } from 'yaml';
import { issue, KustzError, type Issue } from './errors.js';
import { generate, GENERATOR_CONFIG_EXAMPLE } from './generator.js';
import { configFromYamlNode, resolvedNodeAt, textOf, unquotedMessage, type ParsedConfig } from './parse.js';
import { toYaml, withKeyOrder } from './serialize.js';
import { report, type IO } from './shell.js';
import type { KubeObject } from './types.js';
import { documentTooLarge, yamlLib } from './yaml/lib.js';

/**
 * stdin and its YAML, read once: the list may hold a whole kustomization or kpt package, and its
 * document is the largest thing kustz ever holds.
 */
export interface FunctionInput {
  text: string;
  doc: Document;
  lines: LineCounter;
}

export function readFunctionInput(text: string): FunctionInput {
  const tooLarge = documentTooLarge(text, "stdin's YAML");
  if (tooLarge) {
    throw new KustzError([issue('stdin.too-large', tooLarge.message, {
      hint: `kustz needs only the functionConfig, none of the items: give its generator config a kustomization (or kpt package) of its own, and list that one among the resources of the large one; or give Node more: ${tooLarge.roomFor}`,
    })]);
  }
  const { LineCounter, parseDocument } = yamlLib();
  const lines = new LineCounter();
  // uniqueKeys off: the list is kustomize's or kpt's, and is passed on as it came.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, logLevel: 'error', prettyErrors: false, resolveKnownTags: false });
  return { text, doc, lines };
}

/** Whether stdin holds a ResourceList, which is how kustomize and kpt call a function. */
export function isResourceList({ doc }: FunctionInput): boolean {
  const { isMap } = yamlLib();
  return !doc.errors.length && isMap(doc.contents) && doc.get('kind') === 'ResourceList';
}

/** How issues name the parts of the input, which are no file of the user's. */
const STDIN = 'stdin';
const FUNCTION_CONFIG = 'functionConfig';

function fail(io: IO, i: Issue): number {
  report([i], false, io);
  return 1;
}

export function runFunction(input: FunctionInput, io: IO): number {
  const { isNode, isScalar, isSeq } = yamlLib();
  const { text, doc } = input;
  if (!isResourceList(input)) return fail(io, notAResourceList(input));
  for (const key of ['items', 'results']) {
    const list = doc.get(key, true) as Node | undefined;
    if (list !== undefined && !isSeq(list) && !(isScalar(list) && list.value === null)) {
      return fail(io, issue('fn.input', `the ResourceList's ${key} must be a list`, { hint: 'kustomize and kpt send items: [] when there are none' }));
    }
  }
  const node = doc.get('functionConfig', true);
  const missing = withoutGeneratorConfig(node);
  let functionConfig: ParsedConfig | undefined;
  try {
    functionConfig = !missing && isNode(node) ? configFromYamlNode(doc, node, FUNCTION_CONFIG) : undefined;
  } catch (e) {
    // yaml's messages end in the text at fault, which may be a password of the generator config.
    return fail(io, issue('fn.input', `the functionConfig cannot be read: ${unquotedMessage('', (e as Error).message)}`, { hint: 'define each anchor (&name) before its aliases (*name), and expand at most 100 aliases' }));
  }
  const { objects, issues } = missing ? { objects: undefined, issues: [missing] } : generate(functionConfig, io);
  // On stderr for kustomize, which shows a failed function's stderr; as results for kpt, which
  // lists them under the function, with its severity and field.
  report(issues, false, io);
  const ref = resourceRef(doc, node);
  const edits = [...(objects ? objectEdits(text, doc, objects) : emptyItems(text, doc)), ...appendEdits(text, doc, 'results', issues.map((i) => result(i, ref)))];
  io.stdout(applyEdits(text, edits));
  return objects ? 0 : 1;
}

/**
 * Why the ResourceList carries no generator config, if it does not: a list written by hand may
 * have no functionConfig; kpt run without --fn-config passes a ConfigMap of its own (function-input).
 * Either would otherwise be judged as a generator config, in four errors that do not say this.
 */
function withoutGeneratorConfig(node: unknown): Issue | undefined {
  const { isMap, isScalar } = yamlLib();
  const hint = `pass the generator config as the functionConfig: kpt fn eval DIR --exec kustz --fn-config kustz-generator.yaml, that file holding ${GENERATOR_CONFIG_EXAMPLE}; kustomize passes the config that names kustz as its function`;
  if (node === undefined || (isScalar(node) && node.value === null)) {
    return issue('fn.config', 'the ResourceList has no functionConfig, the generator config kustz renders from', { file: STDIN, hint });
  }
  if (isMap(node) && node.get('apiVersion') === 'v1' && node.get('kind') === 'ConfigMap') {
    return issue('fn.config', 'this is a ConfigMap, as kpt passes when run without --fn-config; kustz needs its generator config, of kind Kustz', { file: FUNCTION_CONFIG, path: 'kind', hint });
  }
  return undefined;
}

/** Why stdin is no ResourceList: where its YAML breaks, or what it lacks. */
function notAResourceList({ doc, lines }: FunctionInput): Issue {
  const error = doc.errors[0];
  if (error) {
    return issue('fn.input', `stdin is not valid YAML: ${unquotedMessage(error.code, error.message)}`, { file: STDIN, ...lines.linePos(error.pos[0]), hint: 'kustz fn reads the ResourceList that kustomize or kpt writes' });
  }
  return issue('fn.input', 'stdin holds no ResourceList (kind: ResourceList, items, functionConfig)', {
    hint: 'kustz fn is run by kustomize or kpt; to render a kustz.yml, run kustz render',
  });
}

/**
 * An issue as a KRM result (config.kubernetes.io/v1 ResourceList results). A field is a field of
 * a resource, which resourceRef names: the functionConfig's, for a problem in it (an inline
 * spec). A kustz.yml is no resource: its problems name the file, and the field in the message,
 * as on stderr.
 */
function result(i: Issue, functionConfig: Record<string, string>): Record<string, unknown> {
  // A kustz.yml, or a file it names, is the user's, with or without a line (one not found has
  // none); stdin and its functionConfig are what kpt or kustomize wrote.
  const file = i.file === STDIN || i.file === FUNCTION_CONFIG ? undefined : i.file;
  const where = file === undefined ? '' : i.line === undefined ? `${file}: ` : `${file}:${i.line}:${i.col}: `;
  const field = i.path && i.file === FUNCTION_CONFIG ? i.path : undefined;
  const at = i.path && field === undefined ? ` (at ${i.path})` : '';
  return {
    message: `${where}${i.message}${at}${i.hint ? ` (hint: ${i.hint})` : ''}`,
    severity: i.severity,
    ...(field === undefined ? {} : { resourceRef: functionConfig, field: { path: field } }),
    ...(file === undefined ? {} : { file: { path: file } }),
  };
}

/** What names the functionConfig as a resource: those of apiVersion, kind, name and namespace it has. */
function resourceRef(doc: Document, node: unknown): Record<string, string> {
  const ref: Record<string, string> = {};
  for (const [key, path] of [['apiVersion', ['apiVersion']], ['kind', ['kind']], ['name', ['metadata', 'name']], ['namespace', ['metadata', 'namespace']]] as const) {
    const value = scalarValue(resolvedNodeAt(doc, node, path));
    if (typeof value === 'string') ref[key] = value;
  }
  return ref;
}

/**
 * Kept from an item that a generated object replaces: where kpt wrote it and in which order
 * (path, index), and kpt's own bookkeeping (internal.*). Not the others of config.kubernetes.io,
 * which say what the old item was: a replacement kept local-config: "true" would be left out of
 * kustomize's output, and out of what kpt applies.
 */
const KEPT_ANNOTATION = /^(internal\.config\.kubernetes\.io\/|config\.kubernetes\.io\/(path|index)$)/;

interface Edit {
  from: number;
  to: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  // From the end, so that each edit's offsets still hold; stable, so inserts at one place keep their order.
  for (const e of [...edits].reverse().sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/**
 * The objects into `items`: an item of the same API group, kind, namespace and name (generated
 * by an earlier run, which kpt wrote to the package) is replaced where it stands, keeping where
 * kpt wrote it; the others are appended. Everything else is left byte for byte.
 */
function objectEdits(text: string, doc: Document, objects: readonly KubeObject[]): Edit[] {
  const { isMap, isSeq } = yamlLib();
  const list = doc.get('items', true);
  const items = isSeq(list) ? list : undefined;
  const edits: Edit[] = [];
  const appended: KubeObject[] = [];
  const replaced = new Set<Node>();
  // Only the few fields that say which object an item is are read: turning each item into a
  // value doubled the memory a large list takes.
  const known = (items?.items ?? []).filter((n): n is YAMLMap => isMap(n));
  for (const object of objects) {
    const old = known.find((n) => !replaced.has(n) && sameObject(doc, n, object));
    if (!old?.range) {
      appended.push(object);
      continue;
    }
    replaced.add(old);
    const kept = keptAnnotations(doc, old);
    const o = kept ? { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, ...kept } } } : object;
    const [from, to] = old.range;
    const newline = text[to - 1] === '\n' ? '\n' : '';
    edits.push({ from, to, text: items!.flow ? JSON.stringify(withKeyOrder(o)) : indented(o, columnOf(text, from)) + newline });
  }
  return [...edits, ...aliasEdits(text, doc, replaced), ...appendEdits(text, doc, 'items', appended)];
}

/**
 * An alias elsewhere to an anchor inside a replaced item would be left without its anchor: it
 * is written out as the value it stood for (JSON, which YAML reads in any context).
 */
function aliasEdits(text: string, doc: Document, replaced: ReadonlySet<Node>): Edit[] {
  const { visit } = yamlLib();
  if (!replaced.size) return [];
  const inside = (n: Node | undefined) => [...replaced].some((r) => r.range && n?.range && n.range[0] >= r.range[0] && n.range[1] <= r.range[1]);
  const edits: Edit[] = [];
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      if (!alias.range || inside(alias) || !inside(target) || text[alias.range[0]] !== '*') return;
      edits.push({ from: alias.range[0], to: alias.range[1], text: JSON.stringify(target!.toJS(doc)) });
    },
  });
  return edits;
}

/**
 * `items: []` where the list has no items, or a null there, and kustz no objects to put in: the
 * ResourceList's schema requires the list.
 */
function emptyItems(text: string, doc: Document): Edit[] {
  const { isSeq } = yamlLib();
  if (isSeq(doc.get('items', true))) return [];
  const top = doc.contents as YAMLMap;
  return [topLevelList(text, top, 'items', top.flow ? '[]' : ' []')];
}

/** `values` appended to the top-level list `key` (items, results), made where there is none. */
function appendEdits(text: string, doc: Document, key: string, values: readonly object[]): Edit[] {
  if (!values.length) return [];
  const { isSeq } = yamlLib();
  const top = doc.contents as YAMLMap;
  const found = doc.get(key, true);
  const list = isSeq(found) ? found : undefined;
  const json = values.map((v) => JSON.stringify(withKeyOrder(v))).join(', ');
  const block = (column: number) => values.map((v) => `${' '.repeat(column)}- ${indented(v, column + 2)}\n`).join('');
  if (list?.range && list.items.length && !list.flow) {
    const at = list.range[1];
    return [{ from: at, to: at, text: (text[at - 1] === '\n' ? '' : '\n') + block(columnOf(text, list.range[0])) }];
  }
  const last = list?.items.at(-1) as Node | undefined;
  if (last?.range && list!.flow) {
    // Right after the last item, on its line (a "]" may stand at column 0, a trailing "," may follow).
    return [{ from: last.range[1], to: last.range[1], text: `, ${json}` }];
  }
  if (list?.range && list.flow && top.flow) {
    // JSON in, JSON out: into the empty [ ].
    const close = text.lastIndexOf(']', list.range[1] - 1);
    return [{ from: close, to: close, text: json }];
  }
  // No list, a null, or kustomize's `items: []`: a block list (a JSON list in a JSON input).
  return [topLevelList(text, top, key, top.flow ? `[${json}]` : `\n${block(0).replace(/\n$/, '')}`)];
}

/**
 * One object for the API server: a kind is named within its API group (a Knative
 * serving.knative.dev Service is no core Service), and each version of a group serves the same object.
 */
function sameObject(doc: Document, item: YAMLMap, o: KubeObject): boolean {
  const at = (...path: string[]) => scalarValue(resolvedNodeAt(doc, item, path));
  return (
    at('kind') === o.kind &&
    apiGroup(at('apiVersion')) === apiGroup(o.apiVersion) &&
    at('metadata', 'name') === o.metadata.name &&
    (at('metadata', 'namespace') ?? '') === (o.metadata.namespace ?? '')
  );
}

function scalarValue(node: unknown): unknown {
  const { isScalar } = yamlLib();
  return isScalar(node) ? node.value : undefined;
}

/** `apps` of apps/v1, and "" (the core group) of v1. */
function apiGroup(apiVersion: unknown): string | undefined {
  return typeof apiVersion === 'string' ? apiVersion.slice(0, Math.max(0, apiVersion.lastIndexOf('/'))) : undefined;
}

function keptAnnotations(doc: Document, item: YAMLMap): Record<string, string> | undefined {
  const { isAlias, isMap, isScalar } = yamlLib();
  const annotations = resolvedNodeAt(doc, item, ['metadata', 'annotations']);
  if (!isMap(annotations)) return undefined;
  const kept = annotations.items.flatMap(({ key, value }) => {
    const name = scalarValue(key);
    // kpt writes the index quoted ('2'); one written bare (2) is still where the item stands.
    const node = isAlias(value) ? value.resolve(doc) : value;
    const v = isScalar(node) && node.value !== null ? textOf(node) : undefined;
    return typeof name === 'string' && KEPT_ANNOTATION.test(name) && v !== undefined ? [[name, v] as const] : [];
  });
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/**
 * The value's YAML, its lines after the first moved to `column`, where the first one's text
 * starts. Every line moved right by the same amount reads the same, block scalars included.
 */
function indented(value: object, column: number): string {
  const pad = ' '.repeat(column);
  return toYaml(value).replace(/\n$/, '').split('\n').map((line, i) => (i === 0 || line === '' ? line : pad + line)).join('\n');
}

/** `key:` holding `value`, where the list is a null or empty, or there is no such key. */
function topLevelList(text: string, top: YAMLMap, key: string, value: string): Edit {
  const { isPair, isScalar } = yamlLib();
  const pair = top.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
  const range = (pair?.value as Node | undefined)?.range;
  if (range) {
    // Replaced to the end of the line it ends on (a comment after `items: []` would end up in the
    // list; `items: [` may close on the next line).
    const end = top.flow ? range[1] : text.indexOf('\n', Math.max(range[0], range[1] - 1));
    // A block list starts on the next line, so all after `items:` goes, a tag (`!!null`) too.
    const from = top.flow ? range[0] : text.indexOf(':', (pair!.key as Node).range![1]) + 1;
    return { from, to: end < 0 ? text.length : end, text: value };
  }
  if (top.flow) {
    // After the last pair, which a trailing "," may follow.
    const lastPair = top.items.at(-1);
    const after = ((lastPair?.value ?? lastPair?.key) as Node | undefined)?.range?.[1];
    if (after !== undefined) return { from: after, to: after, text: `, "${key}": ${value}` };
    const close = text.lastIndexOf('}', top.range![1] - 1);
    return { from: close, to: close, text: `"${key}": ${value}` };
  }
  // At the end of the map, before a "..." that may end the document.
  const at = top.range![1];
  return { from: at, to: at, text: `${text[at - 1] === '\n' || at === 0 ? '' : '\n'}${key}:${value}\n` };
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}
