/**
 * Fuzz test: mutated copies of every examples/ input (kustz.yml, .env files, YAML env files,
 * docker config JSON, and sometimes the value of a --set/--image/--replicas flag) must each end
 * in exactly one of two ways:
 *   - exit 0, only warnings on stderr, and stdout that kubectl decodes into objects the API
 *     server accepts (test/helpers/apiserver.ts checks them, independently of the core);
 *   - exit 1 (exit 2 for a mutated flag), `kustz: ` lines on stderr, empty stdout, no stack trace.
 * Anything else (a throw, another exit code, an invalid object, a leaked credential or $HOME, a
 * control character on stderr, a case over SLOW_MS, a second run with other bytes) fails the
 * test, and the input is saved under test/fuzz-regressions/<example>-<hash>/, which every later
 * run replays: commit it together with the fix.
 *
 * Cases run in-process through runCli (the code path of bin/kustz.js minus process start-up);
 * every CLI_SAMPLE-th case also runs the built CLI, whose exit code, stdout and stderr must be
 * identical. KUSTZ_FUZZ_CASES sets the number of cases (default DEFAULT_CASES), KUSTZ_FUZZ_SEED
 * the seed; case i is the same input whatever the number of cases.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../src/cli.js';
import { apiServerProblems, parseManifests } from './helpers/apiserver.js';
import { BIN, ROOT } from './helpers/cli.js';
import { caseSeed, inputKind, mutate, Rng, type InputKind } from './helpers/mutate.js';

const DEFAULT_CASES = 4000;
const CASES = Number(process.env['KUSTZ_FUZZ_CASES'] ?? DEFAULT_CASES);
const SEED = Number(process.env['KUSTZ_FUZZ_SEED'] ?? 20240607);
const CLI_SAMPLE = 50;
const REPEAT_SAMPLE = 10;
const SLOW_MS = 3000;
const REGRESSIONS = join(ROOT, 'test/fuzz-regressions');
/** Never expanded outside credential fields: seeing it in any output is a leak. */
const HOME_SENTINEL = '/home/kustz-fuzz-sentinel';
const OUTPUTS = new Set(['expected.yaml', 'warnings.txt', 'error.txt', 'args', 'args.json', 'env', 'exit', 'found.txt']);

interface Input {
  rel: string;
  kind: InputKind;
  bytes: Buffer;
}

interface Example {
  name: string;
  dir: string;
  inputs: Input[];
  args: string[];
  env: Record<string, string>;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  thrown?: unknown;
  ms: number;
}

function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

function readEnv(file: string): Record<string, string> {
  return Object.fromEntries(readLines(file).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** The inputs of a case folder: every regular file but the expectations, symlinks left alone. */
function inputsOf(dir: string, sub = ''): Input[] {
  const out: Input[] = [];
  for (const name of readdirSync(join(dir, sub)).sort()) {
    const rel = sub ? `${sub}/${name}` : name;
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) out.push(...inputsOf(dir, rel));
    else if (st.isFile() && !(sub === '' && OUTPUTS.has(name)) && st.size <= 64 * 1024) {
      out.push({ rel, kind: inputKind(name), bytes: readFileSync(join(dir, rel)) });
    }
  }
  return out;
}

/** The example's own arguments when they render to stdout; otherwise a plain render. */
function renderArgs(dir: string): string[] {
  const args = readLines(join(dir, 'args'));
  const writes = args.some((a) => ['-o', '--output', '--write', '--out-name'].includes(a));
  return args[0] === 'render' && !writes ? args : ['render', '-c', 'kustz.yml'];
}

function examples(): Example[] {
  const base = join(ROOT, 'examples');
  return readdirSync(base)
    .sort()
    .filter((name) => existsSync(join(base, name, 'kustz.yml')))
    .map((name) => {
      const dir = join(base, name);
      return { name, dir, inputs: inputsOf(dir), args: renderArgs(dir), env: readEnv(join(dir, 'env')) };
    });
}

/** The same variables for runCli and the built CLI, so that both can give the same bytes. */
function environment(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: HOME_SENTINEL, ...extra };
}

async function inProcess(args: readonly string[], cwd: string, env: Record<string, string>): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const start = performance.now();
  try {
    const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd });
    return { code, stdout, stderr, ms: performance.now() - start };
  } catch (thrown) {
    return { code: null, stdout, stderr, thrown, ms: performance.now() - start };
  }
}

function cli(args: readonly string[], cwd: string, env: Record<string, string>): Outcome {
  const start = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - start };
}

