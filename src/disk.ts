/**
 * The I/O edge: reading the files a kustz.yml names, and writing outputs atomically. Nothing
 * here decides what to render; it only moves bytes.
 */
import { chmodSync, closeSync, constants, copyFileSync, existsSync, fchmodSync, fchownSync, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { issue, KustzError, type Issue } from './errors.js';
import { BESIDE_KUSTZ_YML, decodeUtf8, intoBase, invalidUtf8Position, utf16Problem, type FileBase, type LoadRestrictor, type ReadFile, type ReadResult } from './files.js';

/**
 * Inputs larger than this are refused before they are read, or, where a file tells no size
 * (procfs), once this much is read (a ConfigMap holds 1 MiB at most).
 */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

// O_NOFOLLOW: a file opened with it is no symlink itself, so its real path is its directory's
// (looked up once per directory) plus its name, and it costs no realpath of its own; a symlink
// fails with ELOOP and takes the realpath way. O_NONBLOCK: opening a FIFO must not wait for a
// writer (the type is checked on the open file). Windows has neither flag.
const NO_FOLLOW = constants.O_NOFOLLOW === undefined ? undefined : constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);
const FOLLOW = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Where a file must stay: the real directory it must lie in, and the real paths of directories known so far. */
interface Confinement {
  realBase: string;
  dirs: RealDirectories;
}

/** `real` seen from `realBase` when it lies outside it (kustomize's root-only rule), else undefined. */
export function outsideOf(realBase: string, real: string): string | undefined {
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
    const real = fd === undefined ? realpathSync.native(full) : join(realDirOf(confinement.dirs, dirname(full)), basename(full));
    const rel = outsideOf(confinement.realBase, real);
    if (rel === undefined) return fd ?? openSync(real, FOLLOW);
    if (fd !== undefined) closeSync(fd);
    return { outside: rel };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    throw e;
  }
}

/** Real paths of directories, by path: kept for one run, where a thousand kustz.yml files share their parents. */
export type RealDirectories = Map<string, string>;

/** From this many directories on, a run looks directories up by their parents (realDirOf). */
const MANY_DIRECTORIES = 8;

/**
 * The real path of directory `dir`, as realpath gives it. libc's realpath reads every component
 * of the path as a link again: a run over 1,000 kustz.yml files spent 4% of its time there. So
 * once a run has looked up a few directories, a directory that is no symlink is its parent's real
 * path plus its name, for one lstat. Not before: the first lstat costs a cold run more (Node
 * compiles its JavaScript for it, 1 M instructions) than the few realpaths of one kustz.yml. A
 * `..` or `.` component is taken where it stands, after the links before it, as the kernel does.
 */
function realDirOf(dirs: RealDirectories, dir: string): string {
  let real = dirs.get(dir);
  if (real !== undefined) return real;
  const parent = dirname(dir);
  if (parent === dir || dirs.size < MANY_DIRECTORIES) real = realpathSync.native(dir);
  else {
    const realParent = realDirOf(dirs, parent);
    real = lstatSync(dir).isSymbolicLink() ? realpathSync.native(dir) : join(realParent, basename(dir));
  }
  dirs.set(dir, real);
  return real;
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
  const id = fileIdentity(path);
  return id !== undefined && read.has(id);
}

/** Device and inode of what `path` leads to (the same through any link or hard link); undefined when nothing is there. */
export function fileIdentity(path: string): string | undefined {
  try {
    return identity(statSync(path));
  } catch {
    return undefined;
  }
}

/** What a file must be to be read: regular, and not larger than MAX_INPUT_BYTES (`size` says how large it is). */
type Refusal = 'directory' | 'special' | { size: string };

