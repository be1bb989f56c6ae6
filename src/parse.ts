import { Document, isMap, isScalar, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { codeFrame, issue, type Issue } from './errors.js';

/** A path into kustz.yml: keys and indexes, e.g. ['service', 'ports', 1]. */
export type Path = ReadonlyArray<string | number>;

export interface Position {
  file: string;
  line?: number;
  col?: number;
  frame?: string;
}

/**
 * A parsed kustz.yml: its plain value plus the means to point at any part of it, so that every
 * later stage can report `file:line:col` without holding YAML nodes itself.
 */
export interface ParsedConfig {
  file: string;
  value: unknown;
  /**
   * Position of the node at `path`, or of its closest existing parent. With `key`, the position
   * of the map key that `path` ends in (for problems with the key rather than its value).
   */
  locate(path: Path, options?: { key?: boolean }): Position;
  /** The text of a scalar as written (`1.10` stays `1.10`), for values that become strings. */
  scalarText(path: Path): string | undefined;
}

/**
 * Credential fields: problems there are shown without a code frame or the value, since the line
 * may hold a password (SPEC 4.4).
 */
export function isCredentialPath(path: Path): boolean {
  return path[0] === 'secrets' && path[1] === 'dockerRegistry';
}

/** Limits the expansion of YAML aliases, so that a "billion laughs" file fails fast. */
const MAX_ALIAS_COUNT = 100;

export function formatPath(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/**
 * YAML text -> ParsedConfig, or the list of problems. Exactly one document is allowed, keys
 * must be unique, and an empty file is an error rather than an empty service.
 */
export function parseConfig(source: string, file: string): { config?: ParsedConfig; issues: Issue[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const lines = source.split('\n');
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col, frame: codeFrame(lines[line - 1] ?? '', col) };
  };

  if (!Array.isArray(docs) || docs.length === 0) {
    const what = source.trim() === '' ? 'the file is empty' : 'the file holds only comments, no YAML document';
    return { issues: [issue('yaml.empty', what, { file, line: 1, col: 1, hint: 'start from `kustz default`' })] };
  }
  const issues: Issue[] = [];
  for (const doc of docs) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      issues.push(issue(`yaml.${e.code.toLowerCase().replace(/_/g, '-')}`, e.message.split('\n')[0]!, at(e.pos[0])));
    }
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    issues.push(
      issue('yaml.multiple-documents', `a kustz.yml holds exactly one YAML document, this one has ${docs.length}`, {
        ...at(second.range[0]),
        hint: 'describe one service per file and pass several files: kustz render -c a.yml -c b.yml',
      }),
    );
  }
  if (issues.length) return { issues };

  const doc = docs[0]!;
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { issues: [issue('yaml.empty', 'the file is empty', { file, line: 1, col: 1, hint: 'start from `kustz default`' })] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return {
      issues: [
        issue('yaml.alias-limit', `too many YAML alias expansions: ${(e as Error).message}`, {
          file,
          line: 1,
          col: 1,
          hint: `kustz expands at most ${MAX_ALIAS_COUNT} aliases per file; write the values out`,
        }),
      ],
    };
  }

  const nodeAt = (path: Path): Node | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (node && typeof node === 'object' && 'range' in node && (node as Node).range) return node as Node;
    }
    return undefined;
  };
  return {
    issues: [],
    config: {
      file,
      value,
      locate(path, options) {
        if (options?.key && path.length) {
          const parent = doc.getIn(path.slice(0, -1), true);
          const last = String(path[path.length - 1]);
          const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last) : undefined;
          if (isScalar(pair?.key) && pair.key.range) {
            const where = at(pair.key.range[0]);
            if (isCredentialPath(path)) delete where.frame;
            return where;
          }
        }
        const node = nodeAt(path);
        const where = node?.range ? at(node.range[0]) : { file };
        if (isCredentialPath(path)) delete where.frame;
        return where;
      },
      scalarText(path) {
        const node = doc.getIn(path, true);
        if (!isScalar(node)) return undefined;
        if (node.value === null) return '';
        if (typeof node.value === 'string') return node.value;
        return typeof node.source === 'string' ? node.source : String(node.value);
      },
    },
  };
}

/** A document made from a plain value, for config that arrives without source text (--set, KRM). */
export function configFromValue(value: unknown, file: string): ParsedConfig {
  const doc = new Document(value);
  return {
    file,
    value,
    locate: () => ({ file }),
    scalarText(path) {
      const node = doc.getIn(path, true);
      if (!isScalar(node)) return undefined;
      return node.value === null ? '' : String(node.value);
    },
  };
}