/**
 * Credentials as they stand in the inputs: values of auth/password/token members of docker
 * configs, the password half of a decoded `auth`, and credential-looking variables of the
 * environment. A value that also appears elsewhere in the inputs (a mutation may have copied it
 * into an env var) is no longer only a credential and is left out.
 */
function credentials(inputs: readonly Input[], env: Record<string, string>): string[] {
  const text = inputs.map((i) => i.bytes.toString('latin1')).join('\n');
  const configs = inputs.filter((i) => i.kind === 'json').map((i) => i.bytes.toString('latin1')).join('\n');
  // Each value with the number of times it stands in the inputs as a credential (0: decoded).
  const found = new Map<string, number>();
  const add = (value: string, written: number) => {
    if (value.length >= 6) found.set(value, (found.get(value) ?? 0) + written);
  };
  for (const m of configs.matchAll(/"(auth|password|identitytoken|registrytoken)"\s*:\s*"([^"\\]{6,})"/gi)) {
    add(m[2]!, 1);
    const decoded = Buffer.from(m[2]!, 'base64').toString('latin1');
    if (m[1]!.toLowerCase() === 'auth' && decoded.includes(':')) add(decoded.slice(decoded.indexOf(':') + 1), 0);
  }
  for (const [name, value] of Object.entries(env)) if (/PASS|TOKEN|SECRET/i.test(name)) add(value, 0);
  return [...found].filter(([value, written]) => text.split(value).length - 1 === written).map(([value]) => value);
}

const STDERR_LINE = /^(kustz: .*|  \| .*|  hint: .*)$/;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Everything wrong with one run; empty when it ended in one of the two allowed ways (or, when a
 * flag value was mutated, in exit 2 for a malformed command line).
 */
function judge(o: Outcome, secrets: readonly string[], flagMutated = false): string[] {
  const problems: string[] = [];
  if (o.thrown !== undefined) {
    const e = o.thrown as Error;
    return [`runCli threw ${e?.name ?? typeof e}: ${e?.message ?? String(e)}\n${e?.stack ?? ''}`];
  }
  if (o.ms > SLOW_MS) problems.push(`took ${Math.round(o.ms)} ms`);
  const lines = o.stderr.split('\n');
  if (lines.pop() !== '') problems.push('stderr does not end with a newline');
  const bad = lines.find((l) => !STDERR_LINE.test(l));
  if (bad !== undefined) problems.push(`stderr line is not a kustz message: ${JSON.stringify(bad)}`);
  if (/internal error|\n\s+at .*:\d+:\d+/.test(o.stderr)) problems.push('stderr holds an internal error or a stack trace');
  if (CONTROL.test(o.stderr)) problems.push(`stderr holds a control character: ${JSON.stringify(o.stderr.match(CONTROL)![0])}`);
  for (const s of secrets) if (o.stderr.includes(s)) problems.push('stderr holds a credential');
  if (o.stderr.includes(HOME_SENTINEL)) problems.push('stderr holds the value of $HOME');

  if (o.code === 0) {
    if (lines.some((l) => l.startsWith('kustz: ') && !l.startsWith('kustz: warning: '))) problems.push('exit 0 with an error on stderr');
    const { objects, problems: decoding } = parseManifests(o.stdout);
    problems.push(...decoding, ...apiServerProblems(objects));
    const visible = JSON.stringify(objects.map((x) => (isSecret(x) ? { ...(x as object), data: undefined } : x)));
    for (const s of secrets) {
      if (visible.includes(s) || visible.includes(Buffer.from(s, 'latin1').toString('base64'))) problems.push('a credential appears outside Secret data');
    }
    if (visible.includes(HOME_SENTINEL)) problems.push('$HOME was expanded into the output');
  } else if (o.code === 1 || (o.code === 2 && flagMutated)) {
    if (o.stdout !== '') problems.push('stdout is not empty on failure');
    if (!o.stderr.startsWith('kustz: ')) problems.push(`exit ${o.code} without a kustz: message`);
  } else {
    problems.push(`exit code ${o.code}`);
  }
  return problems;
}

function isSecret(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'Secret';
}

interface Case {
  ex: Example;
  input: Input;
  bytes: Buffer;
  args: string[];
  /** What was done to the example, for found.txt. */
  notes: string[];
}

const FLAG_MUTATED = 'mutated a flag value';

