/** `kustz kustomize -o DIR`: the shell around kustomize.ts, which decides what DIR holds. */
import { closeSync, existsSync, lstatSync, openSync, readSync, realpathSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { changesFileRead, describeError, diskReader, isFileRead, makeDirectory, writeFileAtomic, type FilesRead } from './disk.js';
import { issue, KustzError, UsageError } from './errors.js';
import { KUSTZ_FILES, kustomization, writtenByKustz } from './kustomize.js';
import { configFiles, loadRestrictor, renderFile, replacesInput, report, type IO, type RenderFlags } from './shell.js';

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
  const rendered = renderFile(configs[0]!, flags, io, 'kustomize', filesRead);
  if (report(rendered.issues, flags.strict, io)) return 1;

  const dir = resolve(io.cwd, String(flags.output));
  const other = OTHER_KUSTOMIZATION_FILES.find((name) => existsSync(join(dir, name)));
  if (other) {
    throw new KustzError([issue('kustomize.existing', `${flags.output} already holds ${other}; kustomize refuses to build a directory with two kustomization files`, {
      hint: 'remove it, or write to another directory with -o',
    })]);
  }
  const configPath = realpathSync(resolve(io.cwd, configs[0]!));
  const slashed = (path: string) => path.split(sep).join('/') || '.';
  const out = kustomization({
    result: rendered.result!,
    hash: flags.hash === true,
    config: slashed(relative(realDir(dir), configPath)),
    output: slashed(relative(dirname(configPath), realDir(dir))),
    readFile: diskReader(dirname(configPath), loadRestrictor(flags)),
  });
  if (report(out.issues, flags.strict, io)) return 1;
  const paths = [...out.files].map(([name, content]) => ({ name, content, path: join(dir, ...name.split('/')) }));
  // A data file copied onto itself (-o into the kustz.yml's directory) is no change; a
  // service.yml that kustz.yml reads as data is, and nothing is written then.
  const replaced = paths.filter((p) => changesFileRead(p.path, p.content, filesRead));
  if (replaced.length) {
    throw new KustzError(replaced.map((p) => replacesInput(join(String(flags.output), p.name), 'write the kustomization to a directory of its own, e.g. -o deploy/')));
  }
  try {
    for (const { path, content } of paths) {
      makeDirectory(dirname(path));
      writeFileAtomic(path, content);
    }
    // What an earlier run wrote and this one does not (no Ingress any more, no registry
    // credentials any more) would linger beside the kustomization: an old registry-secrets.yml
    // still holds a password. Only files that still start as kustz writes them go.
    for (const name of KUSTZ_FILES) {
      const path = join(dir, name);
      if (!out.files.has(name) && !isFileRead(path, filesRead) && writtenByKustz(fileStart(path))) unlinkSync(path);
    }
  } catch (e) {
    throw new KustzError([issue('kustomize.write', `cannot write to ${flags.output}: ${describeError(e)}`)]);
  }
  return 0;
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

/** The real path of a directory that may not exist yet: kustomize compares real paths. */
function realDir(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realDir(parent), basename(path));
  }
}
