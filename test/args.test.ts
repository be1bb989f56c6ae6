/** The command-line parser on its own: src/args.ts. The CLI's use of it is in cli.test.ts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { helpText, parseArgs, type CommandSpec } from '../src/args.js';
import { UsageError } from '../src/errors.js';

const OUTPUT = { name: 'output', short: 'o', value: 'file', description: 'output' };
const COMMANDS: CommandSpec[] = [
  {
    name: 'render',
    args: '[...files]',
    description: 'render',
    options: [OUTPUT, { name: 'check', description: 'a flag' }, { name: 'load-restrictor', value: 'mode', description: 'mode' }, { name: 'set', value: 'path=value', repeatable: true, description: 'set' }],
    examples: ['kustz render'],
  },
  {
    name: 'kustomize',
    args: '[...files]',
    description: 'kustomize',
    options: [
      { name: 'output', short: 'o', value: 'dir', description: 'output' },
      { name: 'set', value: 'path=value', description: 'set' },
    ],
    examples: [],
  },
  { name: 'plugin', args: '<action>', description: 'plugin', options: [], examples: [] },
  { name: 'fn', args: '', description: 'fn', options: [], examples: [] },
];

function run(argv: string[]) {
  const parsed = parseArgs(argv, COMMANDS);
  if (parsed.kind !== 'run') throw new Error(`expected a run, got ${parsed.kind}`);
  return { command: parsed.command.name, args: parsed.args, flags: parsed.flags };
}

function usageError(argv: string[]): string {
  try {
    parseArgs(argv, COMMANDS);
  } catch (e) {
    assert.instance(e, UsageError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

test('values: next word or after =, short or long; options before or after the command', () => {
  for (const argv of [
    ['render', '-o', 'out.yaml', 'a.yml'],
    ['render', '--output', 'out.yaml', 'a.yml'],
    ['render', '--output=out.yaml', 'a.yml'],
    ['render', '-o=out.yaml', 'a.yml'],
    ['-o', 'out.yaml', 'render', 'a.yml'],
    ['render', 'a.yml', '-o', 'out.yaml'],
  ]) {
    assert.equal(run(argv), { command: 'render', args: ['a.yml'], flags: { output: 'out.yaml' } }, argv.join(' '));
  }
});

test('a value may look like an option; "=" after the first stays in the value; an empty one is a mistake', () => {
  assert.equal(run(['render', '--set', '-x=1']).flags, { set: '-x=1' });
  assert.equal(run(['render', '--set=a=b=c']).flags, { set: 'a=b=c' });
  // kustz kustomize -o '' wrote into the current directory, kustz plugin install --home= under it.
  assert.is(usageError(['render', '--output=']), '--output needs a value, got an empty one: -o, --output <file>');
  assert.is(usageError(['render', '-o', '']), '-o needs a value, got an empty one: -o, --output <file>');
});

test('a flag never takes the next word (cacjs/cac#169 made --check eat a file name)', () => {
  assert.equal(run(['render', '--check', 'a.yml']), { command: 'render', args: ['a.yml'], flags: { check: true } });
  assert.match(usageError(['render', '--check=yes']), /--check takes no value, got "yes"/);
});

test('kebab-case names become camelCase flags; a repeated option collects a list', () => {
  assert.equal(run(['render', '--load-restrictor', 'none']).flags, { loadRestrictor: 'none' });
  assert.equal(run(['render', '--set', 'a=1', '--set', 'b=2', '--set', 'c=3']).flags, { set: ['a=1', 'b=2', 'c=3'] });
});

test('an option that is not repeatable, given twice, is a mistake (its values were once joined with a comma)', () => {
  assert.is(usageError(['render', '-o', 'x.yaml', '--output=y.yaml']), '--output takes one value, got "x.yaml" and "y.yaml"; give it once');
  assert.is(usageError(['render', '--load-restrictor', 'none', '--load-restrictor', 'none']), '--load-restrictor takes one value, got "none" and "none"; give it once');
  assert.equal(run(['render', '--check', '--check']).flags, { check: true });
});

test("an option is the command's own: its value's name in messages, and whether it repeats", () => {
  assert.is(usageError(['render', '-o']), '-o needs a value: -o, --output <file>');
  assert.is(usageError(['kustomize', '-o']), '-o needs a value: -o, --output <dir>');
  assert.equal(run(['render', '--set', 'a=1', '--set', 'b=2']).flags, { set: ['a=1', 'b=2'] });
  assert.is(usageError(['kustomize', '--set', 'a=1', '--set', 'b=2']), '--set takes one value, got "a=1" and "b=2"; give it once');
});

test('-- ends the options; a lone - is an argument', () => {
  assert.equal(run(['render', '--', '-o', '--check']), { command: 'render', args: ['-o', '--check'], flags: {} });
  assert.equal(run(['render', '-']).args, ['-']);
});

test('help and version answer before anything is checked', () => {
  assert.equal(parseArgs(['--help'], COMMANDS), { kind: 'help' });
  assert.equal(parseArgs(['render', '-h', '--nope', '--output'], COMMANDS).kind, 'help');
  assert.equal(parseArgs(['nope', '--version'], COMMANDS).kind, 'version');
  assert.is((parseArgs(['render', '--help'], COMMANDS) as { command?: CommandSpec }).command?.name, 'render');
  assert.equal(parseArgs(['-v'], COMMANDS), { kind: 'version' });
  assert.equal(parseArgs([], COMMANDS), { kind: 'none' });
});

test('mistakes are usage errors that say what to do', () => {
  assert.match(usageError(['render', '--outptu', 'x']), /unknown option "--outptu"; did you mean --output\?/);
  assert.match(usageError(['render', '--zzzzzzzz']), /unknown option "--zzzzzzzz"; run kustz --help/);
  assert.match(usageError(['rendr']), /unknown command "rendr"; did you mean render\?/);
  assert.match(usageError(['render', '-o']), /-o needs a value: -o, --output <file>/);
  assert.match(usageError(['fn', '--check']), /kustz fn has no option --check/);
  assert.match(usageError(['fn', 'extra']), /kustz fn takes no arguments, got "extra"/);
  assert.match(usageError(['plugin']), /kustz plugin takes one argument, <action>/);
  assert.match(usageError(['plugin', 'a', 'b']), /kustz plugin takes one argument/);
});

test('help lists commands, or one command with its options and examples', () => {
  const all = helpText('kustz/1.0.0', COMMANDS);
  assert.match(all, /^kustz\/1\.0\.0\n\nUsage:\n {2}\$ kustz <command> \[options\]\n\nCommands:\n {2}render \[\.\.\.files\] {5}render\n {2}kustomize \[\.\.\.files\] {2}kustomize\n/);
  assert.match(all, /\n {2}-v, --version {2}Display version number\n$/);
  const one = helpText('kustz/1.0.0', COMMANDS, COMMANDS[0]);
  // Descriptions line up after the widest option, --load-restrictor <mode>.
  assert.match(one, /Usage:\n {2}\$ kustz render \[\.\.\.files\]\n\nOptions:\n {2}-o, --output <file> {7}output\n {2}--check {19}a flag\n {2}--load-restrictor <mode> {2}mode\n/);
  assert.match(one, /\n {2}-h, --help {16}Display this message\n\nExamples:\n {2}kustz render\n$/);
});

test.run();
