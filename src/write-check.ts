/**
 * The pre-commit and CI commands (SPEC 5b). `render --write` gives each kustz.yml one output
 * beside it and writes only what changed; `check` writes nothing and shows, as a diff, what
 * `render --write` (or `render -o FILE`) would change.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { changesFileRead, describeError, readErrorHint, readOutputFile, signalsLanded, writeFiles, WriteError, type FilesRead, type OutputFile } from './disk.js';
import { escapeUnprintable, issue, shellWord, UsageError } from './errors.js';
import { redactSecrets } from './redact.js';
import { shownSetFlag } from './overrides.js';
import { serialize } from './serialize.js';
import { configFiles, list, ObjectRegistry, outputFile, realDirectory, renderFile, replacesInput, report, type IO, type RenderFlags } from './shell.js';

export const DEFAULT_OUT_NAME = 'manifests.yaml';

export interface OutputFlags extends RenderFlags {
  output?: string;
  outName?: string;
  write?: boolean;
  check?: boolean;
}

/** One output file and the text it should hold; `text` is undefined when its inputs failed. */
interface Target {
  path: string;
  /** The path as the user wrote it (relative stays relative), for messages and diffs. */
  shown: string;
  inputs: string[];
  /** The command that brings the file up to date, for the hint. */
  fix: string;
  text?: string;
}

/**
 * `kustz render --write`: one bad input is reported and the others are still written.
 * `--check` adds check's exit code (1 when an output had to be written) for pre-commit, which
 * notices modified tracked files by itself but not new ones: a first manifests.yaml would
 * otherwise slip past the commit unstaged.
 */
export async function writeOutputs(files: readonly string[], flags: OutputFlags, io: IO): Promise<number> {
  if (!flags.write) throw new UsageError('--out-name and --check go with --write');
  if (flags.output !== undefined) throw new UsageError('--write puts each output beside its kustz.yml; it does not take -o');
  let failed = false;
  let changed = false;
  const filesRead: FilesRead = new Set();
  for (const t of besideInputs(files, flags, io, filesRead)) {
    if (t.text === undefined) {
      failed = true;
      continue;
    }
    if (changesFileRead(t.path, t.text, filesRead)) {
      report([replacesInput(t.shown, 'pick an --out-name that no kustz.yml and no file they name uses')], false, io);
      failed = true;
      continue;
    }
    let written: boolean | WriteError;
    try {
      written = writeFiles([{ path: t.path, shown: t.shown, content: t.text, inExistingDirectory: true }]).length > 0;
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      written = e;
    }
    // Ctrl-C during a write ends kustz here: each output written is whole, the rest not begun.
    // What follows writes to stderr, where a process must stay killable.
    await signalsLanded();
    if (written instanceof WriteError) {
      report([written.toIssue()], false, io);
      failed = true;
    } else if (written) {
      io.stderr(`kustz: wrote ${escapeUnprintable(t.shown)}\n`);
      changed = true;
    }
  }
  if (changed && flags.check) io.stderr('kustz: outputs were out of date (--check); review and stage them\n');
  return failed || (changed && flags.check) ? 1 : 0;
}

