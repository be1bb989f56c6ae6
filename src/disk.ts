/**
 * The I/O edge: reading the files a kustz.yml names, and writing outputs atomically. Nothing
 * here decides what to render; it only moves bytes.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { LoadRestrictor, ReadFile } from './files.js';

/** Inputs larger than this are refused before they are read (a ConfigMap holds 1 MiB at most). */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/**
 * Reads files relative to `baseDir`. Under the root-only restrictor the real path (symlinks
 * followed) must stay inside the real `baseDir`, as kustomize's loader demands.
 */
export function diskReader(baseDir: string, restrictor: LoadRestrictor): ReadFile {
  let realBase: string | undefined;
  return (path) => {
    const full = isAbsolute(path) ? path : resolve(baseDir, path);
    let real: string;
    try {
      real = realpathSync(full);
    } catch (e) {
      return { ok: false, message: `cannot read "${path}": ${describeError(e)}` };
    }
    if (restrictor === 'rootonly') {
      realBase ??= realpathSync(baseDir);
      const rel = relative(realBase, real);
      if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) {
        return {
          ok: false,
          message: `"${path}" resolves to ${real}, outside the kustz.yml's directory`,
          hint: 'a symlink may not lead out of the project; copy the file in, or pass --load-restrictor none',
        };
      }
    }
    try {
      const st = statSync(real);
      if (st.isDirectory()) return { ok: false, message: `"${path}" is a directory, not a file` };
      if (st.size > MAX_INPUT_BYTES) {
        return { ok: false, message: `"${path}" is ${st.size} bytes; kustz reads files of at most ${MAX_INPUT_BYTES} bytes` };
      }
      return { ok: true, bytes: readFileSync(real) };
    } catch (e) {
      return { ok: false, message: `cannot read "${path}": ${describeError(e)}` };
    }
  };
}

export function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error)?.message ?? String(e);
}

/**
 * Writes `content` to `path` through a temporary file and a rename, so a reader never sees half
 * a file. Identical content is left alone (mtime kept) so make and pre-commit see no change.
 * Returns whether the file changed.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): boolean {
  const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
  if (existsSync(path)) {
    try {
      if (readFileSync(path).equals(bytes)) return false;
    } catch {
      // Unreadable: fall through and replace it.
    }
  }
  const tmp = join(dirname(path), `.kustz-tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  return true;
}