/** Case n: one input of one example mutated, and sometimes the value of one of its flags. */
function fuzzCase(all: readonly Example[], donors: readonly Buffer[], n: number): Case {
  const rng = new Rng(caseSeed(SEED, n));
  const ex = all[n % all.length]!;
  const configs = ex.inputs.filter((i) => i.rel.endsWith('kustz.yml'));
  const others = ex.inputs.filter((i) => !i.rel.endsWith('kustz.yml'));
  const input = others.length && rng.chance(0.4) ? rng.pick(others) : rng.pick(configs);
  const { bytes, ops } = mutate(input.bytes, rng, input.kind, donors);
  const notes = [`seed ${SEED} case ${n}: mutated ${input.rel} of examples/${ex.name}`, ...ops];
  const args = [...ex.args];
  const values = args.flatMap((_, i) => (['--set', '--image', '--replicas'].includes(args[i - 1] ?? '') ? [i] : []));
  if (values.length && rng.chance(0.2)) {
    const i = rng.pick(values);
    // A NUL cannot be passed in argv; anything else can.
    args[i] = mutate(Buffer.from(args[i]!), rng, 'yaml', donors).bytes.toString('utf8').replace(/\0/g, '');
    notes.push(`${FLAG_MUTATED}: ${args[i - 1]} ${JSON.stringify(args[i])}`);
  }
  return { ex, input, bytes, args, notes };
}