/** The bytes of an open file, or why it is not read; `read` learns the file. */
function readOpen(fd: number, read: FilesRead | undefined): Uint8Array | Refusal {
  const st = fstatSync(fd);
  read?.add(identity(st));
  if (st.isDirectory()) return 'directory';
  // A FIFO or a device (/dev/zero, /dev/stdin) would block or never end.
  if (!st.isFile()) return 'special';
  if (st.size > MAX_INPUT_BYTES) return { size: `${st.size} bytes` };
  // Files that report no size (procfs) may hold any number of bytes: /proc/self/pagemap never ends.
  if (st.size === 0) {
    const bytes = readUpTo(fd, MAX_INPUT_BYTES);
    return bytes.length > MAX_INPUT_BYTES ? { size: `more than ${MAX_INPUT_BYTES} bytes` } : bytes;
  }
  const bytes = Buffer.allocUnsafe(st.size);
  let n = 0;
  while (n < bytes.length) {
    const got = readSync(fd, bytes, n, bytes.length - n, null);
    if (got === 0) break;
    n += got;
  }
  return bytes.subarray(0, n);
}

/** What a run shares between its reads: the files read, directories' real paths, how messages name the base. */
export interface ReadOptions {
  read?: FilesRead;
  dirs?: RealDirectories;
  base?: FileBase;
  /** What names the kustz.yml readConfigFile reads, where kustz's command line does not. */
  namedIn?: FileBase;
}

/**
 * Reads files relative to `baseDir`. Under the root-only restrictor the real path (symlinks
 * followed) must stay inside the real `baseDir`, as kustomize's loader demands. `read`, when
 * given, learns every file read.
 */
