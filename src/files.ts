/**
 * How the core sees the files a kustz.yml names: an injected reader, so that the core does no
 * I/O and tests can hand it a plain map.
 */
export type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string; hint?: string };

/** Reads `path` (relative to the kustz.yml's directory, `/`-separated). */
export type ReadFile = (path: string) => ReadResult;

export type LoadRestrictor = 'rootonly' | 'none';

/**
 * The path check of kustomize's default load restrictor, done on the text of the path: no
 * absolute path and no `..` that climbs out of the kustz.yml's directory. (Symlinks are the
 * reader's business, since only it can see the disk.)
 */
export function confinementProblem(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\')) {
    return `"${path}" is an absolute path; files must sit inside the kustz.yml's directory`;
  }
  let depth = 0;
  for (const part of path.split(/[\\/]/)) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return `"${path}" leaves the kustz.yml's directory`;
  }
  return undefined;
}

/** A reader over an in-memory map, for tests and for the KRM function's inline files. */
export function readFromMap(files: Record<string, string | Uint8Array>): ReadFile {
  return (path) => {
    const key = path.replace(/^\.\//, '');
    const content = files[key];
    if (content === undefined) return { ok: false, message: `file "${path}" not found` };
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