/** `kustz check`: exit 1 with a diff per missing or stale output; nothing is written. */
export async function checkOutputs(files: readonly string[], flags: OutputFlags, io: IO): Promise<number> {
  if (flags.output !== undefined && flags.outName !== undefined) throw new UsageError('--out-name names the outputs beside each kustz.yml; with -o there is one output');
  const targets = flags.output !== undefined ? [oneOutput(files, flags.output, flags, io)] : besideInputs(files, flags, io);

  let failed = targets.some((t) => t.text === undefined);
  const stale: Array<{ target: Target; current?: string }> = [];
  for (const target of targets) {
    if (target.text === undefined) continue;
    let output: OutputFile;
    try {
      output = readOutputFile(target.path);
    } catch (e) {
      report([issue('output.read', `cannot read: ${describeError(e)}`, { file: target.shown, hint: readErrorHint(e, `write it: ${target.fix}`) })], false, io);
      failed = true;
      continue;
    }
    if (output.kind === 'link' || output.kind === 'special' || output.kind === 'directory') {
      // Neither followed nor shown: the diff would print whatever a link leads to.
      const [message, hint] =
        output.kind === 'directory'
          ? ['is a directory; an output of kustz is a file', 'name a file for the output, not a directory']
          : [`${output.kind === 'link' ? 'is a symbolic link' : 'is not a regular file'}; an output of kustz is a file of its own, and kustz does not read what stands there`, `replace it with the output: ${target.fix}`];
      report([issue('output.not-a-file', message, { file: target.shown, hint })], false, io);
      failed = true;
      continue;
    }
    const current = output.kind === 'file' ? output.bytes : undefined;
    if (!current?.equals(Buffer.from(target.text))) stale.push({ target, current: current?.toString('utf8') });
  }
  if (!stale.length) return failed ? 1 : 0;

  // Loaded only here: a clean check, and every other command, starts without it.
  const { createTwoFilesPatch, FILE_HEADERS_ONLY } = await import('diff');
  for (const { target, current } of stale) {
    const inputs = target.inputs.join(', ');
    report(
      [
        current === undefined
          ? issue('output.missing', `missing; it should hold the output of ${inputs}`, { file: target.shown, hint: `run: ${target.fix}` })
          : issue('output.stale', `out of date with ${inputs}`, { file: target.shown, hint: `run: ${target.fix}` }),
      ],
      false,
      io,
    );
    const shown = redactSecrets(current ?? '', target.text!);
    if (shown.current === shown.expected) {
      io.stderr('  (only Secret values differ; they are not shown)\n');
      continue;
    }
    // git's a/ and b/ prefixes, for relative paths as git has them.
    const label = (side: string) => (isAbsolute(target.shown) ? target.shown : `${side}/${target.shown}`);
    const from = current === undefined ? '/dev/null' : label('a');
    const patch = createTwoFilesPatch(from, label('b'), shown.current, shown.expected, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
    // The file on disk may hold anything (escape sequences, a carriage return, bidi overrides),
    // and a CI log would act on it: each line is printed escaped, as messages are.
    io.stderr(patch.split('\n').map(escapeUnprintable).join('\n'));
  }
  return 1;
}

/** `<dir of each kustz.yml>/<out-name>`; two inputs may not share an output. */
function besideInputs(files: readonly string[], flags: OutputFlags, io: IO, filesRead?: FilesRead): Target[] {
  const name = outName(flags);
  const option = flags.outName === undefined ? [] : ['--out-name', name];
  // By real directory: a/kustz.yml and a link to a/ name one output.
  const owner = new Map<string, string>();
  const targets = configFiles(flags, files, io).map((file) => {
    const input = resolve(io.cwd, file);
    const path = join(dirname(input), name);
    const shown = join(dirname(file), name);
    if (path === input) throw new UsageError(`--out-name ${name} would overwrite the input ${file}`);
    const real = join(realDirectory(dirname(input)), name);
    const other = owner.get(real);
    if (other !== undefined) throw new UsageError(`${other} and ${file} would both write ${shown}; pass one of them`);
    owner.set(real, file);
    return { path, shown, inputs: [file], fix: command(['--write', ...option, ...renderFlagWords(flags), ...inputWords([file])]) };
  });
  // Every usage error above comes before the first render prints anything.
  return targets.map((t) => withText(t, flags, io, filesRead));
}

/** `check -o FILE`: the file `render -o FILE` would write, all inputs concatenated. */
function oneOutput(files: readonly string[], output: string, flags: OutputFlags, io: IO): Target {
  const { path, shown } = outputFile(output, io);
  const inputs = configFiles(flags, files, io);
  return withText({ path, shown, inputs, fix: command([...renderFlagWords(flags), ...inputs.flatMap((f) => ['-c', f]), '-o', output]) }, flags, io);
}

/** The target with the text its inputs render to; as render, objects two inputs both make fail it. */
function withText(target: Target, flags: OutputFlags, io: IO, filesRead?: FilesRead): Target {
  const names = new ObjectRegistry();
  const rendered = target.inputs.map((f) => renderFile(f, flags, io, { filesRead }));
  const issues = rendered.flatMap((r) => [...r.issues, ...(r.result ? names.add(r.file, r.result) : [])]);
  if (report(issues, flags.strict, io)) return target;
  return { ...target, text: serialize(rendered.flatMap((r) => r.result!.objects)) };
}

/** The flags that shape the output, as typed, so that the hint renders what check compared. */
function renderFlagWords(flags: OutputFlags): string[] {
  return [
    ...(flags.hash ? ['--hash'] : []),
    ...(flags.image === undefined ? [] : ['--image', String(flags.image)]),
    ...(flags.replicas === undefined ? [] : ['--replicas', String(flags.replicas)]),
    // A hint goes to a CI log: a credential's value stays out of it.
    ...list(flags.set).flatMap((s) => ['--set', shownSetFlag(s)]),
    ...(flags.loadRestrictor === undefined ? [] : ['--load-restrictor', flags.loadRestrictor]),
  ];
}

/** Input files as arguments; one that starts with "-" would read as an option. */
function inputWords(inputs: readonly string[]): string[] {
  return inputs.some((f) => f.startsWith('-')) ? inputs.flatMap((f) => ['-c', f]) : [...inputs];
}

function outName(flags: OutputFlags): string {
  const name = flags.outName === undefined ? DEFAULT_OUT_NAME : String(flags.outName);
  if (name === '.' || name === '..' || /[\\/]/.test(name)) {
    throw new UsageError(`--out-name takes a file name, written beside each kustz.yml; got "${name}"`);
  }
  return name;
}

/** `kustz render` and its words, to be pasted into a shell. */
function command(words: readonly string[]): string {
  return ['kustz', 'render', ...words.map(shellWord)].join(' ');
}

