/** `kustz kustomize -o DIR`: the shell around kustomize.ts, which decides what DIR holds. */
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readSync, rmdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import { changesFileRead, diskReader, isFileRead, writeFiles, WriteError, type FilesRead } from './disk.js';
import { issue, KustzError, UsageError } from './errors.js';
import { copiesListed, KUSTOMIZATION_FILE, KUSTZ_FILES, kustomization, writtenByKustz } from './kustomize.js';
import { configFiles, loadRestrictor, realDirectory, renderFile, replacesInput, report, type IO, type RenderFlags } from './shell.js';

export interface KustomizeFlags extends RenderFlags {
  output?: string;
}

/** Other names kustomize accepts for its file; two in one directory make it refuse to build. */
const OTHER_KUSTOMIZATION_FILES = ['kustomization.yaml', 'Kustomization'];

export function kustomizeCommand(files: string[], flags: KustomizeFlags, io: IO): number {
  if (flags.output === undefined) throw new UsageError('kustz kustomize needs -o DIR, the directory to write the kustomization to');
  const configs = configFiles(flags, files, io);
  if (configs.length !== 1) throw new UsageError(`kustz kustomize takes one kustz.yml, got ${configs.length}; write each to its own directory`);
  const filesRead: FilesRead = new Set();
  const rendered = renderFile(configs[0]!, flags, io, { hashMode: 'kustomize', filesRead });
  if (report(rendered.issues, flags.strict, io)) return 1;

  const output = flags.output;
  const dir = resolve(io.cwd, output);
  const other = OTHER_KUSTOMIZATION_FILES.find((name) => existsSync(join(dir, name)));
  if (other) {
    throw new KustzError([issue('kustomize.existing', `${output} already holds ${other}; kustomize refuses to build a directory with two kustomization files`, {
      hint: 'remove it, or write to another directory with -o',
    })]);
  }
  // The kustz.yml where render reads it: a link to it stands for it, data files and all. kustomize
  // compares real paths, so directories are taken at theirs.
  const config = resolve(io.cwd, configs[0]!);
  const configDir = realDirectory(dirname(config));
  const slashed = (path: string) => path.split(sep).join('/') || '.';
  const out = kustomization({
    result: rendered.result!,
    hash: flags.hash === true,
    config: slashed(relative(realDirectory(dir), join(configDir, basename(config)))),
    output: slashed(relative(configDir, realDirectory(dir))),
    readFile: diskReader(dirname(config), loadRestrictor(flags)),
  });
  if (report(out.issues, flags.strict, io)) return 1;
  // A copy of a Secret's file, registry-secrets.yml, and a kustomization.yml holding Secret
  // literals are new files for their owner's eyes only, whatever cp or the umask would give.
  const plan = [...out.files].map(([name, content]) => ({ name, content, path: join(dir, ...name.split('/')), shown: join(output, name), ...(out.secret.has(name) ? { newMode: 0o600 } : {}) }));
  // A data file copied onto itself (-o into the kustz.yml's directory) is no change; a
  // service.yml that kustz.yml reads as data is, and nothing is written then.
  const replaced = plan.filter((p) => changesFileRead(p.path, p.content, filesRead));
  if (replaced.length) throw new KustzError(replaced.map((p) => replacesInput(p.shown, 'write the kustomization to a directory of its own, e.g. -o deploy/')));
  const copiedBefore = earlierCopies(join(dir, KUSTOMIZATION_FILE));
  try {
    // All or nothing: a kustomization.yml without the files it lists would not build.
    writeFiles(plan);
    // What an earlier run wrote and this one does not (no Ingress any more, no registry
    // credentials any more) would linger beside the kustomization: an old registry-secrets.yml
    // still holds a password. Only files that still start as kustz writes them go.
    for (const name of KUSTZ_FILES) {
      const path = join(dir, name);
      if (!out.files.has(name) && !isFileRead(path, filesRead) && writtenByKustz(fileStart(path))) unlinkSync(path);
    }
    // So would the copy of a data file kustz.yml no longer names, and the directory it leaves empty.
    for (const name of copiedBefore) {
      const path = join(dir, ...name.split('/'));
      if (out.files.has(name) || isFileRead(path, filesRead) || !lstatSync(path, { throwIfNoEntry: false })?.isFile()) continue;
      unlinkSync(path);
      let parent = dirname(name);
      while (parent !== '.' && removeIfEmpty(join(dir, ...parent.split('/')))) parent = dirname(parent);
    }
  } catch (e) {
    const { shown, reason, hint } = e instanceof WriteError ? e : WriteError.of(output, e);
    throw new KustzError([issue('kustomize.write', `cannot write ${shown}: ${reason}`, { hint })]);
  }
  return 0;
}

/** The copies an earlier run listed in DIR's kustomization.yml, where they stay inside DIR. */
function earlierCopies(kustomizationFile: string): string[] {
  if (!writtenByKustz(fileStart(kustomizationFile))) return [];
  let text: string;
  try {
    text = readFileSync(kustomizationFile, 'utf8');
  } catch {
    return [];
  }
  return copiesListed(text).filter((name) => name === posix.normalize(name) && !name.startsWith('../') && name !== '..' && !posix.isAbsolute(name) && !KUSTZ_FILES.includes(name));
}

function removeIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** The first bytes of a regular file, as Latin-1 text; '' for anything else or nothing there. */
function fileStart(path: string): string {
  try {
    if (!lstatSync(path).isFile()) return '';
    const fd = openSync(path, 'r');
    try {
      const bytes = Buffer.alloc(64);
      return bytes.toString('latin1', 0, readSync(fd, bytes, 0, bytes.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