export function diskReader(baseDir: string, restrictor: LoadRestrictor, { read, dirs = new Map(), base = BESIDE_KUSTZ_YML }: ReadOptions = {}): ReadFile {
  // A file named twice (foo.yml as env vars and as literals) is read once.
  const done = new Map<string, ReadResult>();
  return (path) => {
    let result = done.get(path);
    if (!result) done.set(path, (result = readOne(path)));
    return result;
  };

  function readOne(path: string): ReadResult {
    // "" resolves to the kustz.yml's own directory, and was reported as a directory.
    if (path === '') return { ok: false, message: 'the path is empty', hint: `name a file, relative to ${base.dir}` };
    let fd: number | undefined;
    try {
      const opened = openConfined(isAbsolute(path) ? path : resolve(baseDir, path), restrictor === 'rootonly' ? { realBase: realDirOf(dirs, baseDir), dirs } : undefined);
      if (typeof opened !== 'number') {
        // Shown relative to the kustz.yml, not as an absolute path: CI logs are public.
        return {
          ok: false,
          message: `"${path}" resolves to ${opened.outside}, outside ${base.dir}`,
          hint: intoBase(base, 'a symlink may not lead out of the project; copy the file in'),
        };
      }
      fd = opened;
      const bytes = readOpen(fd, read);
      if (bytes === 'directory') return { ok: false, message: `"${path}" is a directory, not a file`, hint: 'name each file of the directory' };
      if (bytes === 'special') return { ok: false, message: `"${path}" is not a regular file`, hint: NOT_REGULAR_HINT };
      if ('size' in bytes) return { ok: false, message: `"${path}" is ${bytes.size}; kustz reads files of at most ${MAX_INPUT_BYTES} bytes`, hint: TOO_LARGE_HINT };
      return { ok: true, bytes };
    } catch (e) {
      const spelt = (e as NodeJS.ErrnoException)?.code === 'ENOENT' ? otherNormalization(resolve(baseDir, path)) : undefined;
      if (spelt !== undefined) {
        // The two names print alike: what tells them apart is their form.
        const [onDisk, written] = [unicodeForm(spelt.onDisk), unicodeForm(spelt.written)];
        const what = spelt.directory ? `the directory "${spelt.written}" on its way is named` : 'its directory has a file of this name';
        return { ok: false, message: `cannot read "${path}": no such file; ${what} in Unicode ${onDisk}${onDisk === 'NFD' ? ' (as macOS writes names)' : ''}, written here in ${written}`,
          hint: `rename the ${spelt.directory ? 'directory' : 'file'} to the name as written here: convmv -f utf8 -t utf8 --${written === 'NFD' ? 'nfd' : 'nfc'} --notest <the ${spelt.directory ? 'directory' : 'file'}>` };
      }
      return cannotRead(path, e, base);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

/**
 * The first missing name on the way to `file` (the file's or a directory's), where the disk has
 * it in another Unicode normalization: é as one code point or as e and an accent look alike, and
 * are two names to the kernel.
 */
function otherNormalization(file: string): { written: string; onDisk: string; directory: boolean } | undefined {
  // Plain ASCII has one normalization.
  if (!/[^\x00-\x7f]/.test(file)) return undefined;
  let missing = file;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  const written = basename(missing);
  try {
    const onDisk = readdirSync(dirname(missing)).find((entry) => entry !== written && entry.normalize('NFC') === written.normalize('NFC'));
    return onDisk === undefined ? undefined : { written, onDisk, directory: missing !== file };
  } catch {
    return undefined;
  }
}

const unicodeForm = (name: string) => (name === name.normalize('NFC') ? 'NFC' : name === name.normalize('NFD') ? 'NFD' : 'a mixed form');

function cannotRead(path: string, e: unknown, base: FileBase): ReadResult {
  return { ok: false, message: `cannot read "${path}": ${describeError(e)}`, hint: readErrorHint(e, `paths in ${base.namer} are relative to ${base.dir}`) };
}

const NOT_REGULAR_HINT = 'kustz reads regular files only, no device, FIFO or socket: copy what it holds into a file and name that';
const TOO_LARGE_HINT = `keep it under ${MAX_INPUT_BYTES / 1024 / 1024} MiB; a ConfigMap or Secret holds 1 MiB at most`;

/** What to do about a failed read; `missing`, about a file not found, says where paths start from. */
export function readErrorHint(e: unknown, missing: string): string {
  if (describeError(e).includes('NUL character')) return 'take the NUL character out of the path';
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return missing;
    case 'ELOOP':
      return 'a symlink on the path leads back to itself: point it at the file (ls -l shows where each link leads)';
    case 'EACCES':
    case 'EPERM':
      return 'make the file readable for this user (chmod a+r), and its directories searchable (chmod a+x)';
    case 'ENOTDIR':
      return 'a part of the path names a file: name the directories that lead to the file';
    default:
      return 'check that the file can be read, e.g. with cat';
  }
}

/**
 * Reads a kustz.yml named on the command line. Under the root-only restrictor it may not be a
 * symlink that leads out of its own directory: in CI a pull request could commit
 * `kustz.yml -> /proc/self/environ`, and messages quote the file being parsed.
 */
export function readConfigFile(path: string, restrictor: LoadRestrictor, { read, dirs = new Map(), base = BESIDE_KUSTZ_YML, namedIn }: ReadOptions = {}): ReadResult {
  let fd: number | undefined;
  try {
    const opened = openConfined(path, restrictor === 'rootonly' ? { realBase: realDirOf(dirs, dirname(path)), dirs } : undefined);
    if (typeof opened !== 'number') {
      return {
        ok: false,
        message: `the file is a symlink to ${opened.outside}, outside its own directory`,
        hint: intoBase(base, 'a kustz.yml may not be a link to a file elsewhere; copy the file in'),
      };
    }
    fd = opened;
    const bytes = readOpen(fd, read);
    if (bytes === 'directory') return { ok: false, message: 'it is a directory, not a file', hint: 'name a kustz.yml file, not a directory' };
    if (bytes === 'special') return { ok: false, message: 'it is not a regular file', hint: NOT_REGULAR_HINT };
    if ('size' in bytes) return { ok: false, message: `the file is ${bytes.size}; kustz reads files of at most ${MAX_INPUT_BYTES} bytes`, hint: TOO_LARGE_HINT };
    return { ok: true, bytes };
  } catch (e) {
    if (isPipe(path)) {
      return { ok: false, message: 'it is a pipe (/dev/stdin or a <(...) process substitution), not a file',
        hint: "kustz.yml names its files relative to its own directory, which a pipe has none of: write it to a file first, e.g. envsubst < kustz.tpl.yml > kustz.yml" };
    }
    const from = namedIn ? `paths in ${namedIn.namer} are relative to ${namedIn.dir}` : 'a path given to kustz starts from the current directory';
    return { ok: false, message: `cannot read the file: ${describeError(e)}`, hint: readErrorHint(e, `check the name: ${from}`) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `path` leads to a pipe or socket: /dev/stdin and /dev/fd/63 are links to one, whose real path is none. */
function isPipe(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

export function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a directory';
  if (code === 'ENAMETOOLONG') return 'the name is too long';
  if (code === 'ERR_INVALID_ARG_VALUE' && /null bytes/.test((e as Error).message)) return 'the path holds a NUL character, which no file name can';
  if (code === 'EFBIG') return 'the file would be larger than this process may write (ulimit -f)';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'EDQUOT') return 'the disk quota is used up';
  if (code === 'EEXIST') return 'a file is already there';
  if (code === 'EPERM') return 'operation not permitted (an immutable or append-only file?)';
  if (code === 'ENXIO') return 'nothing reads from it (a FIFO without a reader, or no such device)';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  // Node's own message ends with the call and the path it was given (a temporary file's, at times).
  return ((e as Error)?.message ?? String(e)).replace(/, \w+ '.*'$/s, '');
}

/**
 * `mkdir -p`, one level at a time: Node's own recursive mkdirSync spins forever where a parent
 * refuses new directories with ENOENT (under /proc, for one). Returns the directories it made,
 * outermost first, so that a failed write can take them away again; where it fails, it takes
 * away what it made itself. A directory that another run (kustz in parallel CI jobs) made
 * meanwhile is there as wanted, and is not this run's to take away.
 */
export function makeDirectory(dir: string): string[] {
  if (existsSync(dir)) return [];
  const parent = dirname(dir);
  const made = parent === dir ? [] : makeDirectory(parent);
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === 'EEXIST' && statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return made;
    for (const d of made.reverse()) quietly(() => rmdirSync(d));
    throw e;
  }
  return [...made, dir];
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

/** A file to write: where, what, and how messages name it (the path as the user wrote it). */
export interface PlannedWrite {
  path: string;
  shown: string;
  content: string | Uint8Array;
  /**
   * The output goes beside an input (render --write), whose directory must still be there: one
   * removed while kustz ran is not made again for an output alone.
   */
  inExistingDirectory?: boolean;
  /**
   * The file holds Secret values or credentials: readable by its owner only, whatever the umask
   * and whatever it held before. A new one is made 0600; one replaced, or left as it is, loses
   * the group's and others' bits of its mode. Other files are made 0666 less the umask, as a
   * shell's `>` makes them, and a replaced one keeps its mode.
   */
  ownerOnly?: boolean;
}

/** Why `shown` could not be written, and what to do; thrown after everything the write did is undone. */
export class WriteError extends Error {
  constructor(
    readonly shown: string,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`${shown}: ${reason}`);
  }

  static of(shown: string, e: unknown): WriteError {
    // No file is missing where a file is made: its directory is.
    const reason = (e as NodeJS.ErrnoException)?.code === 'ENOENT' ? 'its directory is missing, or takes no new files' : describeError(e);
    return new WriteError(shown, reason, writeErrorHint(e));
  }

  toIssue(): Issue {
    return issue('output.write', `cannot write: ${this.reason}`, { file: this.shown, hint: this.hint });
  }
}

/** What to do about a failed write: make the place take the output, or (-o, --out-name) choose another. */
function writeErrorHint(e: unknown): string {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOSPC':
      return 'make room on that disk (df -h shows how full it is), or write the output to another one';
    case 'EDQUOT':
      return 'remove some of your files on that disk (quota -s shows what is left), or write the output to another one';
    case 'EROFS':
      return 'write the output to a writable file system, or remount this one read-write';
    case 'EACCES':
      return "let this user write to the output's directory (ls -ld shows its owner and mode; chmod u+w), or write the output elsewhere";
    case 'EPERM':
      return 'lift the immutable or append-only flag (lsattr shows it, chattr -i -a lifts it), or write the output elsewhere';
    case 'ENOENT':
      return 'write the output where files can be made (not under /proc), or make its directory again if it was removed while kustz ran';
    case 'EEXIST':
      return 'something else made a file on the way to the output while kustz ran: run kustz again';
    case 'ENOTDIR':
      return 'move that file away, or write the output elsewhere';
    case 'EISDIR':
      return 'name a file for the output, not a directory';
    case 'ENAMETOOLONG':
      return 'shorten the name: a file system takes 255 bytes per name';
    case 'EFBIG':
      return 'lift the file size limit (ulimit -f unlimited)';
    case 'ENXIO':
      return 'start what reads from it first, or write the output to a file';
    case 'ELOOP':
      return 'a symlink on the path leads back to itself: point it at a directory (ls -l shows where each link leads)';
    default:
      return 'check that the output can be written there, e.g. with touch';
  }
}

/** The handlers holding off the signals that would end the process, while a write lasts (see holdSignals). */
let holding: Array<[NodeJS.Signals, () => void]> | undefined;

/**
 * Ctrl-C, a CI job cancelled, `timeout` or `docker stop` (SIGINT, SIGTERM, SIGHUP) end a process
 * wherever it is: between a write's temporary files and its renames, they would leave temporary
 * files behind (a registry password in one) and a kustomize directory with some files new and
 * some old. A write catches them. Node runs a handler between tasks only, never within the
 * synchronous writeFiles, so the write under way finishes (or is undone); the signal then ends
 * the process at `signalsLanded()`, re-raised so that the shell sees the process killed by it.
 * Only while a write lasts: a process blocked on a full stderr pipe (`2>&1 | less`, paused) must
 * still die of Ctrl-C at once. SIGKILL cannot be caught: it may still leave a `.kustz-tmp-*`.
 */
function holdSignals(): void {
  if (holding) return;
  holding = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    // once: the handler is gone, and the signal's default action back, when it re-raises.
    const reRaise = () => process.kill(process.pid, signal);
    process.once(signal, reRaise);
    return [signal, reRaise];
  });
}

