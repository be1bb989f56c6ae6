/**
 * The I/O edge: reading the files a kustz.yml names, and writing outputs atomically. Nothing
 * here decides what to render; it only moves bytes.
 */
import { closeSync, constants, existsSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { issue, KustzError } from './errors.js';
import type { LoadRestrictor, ReadFile, ReadResult } from './files.js';

/** Inputs larger than this are refused before they are read (a ConfigMap holds 1 MiB at most). */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

// O_NOFOLLOW: a file opened with it is no symlink itself, so its real path is its directory's
// (looked up once per directory) plus its name, and it costs no realpath of its own; a symlink
// fails with ELOOP and takes the realpath way. O_NONBLOCK: opening a FIFO must not wait for a
// writer (the type is checked on the open file). Windows has neither flag.
const NO_FOLLOW = constants.O_NOFOLLOW === undefined ? undefined : constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);
const FOLLOW = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Where a file must stay: the real directory it must lie in, and how to find a directory's real path. */
interface Confinement {
  realBase: string;
  realDirOf(dir: string): string;
}

/** `real` seen from `realBase` when it lies outside it (kustomize's root-only rule), else undefined. */
function outsideOf(realBase: string, real: string): string | undefined {
  if (real.startsWith(realBase + sep)) return undefined;
  const rel = relative(realBase, real);
  return rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel) ? rel : undefined;
}

/**
 * Where `path` (relative to `baseDir`) really leads, seen from baseDir's real path, when that is
 * outside it, symlinks followed; undefined when it stays inside, or cannot be resolved (the read
 * then says why).
 */
export function realPathOutside(baseDir: string, path: string): string | undefined {
  try {
    return outsideOf(realpathSync.native(baseDir), realpathSync.native(resolve(baseDir, path)));
  } catch {
    return undefined;
  }
}

/**
 * Opens `full` for reading. Confined (the root-only restrictor), its real path, symlinks followed,
 * must lie inside `realBase`; when it does not, nothing stays open and the answer is that path
 * seen from `realBase`. Throws as open and realpath do.
 */
function openConfined(full: string, confinement?: Confinement): number | { outside: string } {
  if (!confinement) return openSync(full, FOLLOW);
  let fd: number | undefined;
  if (NO_FOLLOW !== undefined) {
    try {
      fd = openSync(full, NO_FOLLOW);
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code !== 'ELOOP') throw e;
    }
  }
  try {
    const real = fd === undefined ? realpathSync.native(full) : join(confinement.realDirOf(dirname(full)), basename(full));
    const rel = outsideOf(confinement.realBase, real);
    if (rel === undefined) return fd ?? openSync(real, FOLLOW);
    if (fd !== undefined) closeSync(fd);
    return { outside: rel };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    throw e;
  }
}

/**
 * The files a run has read, by device and inode (so that another path, a hard link or a symlink
 * to one is the same file): what the run writes must not replace one of them.
 */
export type FilesRead = Set<string>;

const identity = (st: { dev: number; ino: number }) => `${st.dev}:${st.ino}`;

/**
 * Whether writing `content` to `path` would change a file the run read: `-o kustz.yml` typed
 * for `-c kustz.yml`, an --out-name that is a data file's name, a kustomization written into
 * the kustz.yml's directory over a data file. Writing a file's own content back is no change.
 */
export function changesFileRead(path: string, content: string | Uint8Array, read: ReadonlySet<string>): boolean {
  if (!isFileRead(path, read)) return false;
  try {
    return !readFileSync(path).equals(typeof content === 'string' ? Buffer.from(content) : content);
  } catch {
    return true;
  }
}

/** Whether `path` (symlinks followed) is a file the run read. */
export function isFileRead(path: string, read: ReadonlySet<string>): boolean {
  try {
    return read.has(identity(statSync(path)));
  } catch {
    return false;
  }
}

/** What a file must be to be read: regular, and not larger than MAX_INPUT_BYTES. */
type Refusal = 'directory' | 'special' | { size: number };

/** The bytes of an open file, or why it is not read; `read` learns the file. */
function readOpen(fd: number, read: FilesRead | undefined): Uint8Array | Refusal {
  const st = fstatSync(fd);
  read?.add(identity(st));
  if (st.isDirectory()) return 'directory';
  // A FIFO or a device (/dev/zero, /dev/stdin) would block or never end.
  if (!st.isFile()) return 'special';
  if (st.size > MAX_INPUT_BYTES) return { size: st.size };
  // Files that report no size (procfs) are read to their end.
  if (st.size === 0) return readFileSync(fd);
  const bytes = Buffer.allocUnsafe(st.size);
  let n = 0;
  while (n < bytes.length) {
    const got = readSync(fd, bytes, n, bytes.length - n, null);
    if (got === 0) break;
    n += got;
  }
  return bytes.subarray(0, n);
}

/**
 * Reads files relative to `baseDir`. Under the root-only restrictor the real path (symlinks
 * followed) must stay inside the real `baseDir`, as kustomize's loader demands. `read`, when
 * given, learns every file read.
 */
