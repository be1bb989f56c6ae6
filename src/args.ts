/**
 * kustz's command line: commands described as data, parsed and explained by the few rules below.
 * A general parser (cac, before) cost a cold render 2 ms to set up and parse, a tenth of kustz's
 * start-up (`npm run bench`), and let a boolean flag such as --check swallow the word after it.
 *
 * Rules: options may come before or after the command and its arguments; `--name value`,
 * `--name=value`, `-n value` and `-n=value` give a value; a boolean flag never takes the next
 * word; a repeatable option given again collects its values in a list, any other value option
 * given twice is a mistake (`-o a.yaml -o b.yaml` once wrote `a.yaml,b.yaml`); `--` ends the
 * options. Values are strings as typed, never empty. -h/--help and -v/--version answer without
 * running or checking anything else.
 */
import { closest, UsageError } from './errors.js';

export interface OptionSpec {
  /** The long name without dashes, e.g. 'load-restrictor' (the flag is `loadRestrictor`). */
  name: string;
  short?: string;
  /** What the value is called in help, e.g. 'file'; absent for a boolean flag. */
  value?: string;
  /** Given again, the option adds a value (-c, --set); any other option takes one value. */
  repeatable?: boolean;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** '[...files]': any number of arguments; '<action>': exactly one; '': none. */
  args: '' | '[...files]' | '<action>';
  description: string;
  options: readonly OptionSpec[];
  examples: readonly string[];
}

export type Flags = Record<string, string | string[] | boolean>;

export type Parsed =
  | { kind: 'run'; command: CommandSpec; args: string[]; flags: Flags }
  | { kind: 'help'; command?: CommandSpec }
  | { kind: 'version' }
  | { kind: 'none' };

const HELP: OptionSpec = { name: 'help', short: 'h', description: 'Display this message' };
const VERSION: OptionSpec = { name: 'version', short: 'v', description: 'Display version number' };

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const shown = (o: OptionSpec) => `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` <${o.value}>` : ''}`;

export function parseArgs(argv: readonly string[], commands: readonly CommandSpec[]): Parsed {
  // The command is the first word that is neither an option nor an option's value; which options
  // take a value is the same in every command that has them.
  const known = new Map<string, OptionSpec>();
  for (const o of [HELP, VERSION, ...commands.flatMap((c) => c.options)]) {
    known.set(`--${o.name}`, o);
    if (o.short) known.set(`-${o.short}`, o);
  }
  const words: string[] = [];
  const given: Array<{ flag: string; option: OptionSpec; value: string | true }> = [];
  // The first mistake is reported once it is clear that no --help or --version is asked for.
  let mistake: string | { flag: string; empty: boolean } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      words.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const flag = eq < 0 ? word : word.slice(0, eq);
    const option = known.get(flag);
    if (!option) {
      const guess = flag.startsWith('--') ? closest(flag, [...known.keys()].filter((k) => k.startsWith('--'))) : undefined;
      mistake ??= `unknown option "${flag}"; ${guess ? `did you mean ${guess}?` : 'run kustz --help'}`;
    } else if (!option.value) {
      if (eq >= 0) mistake ??= `${flag} takes no value, got "${word.slice(eq + 1)}"`;
      else given.push({ flag, option, value: true });
    } else {
      const value = eq >= 0 ? word.slice(eq + 1) : argv[++i];
      // `-o ''` (an unset variable in a script) would mean the current directory to some commands.
      // The message shows the option as the command has it (-o <file> or -o <dir>), known below.
      if (value === undefined || value === '') mistake ??= { flag, empty: value === '' };
      else given.push({ flag, option, value });
    }
  }

  const [name, ...args] = words;
  const command = commands.find((c) => c.name === name);
  if (given.some((g) => g.option === VERSION)) return { kind: 'version' };
  if (given.some((g) => g.option === HELP)) return command ? { kind: 'help', command } : { kind: 'help' };
  if (typeof mistake === 'object') {
    const option = command?.options.find((o) => known.get(mistake.flag)?.name === o.name) ?? known.get(mistake.flag)!;
    throw new UsageError(`${mistake.flag} needs a value${mistake.empty ? ', got an empty one' : ''}: ${shown(option)}`);
  }
  if (mistake) throw new UsageError(mistake);
  if (name === undefined) return { kind: 'none' };
  if (!command) {
    const guess = closest(name, commands.map((c) => c.name));
    throw new UsageError(`unknown command "${name}"; ${guess ? `did you mean ${guess}?` : 'run kustz --help'}`);
  }

  const flags: Flags = {};
  for (const { flag, option: anyCommands, value } of given) {
    const option = command.options.find((o) => o.name === anyCommands.name);
    if (!option) throw new UsageError(`kustz ${command.name} has no option ${flag}; run kustz ${command.name} --help`);
    const key = camelCase(option.name);
    const before = flags[key];
    if (before !== undefined && typeof value === 'string' && !option.repeatable) {
      throw new UsageError(`${flag} takes one value, got "${String(before)}" and "${value}"; give it once`);
    }
    flags[key] = before === undefined || typeof value === 'boolean' ? value : [...(Array.isArray(before) ? before : [String(before)]), value];
  }
  if (command.args === '' && args.length) throw new UsageError(`kustz ${command.name} takes no arguments, got "${args[0]}"`);
  if (command.args === '<action>' && args.length !== 1) {
    throw new UsageError(`kustz ${command.name} takes one argument, ${command.args}; run kustz ${command.name} --help`);
  }
  return { kind: 'run', command, args, flags };
}

/** Help in the layout cac printed (Usage, Commands or Options, Examples). */
export function helpText(title: string, commands: readonly CommandSpec[], command?: CommandSpec): string {
  const table = (rows: Array<[string, string]>) => {
    const width = Math.max(...rows.map(([left]) => left.length));
    return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
  };
  const sections = [title];
  if (command) {
    sections.push(`Usage:\n  $ kustz ${command.name}${command.args ? ` ${command.args}` : ''}`);
    sections.push(`Options:\n${table([...command.options, HELP].map((o) => [shown(o), o.description]))}`);
    if (command.examples.length) sections.push(`Examples:\n${command.examples.map((e) => `  ${e}`).join('\n')}`);
  } else {
    sections.push('Usage:\n  $ kustz <command> [options]');
    sections.push(`Commands:\n${table(commands.map((c) => [`${c.name}${c.args ? ` ${c.args}` : ''}`, c.description]))}`);
    sections.push(`For more info, run any command with the \`--help\` flag:\n${commands.map((c) => `  $ kustz ${c.name} --help`).join('\n')}`);
    sections.push(`Options:\n${table([HELP, VERSION].map((o) => [shown(o), o.description]))}`);
  }
  return sections.join('\n\n') + '\n';
}