/**
 * After a write: the turn of the event loop a signal held off during it needs to end the
 * process, then the signals' default actions back.
 */
export async function signalsLanded(): Promise<void> {
  if (!holding) return;
  await new Promise((resolve) => setImmediate(resolve));
  for (const [signal, reRaise] of holding) process.removeListener(signal, reRaise);
  holding = undefined;
}

/**
 * Writes the files all or none, each through a temporary file and a rename, so that a reader
 * never sees half a file and a failure (a full disk, a directory where a file goes, a rename the
 * file system refuses) leaves what was on disk as it was: the files renamed so far are put back
 * from links kept to them, and no temporary file or directory made is left. A file replaced keeps
 * its mode (a manifest with Secrets at 0600 stays 0600; see ownerOnly) and, where allowed, its owner. A symlink
 * at a path is replaced, never followed; a FIFO or a device there is refused, as no file of kustz
 * can stand in its place. Identical content is left alone (mtime kept) so make and pre-commit see
 * no change. Returns the files that changed.
 */
export function writeFiles(files: readonly PlannedWrite[]): PlannedWrite[] {
  const changed = files.filter((f) => differs(f));
  if (changed.length) holdSignals();
  const made: string[] = [];
  // Per file: the temporary file with the new content, the way back to the old one, and whether
  // the new one is in place yet.
  const steps = changed.map(() => ({ tmp: '', backup: '', renamed: false }));
  let at: PlannedWrite | undefined;
  try {
    changed.forEach((f, i) => {
      at = f;
      // `-o deploy/manifests.yaml` in a fresh checkout: make the directory.
      if (!f.inExistingDirectory) made.push(...makeDirectory(dirname(f.path)));
      const old = entryAt(f.path);
      steps[i]!.tmp = writeTemporary(dirname(f.path), f.content, old?.isFile() ? old : undefined, f.ownerOnly === true);
      if (old) steps[i]!.backup = keepBackup(f.path);
    });
    changed.forEach((f, i) => {
      at = f;
      renameSync(steps[i]!.tmp, f.path);
      steps[i]!.renamed = true;
    });
  } catch (e) {
    // Best effort, in reverse: the error to report is the one that stopped the write.
    changed.forEach((f, i) => {
      const { tmp, backup, renamed } = steps[i]!;
      if (renamed) quietly(() => (backup ? renameSync(backup, f.path) : unlinkSync(f.path)));
      else {
        if (tmp) quietly(() => unlinkSync(tmp));
        if (backup) quietly(() => unlinkSync(backup));
      }
    });
    for (const dir of made.reverse()) quietly(() => rmdirSync(dir));
    throw WriteError.of(at!.shown, e);
  }
  for (const { backup } of steps) if (backup) quietly(() => unlinkSync(backup));
  // A file the same as before may now be a Secret's copy (moved from a ConfigMap's entry).
  for (const f of files) if (f.ownerOnly && !changed.includes(f)) quietly(() => ownerOnly(f.path));
  return changed;
}

