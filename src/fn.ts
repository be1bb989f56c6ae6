/**
 * The KRM function: a ResourceList (YAML or JSON) on stdin, the same list with the generated
 * objects appended to `items` on stdout. The input items pass through as YAML nodes, so that
 * what kustomize or kpt put there keeps its comments, quoting and scalars as written (`1.10`).
 */
import type { Document } from 'yaml';
import { formatIssue, issue } from './errors.js';
import { generate } from './generator.js';
import { quoteForKubectl, toGoReadableYaml, withKeyOrder } from './serialize.js';
import type { IO } from './shell.js';
import { yamlLib } from './yaml/lib.js';

function parseResourceList(text: string): Document | undefined {
  const { isMap, parseDocument } = yamlLib();
  const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'error' });
  if (doc.errors.length || !isMap(doc.contents) || doc.get('kind') !== 'ResourceList') return undefined;
  return doc;
}

/** Whether stdin holds a ResourceList, which is how kustomize and kpt call a function. */
export function isResourceList(text: string): boolean {
  return parseResourceList(text) !== undefined;
}

export function runFunction(text: string, io: IO): number {
  const { isNode, isSeq, YAMLSeq } = yamlLib();
  const doc = parseResourceList(text);
  if (!doc) {
    io.stderr(formatIssue(issue('fn.input', 'stdin holds no ResourceList (kind: ResourceList, items, functionConfig)', {
      hint: 'kustz fn is run by kustomize or kpt; to render a kustz.yml, run kustz render',
    })) + '\n');
    return 1;
  }
  const functionConfig = doc.get('functionConfig', true);
  const objects = generate(isNode(functionConfig) ? functionConfig.toJS(doc) : functionConfig, io);
  if (!objects) return 1;
  const found = doc.get('items', true);
  const items = isSeq(found) ? found : new YAMLSeq();
  // kustomize sends an empty list as `items: []`: the objects go below it as a block, not all on one line.
  items.flow = false;
  doc.set('items', items);
  for (const o of objects) {
    // Quoted as render quotes them: kpt writes these objects to files that kubectl then reads.
    const node = doc.createNode(withKeyOrder(o), { aliasDuplicateObjects: false });
    quoteForKubectl(node);
    items.add(node);
  }
  if (text.trimStart().startsWith('{')) io.stdout(JSON.stringify(doc.toJS(), null, 2) + '\n');
  else io.stdout(toGoReadableYaml(doc));
  return 0;
}
