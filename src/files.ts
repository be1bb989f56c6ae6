/**
 * How the core sees the files a kustz.yml names: an injected reader, so that the core does no
 * I/O and tests can hand it a plain map.
 */
export type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string; hint: string };

/** Reads `path` (relative to the kustz.yml's directory, `/`-separated). */
export type ReadFile = (path: string) => ReadResult;

export type LoadRestrictor = 'rootonly' | 'none';

/**
 * Where the files a config names are read from, in the words of messages, and what lifts the
 * load restrictor there: a flag on kustz's command line, nothing where kustomize runs kustz (a
 * generator plugin, a KRM function) with a fixed root.
 */
export interface FileBase {
  /** What names the files: "kustz.yml", "the spec". */
  readonly namer: string;
  /** The directory they are read from. */
  readonly dir: string;
  readonly lift?: string;
}

export const BESIDE_KUSTZ_YML: FileBase = { namer: 'kustz.yml', dir: "the kustz.yml's directory", lift: 'pass --load-restrictor none' };

/** A hint's way out of the root: copying or moving the file in, or the flag where there is one. */
export function intoBase(base: FileBase, move: string): string {
  return base.lift ? `${move}, or ${base.lift}` : move;
}

/**
 * The path check of kustomize's default load restrictor, done on the text of the path: no
 * absolute path and no `..` that climbs out of the kustz.yml's directory. (Symlinks are the
 * reader's business, since only it can see the disk.)
 */
export function confinementProblem(path: string, base: FileBase = BESIDE_KUSTZ_YML): string | undefined {
  if (isAbsolutePath(path)) {
    return `"${path}" is an absolute path; files must sit inside ${base.dir}`;
  }
  let depth = 0;
  for (const part of path.replaceAll('\\', '/').split('/')) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return `"${path}" leaves ${base.dir}`;
  }
  return undefined;
}

/** Absolute on any system: `/x`, `\\share\\x`, `C:\\x`, `c:/x`; a kustz.yml may come from Windows. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path);
}

/** A reader over an in-memory map, for tests and for the KRM function's inline files. */
export function readFromMap(files: Record<string, string | Uint8Array>): ReadFile {
  return (path) => {
    const key = path.replace(/^\.\//, '');
    const content = Object.hasOwn(files, key) ? files[key] : undefined;
    if (content === undefined) {
      const names = Object.keys(files);
      return { ok: false, message: `file "${path}" not found`, hint: names.length ? `name one of the files given: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}` : 'no files were given' };
    }
    return { ok: true, bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content };
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file's text when it is valid UTF-8, else undefined (it then goes to binaryData). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A text file saved as UTF-16, as PowerShell 5's `>` and Out-File write one: read as UTF-8 it
 * fails at its BOM, or, without one, decodes into text with a NUL after every letter, where each
 * line then has problems of its own. It is one problem, the file's.
 */
export function utf16Problem(bytes: Uint8Array, what = 'the file'): { message: string; hint: string } | undefined {
  const bom = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  const head = bytes.subarray(0, 64);
  // Text in UTF-8 holds no NUL; in UTF-16, ASCII characters come with one, all on one side.
  if (!bom && head.indexOf(0) < 0) return undefined;
  let odd = 0;
  let even = 0;
  if (!bom) for (let i = 0; i < head.length; i++) if (head[i] === 0) i % 2 ? odd++ : even++;
  // A stray NUL in UTF-8 text (`name: web\0`, `A=1\0`) is that line's problem, not an encoding:
  // UTF-16 has one beside every ASCII character, all on one side, at least a quarter of its bytes
  // (and two in the shortest line, `A\0\n\0`).
  if (!bom && ((odd > 0 && even > 0) || odd + even < Math.max(2, head.length / 8))) return undefined;
  const order = bom ? (bytes[0] === 0xff ? 'LE' : 'BE') : odd ? 'LE' : 'BE';
  return {
    message: `${what} is UTF-16${order} text, not UTF-8`,
    // Without a BOM, iconv's UTF-16 takes the machine's byte order: the file's must be named.
    hint: `save it as UTF-8: iconv -f UTF-16${bom ? '' : order} -t UTF-8, or in PowerShell Set-Content -Encoding utf8 (PowerShell 5 writes UTF-16 with > and Out-File)`,
  };
}

/** The column (1-based, in UTF-16 units as editors count) of the first byte of `line` that is not UTF-8. */
export function invalidUtf8Column(line: Uint8Array): number {
  const stream = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let col = 1;
  try {
    for (let i = 0; i < line.length; i++) col += stream.decode(line.subarray(i, i + 1), { stream: true }).length;
    stream.decode();
  } catch {
    // col now stands on the sequence that failed
  }
  return col;
}

/** Line and column (1-based, UTF-16 units as editors count) of the first byte that is not UTF-8. */
export function invalidUtf8Position(bytes: Uint8Array): { line: number; col: number } {
  for (let start = 0, line = 1; start < bytes.length; line++) {
    const lf = bytes.indexOf(0x0a, start);
    const raw = bytes.subarray(start, lf < 0 ? bytes.length : lf);
    if (decodeUtf8(raw) === undefined) return { line, col: invalidUtf8Column(raw) };
    start = raw.length + start + 1;
  }
  return { line: 1, col: 1 };
}