function ownerOnly(path: string): void {
  const st = lstatSync(path);
  if (st.isFile() && st.mode & 0o077) chmodSync(path, st.mode & 0o7700);
}

function quietly(undo: () => void): void {
  try {
    undo();
  } catch {
    // Undoing is best effort; what failed first is reported.
  }
}

/** What stands at `path`, not followed; undefined for nothing. */
function entryAt(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function temporaryName(dir: string): string {
  return join(dir, `.kustz-tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
}

/** A second name for what stands at `path` (a hard link; a copy where the file system has none). */
function keepBackup(path: string): string {
  const backup = temporaryName(dirname(path));
  try {
    linkSync(path, backup);
  } catch {
    copyFileSync(path, backup);
  }
  return backup;
}

function differs(f: PlannedWrite): boolean {
  let current: OutputFile;
  try {
    current = readOutputFile(f.path);
  } catch {
    return true; // Unreadable: replaced.
  }
  const away = 'move it away, or write the output elsewhere';
  if (current.kind === 'directory') throw new WriteError(f.shown, 'is a directory; an output of kustz is a file', away);
  if (current.kind === 'special') throw new WriteError(f.shown, 'is not a regular file (a FIFO, a socket or a device); an output of kustz is a file', away);
  return current.kind !== 'file' || !current.bytes.equals(typeof f.content === 'string' ? Buffer.from(f.content) : f.content);
}

/**
 * A new file in `dir` holding `content`, written to the disk, with the mode and owner of `like`
 * (the file it will replace); nothing is left where it fails.
 */
function writeTemporary(dir: string, content: string | Uint8Array, like: Stats | undefined, ownerOnly: boolean): string {
  const tmp = temporaryName(dir);
  // A new file is made with its mode, so one with credentials (0600) is never readable by others,
  // not even before its rename; a replacement starts at 0600 and takes the old file's mode.
  const fd = openSync(tmp, 'wx', like || ownerOnly ? 0o600 : 0o666);
  try {
    if (like) {
      fchmodSync(fd, like.mode & (ownerOnly ? 0o7700 : 0o7777));
      if (like.uid !== process.getuid?.() || like.gid !== process.getgid?.()) quietly(() => fchownSync(fd, like.uid, like.gid));
    }
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    // A write may take part of the bytes (a file size limit); the next one then says why.
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    // The descriptor may be closed already (close itself failed): the first error is the one.
    quietly(() => closeSync(fd));
    unlinkSync(tmp);
    throw e;
  }
  return tmp;
}

/**
 * Writes into what stands at `path` as a shell's `>>` would: for `-o /dev/stdout`, `-o >(cmd)`
 * (a /dev/fd path) or a FIFO, which a rename would replace rather than feed. Appending keeps
 * `>> log` whole behind /dev/stdout; nothing is created.
 */
export function writeInto(path: string, shown: string, content: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND);
  } catch (e) {
    throw WriteError.of(shown, e);
  }
  try {
    writeAll(fd, content, shown);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether `-o path` names a stream rather than a file: a FIFO, socket or device, or a link under
 * /dev or /proc (/dev/stdout, /dev/fd/63, /proc/self/fd/1), which stands for an open descriptor.
 * A file under /dev/shm is a file.
 */
export function namesStream(path: string): boolean {
  const st = entryAt(path);
  if (!st) return false;
  return st.isFIFO() || st.isSocket() || st.isCharacterDevice() || st.isBlockDevice() || (st.isSymbolicLink() && /^\/(dev|proc)\//.test(path));
}

/**
 * What stdin may hold: a ResourceList, which kustomize and kpt fill with all resources of a
 * kustomization or package. What its YAML document would take of the heap is checked before it
 * is read (documentTooLarge); this bounds the reading itself.
 */
export const MAX_STDIN_BYTES = 64 * 1024 * 1024;

/**
 * All of stdin, synchronously, as the UTF-8 text the KRM spec has a ResourceList be; more than
 * MAX_STDIN_BYTES is an error, and so are bytes that are no UTF-8 (decoded as U+FFFD, they were
 * passed on as if the list held that character) and UTF-16 (a NUL beside every letter).
 */
export function readStdin(): string {
  const bytes = readUpTo(0, MAX_STDIN_BYTES);
  if (bytes.length > MAX_STDIN_BYTES) {
    throw new KustzError([issue('stdin.too-large', `stdin holds more than ${MAX_STDIN_BYTES} bytes; kustz reads a ResourceList of at most ${MAX_STDIN_BYTES / 1024 / 1024} MiB`, {
      hint: 'kustz needs only the functionConfig, none of the items: give its generator config a kustomization (or kpt package) of its own, and list that one among the resources of the large one',
    })]);
  }
  const utf16 = utf16Problem(bytes, 'stdin');
  if (utf16) throw new KustzError([issue('stdin.invalid-utf8', utf16.message, { file: 'stdin', line: 1, col: 1, hint: utf16.hint })]);
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    throw new KustzError([issue('stdin.invalid-utf8', 'stdin is not valid UTF-8', { file: 'stdin', ...invalidUtf8Position(bytes), hint: 'a ResourceList is UTF-8 text: save the input as UTF-8, e.g. iconv -f LATIN1 -t UTF-8' })]);
  }
  return text;
}

/**
 * What `fd` holds from where it stands to its end, synchronously; where that is more than `limit`
 * bytes, the reading stops a little past it. A non-blocking pipe (EAGAIN) is waited on; a closed
 * descriptor reads as empty. Reads are whole chunks: /proc/self/pagemap refuses a read that is no
 * multiple of 8 bytes.
 */
function readUpTo(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (let total = 0; total <= limit; ) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
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
    total += n;
  }
  return Buffer.concat(chunks);
}

/**
 * Writes all of `text` to a file descriptor (stdout, stderr, or `file` that -o names),
 * synchronously: the output is complete when the process exits, and no stream is set up for it
 * (process.stdout costs a cold start several milliseconds). A non-blocking pipe (EAGAIN) is waited on; a reader that went away (EPIPE, as in
 * `kustz render | head`) ends the writing quietly, as it ends a shell tool. So does any failure
 * on stderr (`2>/dev/full`, `2</dev/null`): a message that cannot be written there has nowhere else to go, and
 * must not change what the run does or its exit code. (`2>&-` needs nothing: Node opens a closed
 * descriptor 2 on /dev/null at start, so no file -o names is ever descriptor 2 either.)
 */
export function writeAll(fd: number, text: string, file?: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code === 'EPIPE' || (fd === 2 && code !== 'EAGAIN')) return;
      // A full disk behind `> out.yaml` is the user's to fix, not a kustz bug to report.
      if (code !== 'EAGAIN') {
        // EBADF: the shell opened the descriptor for reading only (`1</dev/null`).
        const reason = code === 'EBADF' ? 'it is not open for writing' : describeError(e);
        const hint = code === 'ENOSPC' ? 'make room on the disk stdout goes to, or send stdout to another one' : 'send stdout to a file (> out.txt) or a pipe';
        throw new KustzError([file === undefined ? issue('output.write', `cannot write to stdout: ${reason}`, { hint }) : new WriteError(file, reason, writeErrorHint(e)).toIssue()]);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
