import { stringify } from 'yaml';
import type { KubeObject } from './types.js';

/**
 * Objects -> multi-document YAML. Keys keep the order the builders wrote them in; no line
 * folding, so long values survive copy/paste and diffs stay one line per value.
 */
export function serialize(objects: readonly KubeObject[]): string {
  return objects.map(toYaml).join('---\n');
}

export function toYaml(object: unknown): string {
  return stringify(object, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
