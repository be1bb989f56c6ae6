/**
 * Every user-facing problem is an Issue: plain data with a stable `code`, a position and an
 * optional hint. Stages collect issues instead of throwing the first one; `formatIssue` is the
 * one place that turns them into text.
 */
export type Severity = 'error' | 'warning';

export interface Issue {
  /** Stable identifier, e.g. `port.syntax`; tests assert it, not the wording. */
  code: string;
  severity: Severity;
  message: string;
  /** The file the problem is in (a kustz.yml, an env file, ...) or a flag such as `--set a=b`. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  col?: number;
  /** JSON-pointer-like dotted path into kustz.yml, e.g. `service.ports[1]`. */
  path?: string;
  hint?: string;
  /**
   * A code frame (the offending source line with a caret). Left out where the line could hold
   * a credential.
   */
  frame?: string;
}

/** Thrown by the core when any error-severity issue was found; carries all of them. */
export class KustzError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'KustzError';
    this.issues = issues;
  }
}

/** A mistake on the command line (exit code 2), as opposed to a mistake in the input (exit 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function issue(
  code: string,
  message: string,
  extra: Partial<Omit<Issue, 'code' | 'message'>> = {},
): Issue {
  return { code, message, severity: 'error', ...extra };
}

export function warning(
  code: string,
  message: string,
  extra: Partial<Omit<Issue, 'code' | 'message' | 'severity'>> = {},
): Issue {
  return { code, message, ...extra, severity: 'warning' };
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/**
 * `kustz: file:line:col: message (at path)` then an indented code frame and hint.
 * Warnings read `kustz: warning: file:line:col: message`.
 */
export function formatIssue(i: Issue): string {
  let where = '';
  if (i.file) {
    where = i.file;
    if (i.line) where += `:${i.line}` + (i.col ? `:${i.col}` : '');
    where += ': ';
  }
  const at = i.path ? ` (at ${i.path})` : '';
  let out = `kustz: ${i.severity === 'warning' ? 'warning: ' : ''}${escapeUnprintable(`${where}${i.message}${at}`)}`;
  if (i.frame) out += '\n' + i.frame;
  if (i.hint) out += `\n  hint: ${escapeUnprintable(i.hint)}`;
  return out;
}

/**
 * What a terminal or a CI log would act on instead of showing: C0 and C1 controls (escape
 * sequences, a carriage return, a line break that starts a forged `kustz:` or `::error::` line),
 * DEL, the Unicode line separators and bidi overrides; and lone UTF-16 surrogates, which no
 * terminal receives as written. Messages quote the input, which may be hostile, so these never
 * reach stderr as they are.
 */
export const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * One word for a POSIX shell. A word holding what messages escape (a line break, an escape
 * sequence) is written in bash's $'...', so that the escaped hint still pastes as the same word.
 */
export function shellWord(word: string): string {
  if (/^[\w./@%+=:,-]+$/.test(word)) return word;
  if (!new RegExp(UNPRINTABLE.source).test(word)) return `'${word.replace(/'/g, `'\\''`)}'`;
  const escaped = word.replace(/[\\']/g, '\\$&').replace(new RegExp(UNPRINTABLE.source, 'g'), (c) => {
    const code = c.charCodeAt(0);
    return c === '\n' ? '\\n' : c === '\r' ? '\\r' : code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return `$'${escaped}'`;
}

/** One visible character per unprintable one (U+241B for ESC), so the caret keeps its column. */
function pictureUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });
}

/** How much of a long line a frame shows, around the column. */
const FRAME_WIDTH = 160;

/**
 * Characters a terminal gives two cells (East Asian wide and fullwidth, emoji) and ones it gives
 * none (combining marks), so that the caret stands under the column.
 */
const WIDE = /[\u1100-\u115f\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f7e0}-\u{1f7eb}\u{1f90c}-\u{1f9ff}\u{1fa70}-\u{1faff}\u{20000}-\u{3fffd}]/u;
const ZERO_WIDTH = /[\u0300-\u036f\u200b-\u200d\ufe00-\ufe0f]/;

/**
 * Two lines: the source line and a caret under `col`. Tabs are kept so the caret lines up; of a
 * line longer than FRAME_WIDTH, the part around `col` is shown.
 */
export function codeFrame(sourceLine: string, col: number): string {
  const line = pictureUnprintable(sourceLine.replace(/\r$/, ''));
  const at = Math.min(Math.max(0, col - 1), line.length);
  let start = line.length > FRAME_WIDTH ? Math.max(0, Math.min(at - FRAME_WIDTH / 2, line.length - FRAME_WIDTH)) : 0;
  let end = Math.min(line.length, start + FRAME_WIDTH);
  // A window never starts or ends inside a surrogate pair: it grows to take the whole pair.
  if (start > 0 && /[\udc00-\udfff]/.test(line[start]!)) start--;
  if (end < line.length && /[\ud800-\udbff]/.test(line[end - 1]!)) end++;
  const shown = `${start > 0 ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`;
  let pad = start > 0 ? ' ' : '';
  for (const c of line.slice(start, at)) pad += c === '\t' ? '\t' : WIDE.test(c) ? '  ' : ZERO_WIDTH.test(c) ? '' : ' ';
  return `  | ${shown}\n  | ${pad}^`;
}

/** Did-you-mean: the candidate closest to `word` by edit distance, if it is close enough. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

export const REDACTED = '<redacted>';