export function diskReader(baseDir: string, restrictor: LoadRestrictor, read?: FilesRead): ReadFile {
  const realDirs = new Map<string, string>();
  const realDirOf = (dir: string): string => {
    let real = realDirs.get(dir);
    if (real === undefined) realDirs.set(dir, (real = realpathSync.native(dir)));
    return real;
  };
  // A file named twice (foo.yml as env vars and as literals) is read once.
  const done = new Map<string, ReadResult>();
  return (path) => {
    let result = done.get(path);
    if (!result) done.set(path, (result = readOne(path)));
    return result;
  };

  function readOne(path: string): ReadResult {
    let fd: number | undefined;
    try {
      const opened = openConfined(isAbsolute(path) ? path : resolve(baseDir, path), restrictor === 'rootonly' ? { realBase: realDirOf(baseDir), realDirOf } : undefined);
      if (typeof opened !== 'number') {
        // Shown relative to the kustz.yml, not as an absolute path: CI logs are public.
        return {
          ok: false,
          message: `"${path}" resolves to ${opened.outside}, outside the kustz.yml's directory`,
          hint: 'a symlink may not lead out of the project; copy the file in, or pass --load-restrictor none',
        };
      }
      fd = opened;
      const bytes = readOpen(fd, read);
      if (bytes === 'directory') return { ok: false, message: `"${path}" is a directory, not a file`, hint: 'name each file of the directory' };
      if (bytes === 'special') return { ok: false, message: `"${path}" is not a regular file` };
      if ('size' in bytes) return { ok: false, message: `"${path}" is ${bytes.size} bytes; kustz reads files of at most ${MAX_INPUT_BYTES} bytes` };
      return { ok: true, bytes };
    } catch (e) {
      return cannotRead(path, e);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

function cannotRead(path: string, e: unknown): ReadResult {
  const missing = (e as NodeJS.ErrnoException)?.code === 'ENOENT';
  return { ok: false, message: `cannot read "${path}": ${describeError(e)}`, ...(missing ? { hint: "paths in kustz.yml are relative to the kustz.yml's directory" } : {}) };
}

/**
 * Reads a kustz.yml named on the command line. Under the root-only restrictor it may not be a
 * symlink that leads out of its own directory: in CI a pull request could commit
 * `kustz.yml -> /proc/self/environ`, and messages quote the file being parsed.
 */
export function readConfigFile(path: string, restrictor: LoadRestrictor, read?: FilesRead): ReadResult {
  let fd: number | undefined;
  try {
    const realBase = restrictor === 'rootonly' ? realpathSync.native(dirname(path)) : undefined;
    const opened = openConfined(path, realBase === undefined ? undefined : { realBase, realDirOf: () => realBase });
    if (typeof opened !== 'number') {
      return {
        ok: false,
        message: `the file is a symlink to ${opened.outside}, outside its own directory`,
        hint: 'a kustz.yml may not be a link to a file elsewhere; copy the file in, or pass --load-restrictor none',
      };
    }
    fd = opened;
    const bytes = readOpen(fd, read);
    if (bytes === 'directory') return { ok: false, message: 'it is a directory, not a file' };
    if (bytes === 'special') return { ok: false, message: 'it is not a regular file' };
    if ('size' in bytes) return { ok: false, message: `the file is ${bytes.size} bytes; kustz reads files of at most ${MAX_INPUT_BYTES} bytes` };
    return { ok: true, bytes };
  } catch (e) {
    return { ok: false, message: `cannot read the file: ${describeError(e)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a directory';
  return (e as Error)?.message ?? String(e);
}

/**
 * `mkdir -p`, one level at a time: Node's own recursive mkdirSync spins forever where a parent
 * refuses new directories with ENOENT (under /proc, for one).
 */
export function makeDirectory(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirectory(parent);
  mkdirSync(dir);
}

/** What stands where an output goes: nothing, a regular file and its bytes, or something else. */
export type OutputFile = { kind: 'missing' } | { kind: 'file'; bytes: Buffer } | { kind: 'link' | 'directory' | 'special' };

/**
 * Reads the output file at `path` as it stands, for comparing. Outputs lie beside kustz.yml, in a
 * directory a pull request may fill, so a symlink there is not followed (one to ~/.kube/config
 * would show its tokens in check's diff, one to /dev/zero would never end) and only a regular
 * file is read. Throws as open and read do, but for a missing file.
 */
export function readOutputFile(path: string): OutputFile {
  let fd: number;
  try {
    // Without O_NOFOLLOW (Windows), lstat tells a link first.
    if (NO_FOLLOW === undefined && lstatSync(path).isSymbolicLink()) return { kind: 'link' };
    fd = openSync(path, NO_FOLLOW ?? FOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP') return { kind: 'link' };
    throw e;
  }
  try {
    const st = fstatSync(fd);
    return st.isFile() ? { kind: 'file', bytes: readFileSync(fd) } : { kind: st.isDirectory() ? 'directory' : 'special' };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `content` to `path` through a temporary file and a rename, so a reader never sees half
 * a file; a symlink at `path` is replaced, never followed. Identical content is left alone
 * (mtime kept) so make and pre-commit see no change. Returns whether the file changed.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): boolean {
  const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
  try {
    const current = readOutputFile(path);
    if (current.kind === 'file' && current.bytes.equals(bytes)) return false;
  } catch {
    // Unreadable: fall through and replace it.
  }
  // `-o deploy/manifests.yaml` in a fresh checkout: make the directory, as `kustz kustomize` does.
  makeDirectory(dirname(path));
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

/**
 * All of stdin, synchronously. A non-blocking pipe (EAGAIN) is waited on; a closed stdin reads
 * as empty.
 */
export function readStdin(): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === 'EOF' || code === 'EBADF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Writes all of `text` to a file descriptor (1, 2), synchronously: the output is complete when
 * the process exits, and no stream is set up for it (process.stdout costs a cold start several
 * milliseconds). A non-blocking pipe (EAGAIN) is waited on; a reader that went away (EPIPE, as in
 * `kustz render | head`) ends the writing quietly, as it ends a shell tool.
 */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code === 'EPIPE') return;
      // A full disk behind `> out.yaml` is the user's to fix, not a kustz bug to report.
      if (code !== 'EAGAIN') throw new KustzError([issue('output.write', `cannot write to ${fd === 1 ? 'stdout' : 'stderr'}: ${describeError(e)}`)]);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
