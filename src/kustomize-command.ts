/** `kustz kustomize -o DIR`: the shell around kustomize.ts, which decides what DIR holds. */
import { closeSync, existsSync, lstatSync, openSync, readSync, realpathSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { describeError, diskReader, makeDirectory, writeFileAtomic } from './disk.js';
import { issue, KustzError, UsageError } from './errors.js';
import { KUSTZ_FILES, kustomization, writtenByKustz } from './kustomize.js';
import { configFiles, loadRestrictor, renderFile, report, type IO, type RenderFlags } from './shell.js';

export interface KustomizeFlags extends RenderFlags {
  output?: string;
}

/** Other names kustomize accepts for its file; two in one directory make it refuse to build. */
const OTHER_KUSTOMIZATION_FILES = ['kustomization.yaml', 'Kustomization'];

export function kustomizeCommand(files: string[], flags: KustomizeFlags, io: IO): number {
  if (flags.output === undefined) throw new UsageError('kustz kustomize needs -o DIR, the directory to write the kustomization to');
  const configs = configFiles(flags, files, io);
  if (configs.length !== 1) throw new UsageError(`kustz kustomize takes one kustz.yml, got ${configs.length}; write each to its own directory`);
  const rendered = renderFile(configs[0]!, flags, io, 'kustomize');
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
  try {
    for (const [name, content] of out.files) {
      const path = join(dir, ...name.split('/'));
      makeDirectory(dirname(path));
      writeFileAtomic(path, content);
    }
    // What an earlier run wrote and this one does not (no Ingress any more, no registry
    // credentials any more) would linger beside the kustomization: an old registry-secrets.yml
    // still holds a password. Only files that still start as kustz writes them go.
    for (const name of KUSTZ_FILES) {
      const path = join(dir, name);
      if (!out.files.has(name) && writtenByKustz(fileStart(path))) unlinkSync(path);
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