function saveRegression(c: Case, problems: string[]): string {
  const id = createHash('sha256').update(c.ex.name).update(c.input.rel).update(c.bytes).update(c.args.join('\0')).digest('hex').slice(0, 10);
  const dir = join(REGRESSIONS, `${c.ex.name}-${id}`);
  if (existsSync(dir)) return dir;
  for (const i of c.ex.inputs) {
    mkdirSync(join(dir, i.rel, '..'), { recursive: true });
    writeFileSync(join(dir, i.rel), i === c.input ? c.bytes : i.bytes);
  }
  // JSON: a mutated flag value may hold a line break.
  writeFileSync(join(dir, 'args.json'), JSON.stringify(c.args) + '\n');
  if (Object.keys(c.ex.env).length) writeFileSync(join(dir, 'env'), Object.entries(c.ex.env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  writeFileSync(join(dir, 'found.txt'), [...c.notes, '', ...problems].join('\n') + '\n');
  return dir;
}

function report(dir: string, problems: string[]): string {
  return `${relative(ROOT, dir)}: ${problems.join('\n  ')}`;
}

test('the API-server checker rejects what the API server and kubectl reject', () => {
  const text = readFileSync(join(ROOT, 'examples/upstream/expected.yaml'), 'utf8');
  const { objects, problems } = parseManifests(text);
  assert.equal([...problems, ...apiServerProblems(objects)], [], 'a golden output passes');
  const deployment = () => structuredClone(objects.find((o) => (o as { kind: string }).kind === 'Deployment')) as any;
  const container = (d: any) => d.spec.template.spec.containers[0];
  const broken: Array<[string, (d: any) => void, RegExp]> = [
    ['boolean env value', (d) => (container(d).env[0].value = true), /must be a string/],
    ['env var name', (d) => (container(d).env[0].name = '1A'), /must not start with a digit/],
    ['container name with dots', (d) => (container(d).name = 'rbd-rest-api-m2.6.2'), /DNS-1123 label/],
    ['huge pages alone', (d) => (container(d).resources = { limits: { 'hugepages-2Mi': '4Mi' } }), /HugePages require cpu or memory/],
    ['huge pages off the page size', (d) => (container(d).resources = { limits: { memory: '1Gi', 'hugepages-2Mi': '3Mi' } }), /multiple of 2Mi/],
    ['extended request without limit', (d) => (container(d).resources = { requests: { 'nvidia.com/gpu': '1' } }), /cannot be overcommitted/],
    ['request over limit', (d) => (container(d).resources = { requests: { cpu: '2' }, limits: { cpu: '1' } }), /less than or equal/],
    ['header name with _', (d) => (container(d).livenessProbe.httpGet.httpHeaders = [{ name: 'X_Token', value: 'x' }]), /HTTP header name/],
    ['dnsPolicy None alone', (d) => (d.spec.template.spec.dnsPolicy = 'None'), /required when dnsPolicy is None/],
    ['selector mismatch', (d) => (d.spec.template.metadata.labels = { app: 'other' }), /do not match the selector/],
    ['label value', (d) => (d.metadata.labels = { app: 'a b' }), /must be empty or consist of/],
  ];
  for (const [what, breakIt, expected] of broken) {
    const d = deployment();
    breakIt(d);
    assert.match(apiServerProblems([d]).join('\n'), expected, what);
  }
  assert.match(apiServerProblems([...objects, objects[0]]).join('\n'), /emitted twice/, 'duplicate object');
  const ingress = structuredClone(objects.find((o) => (o as { kind: string }).kind === 'Ingress')) as any;
  ingress.spec.rules[0].host = '10.0.0.1';
  assert.match(apiServerProblems([ingress]).join('\n'), /not an IP address/, 'IP host');
  for (const plain of ['on', 'y', 'NO', 'Off', '1_000', '0b101', '<<']) {
    assert.match(parseManifests(`a: ${plain}\n`).problems.join('\n'), /to kubectl \(YAML 1.1\)/, `plain ${plain}`);
  }
  for (const plain of ['hello', '2001-12-14', '1.0.0', '10Mi', 'yes-please', '1:20']) {
    assert.equal(parseManifests(`a: ${plain}\n`).problems, [], `plain ${plain}`);
  }
});

test('every mutated example input ends in success with valid objects or in a clean kustz: error', async () => {
  const all = examples();
  assert.ok(all.length > 0, 'no examples found');
  const donors = all.flatMap((e) => e.inputs.map((i) => i.bytes));
  const work = mkdtempSync(join(tmpdir(), 'kustz-fuzz-'));
  const failures: string[] = [];
  const exits = new Map<string, number>();
  let cliRuns = 0;
  try {
    for (const ex of all) cpSync(ex.dir, join(work, ex.name), { recursive: true });
    for (let n = 0; n < CASES; n++) {
      const c = fuzzCase(all, donors, n);
      const cwd = join(work, c.ex.name);
      const path = join(cwd, c.input.rel);
      writeFileSync(path, c.bytes);
      try {
        const env = environment(c.ex.env);
        const secrets = credentials(c.ex.inputs.map((i) => (i === c.input ? { ...i, bytes: c.bytes } : i)), env);
        const outcome = await inProcess(c.args, cwd, env);
        const problems = judge(outcome, secrets, c.args.join('\0') !== c.ex.args.join('\0'));
        exits.set(String(outcome.code), (exits.get(String(outcome.code)) ?? 0) + 1);
        if (n % REPEAT_SAMPLE === 0) {
          const again = await inProcess(c.args, cwd, env);
          if (again.code !== outcome.code || again.stdout !== outcome.stdout || again.stderr !== outcome.stderr) problems.push('a second run gave other bytes');
        }
        if (n % CLI_SAMPLE === 0) {
          cliRuns++;
          const real = cli(c.args, cwd, env);
          if (real.code !== outcome.code || real.stdout !== outcome.stdout || real.stderr !== outcome.stderr) {
            problems.push(`the built CLI disagrees with runCli: exit ${real.code} vs ${outcome.code}\n${real.stderr}`);
          }
        }
        if (problems.length) failures.push(report(saveRegression(c, problems), problems));
      } finally {
        writeFileSync(path, c.input.bytes);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`fuzz: seed ${SEED}, ${CASES} cases (${[...exits].map(([code, n]) => `exit ${code}: ${n}`).join(', ')}), ${cliRuns} also through the built CLI, ${failures.length} failed`);
  assert.ok(cliRuns > 0 || CASES < CLI_SAMPLE, 'the built CLI never ran');
  assert.equal(failures, [], `${failures.length} of ${CASES} fuzz cases failed; saved under test/fuzz-regressions/ (commit them with the fix):\n${failures.slice(0, 20).join('\n')}`);
});

const regressions = existsSync(REGRESSIONS)
  ? readdirSync(REGRESSIONS).sort().filter((d) => existsSync(join(REGRESSIONS, d, 'args.json')))
  : [];

for (const name of regressions) {
  test(`fuzz regression ${name}`, async () => {
    const dir = join(REGRESSIONS, name);
    const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as string[];
    const env = environment(readEnv(join(dir, 'env')));
    const secrets = credentials(inputsOf(dir), env);
    const flagMutated = readFileSync(join(dir, 'found.txt'), 'utf8').includes(FLAG_MUTATED);
    const inside = await inProcess(args, dir, env);
    assert.equal(judge(inside, secrets, flagMutated), [], `${name} in-process`);
    const real = cli(args, dir, env);
    assert.equal(judge(real, secrets, flagMutated), [], `${name} via the CLI`);
    assert.is(real.stdout, inside.stdout, `${name}: stdout of the CLI and runCli`);
    assert.is(real.stderr, inside.stderr, `${name}: stderr of the CLI and runCli`);
  });
}

test.run();
