// `npm run bench`: how fast the built CLI starts and scales, against the targets of issue 6.
// Commands that are compared run alternately, one process each, and the median of the runs
// counts, so a busy moment of the machine hurts both sides alike. Prints the machine, every
// measurement, and each ratio with its target. Timings are not part of `npm test`.
//
//   node scripts/bench.mjs [--runs N]     N alternating runs per comparison (default 21)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/kustz.js');
const UPSTREAM = join(ROOT, 'examples/upstream');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21;

// A CA bundle in NODE_EXTRA_CA_CERTS costs every Node start ~150 ms on the build machine, which
// users' machines do not pay; KUSTZ_DEBUG would change what kustz does.
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
delete env.KUSTZ_DEBUG;

const work = mkdtempSync(join(tmpdir(), 'kustz-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** Wall milliseconds of one run, output discarded. A failing command means a broken setup: it stops the run. */
function timed(command, args, cwd = work) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ').slice(0, 200)} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs each [label, command, args, cwd] `runs` times, alternating; returns the medians by label. */
function compare(commands, runs = RUNS) {
  for (const [, command, args, cwd] of commands) timed(command, args, cwd); // file cache warm for both
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach(([, command, args, cwd], j) => times[j].push(timed(command, args, cwd)));
  const medians = {};
  commands.forEach(([label], j) => {
    medians[label] = median(times[j]);
    console.log(`  ${label.padEnd(46)} ${ms(medians[label])}   (min ${ms(Math.min(...times[j]))}, ${runs} runs)`);
  });
  return medians;
}

const ms = (v) => `${v.toFixed(1).padStart(7)} ms`;
const results = [];
function target(what, value, limit, unit, text = `${value.toFixed(2)}${unit}`) {
  const ok = value <= limit;
  results.push(`  ${ok ? 'ok  ' : 'MISS'} ${what.padEnd(52)} ${text.padStart(10)}   target <= ${limit}${unit}`);
}

function machine() {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const version = kubectl.status === 0 ? kubectl.stdout.split('\n').filter(Boolean).join(', ') : 'kubectl: not found';
  return `${availableParallelism()} CPUs, ${cpu}, Node ${process.version}, ${version}`;
}

/**
 * Service `i`: the upstream example with its own namespace, name, image, ports, env pairs and
 * data, each in its own directory with the files it names (so that every service is read and
 * hashed anew). Unlike the example itself it is clean: its image matches its pull secret and its
 * ingress routes to a port its Service exposes, so one process can render all of them without
 * warnings or clashes (two services generating the same Secret in one namespace is an error).
 */
function writeService(dir, i, envLines = 0) {
  mkdirSync(join(dir, 'catsecret'), { recursive: true });
  mkdirSync(join(dir, 'secret'), { recursive: true });
  for (const f of ['foo.yml', 'docker-config.json', 'catsecret/tls.crt', 'secret/tls.key']) copyFileSync(join(UPSTREAM, f), join(dir, f));
  let envFile = `Abc=${i}\ndef=abc\n`;
  for (let n = 0; n < envLines; n++) envFile += `KEY_${n}=value-${n}-${i}\n`;
  writeFileSync(join(dir, 'configmap.env'), envFile);
  const source = readFileSync(join(UPSTREAM, 'kustz.yml'), 'utf8')
    .replace('namespace: demo-demo', `namespace: team-${i}`)
    .replaceAll('srv-webapp-demo', `srv-${i}`)
    .replace('docker.io/library/nginx:alpine', `registry.cn-hangzhou.aliyuncs.com/team/app-${i}:1.${i}.0`)
    .replace('replicas: 2', `replicas: ${1 + (i % 5)}`)
    .replace('"80:8080"', `"${80 + (i % 100)}:8080"`)
    .replace(`svc=srv-${i}:8080`, `svc=srv-${i}:${80 + (i % 100)}`)
    .replace('key1: value1', `key1: value${i}\n      LOG_LEVEL: ${['debug', 'info', 'warn'][i % 3]}`)
    .replace('http://api.example.com/ping', `http://api-${i}.example.com/ping`);
  writeFileSync(join(dir, 'kustz.yml'), source);
}

function services(count) {
  const base = join(work, `services-${count}`);
  const files = [];
  for (let i = 0; i < count; i++) {
    writeService(join(base, `s${i}`), i);
    files.push(`s${i}/kustz.yml`);
  }
  return { base, files };
}

/** One process over `files`: wall time, and peak RSS as the process itself reports it at exit. */
function oneProcess(base, files, runs) {
  const rssFile = join(work, 'rss');
  const preload = join(work, 'rss.cjs');
  writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  const walls = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    walls.push(timed(process.execPath, ['--require', preload, BIN, 'render', ...files], base));
    rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
  }
  return { wall: median(walls), rss: Math.max(...rss) };
}

// Other work on the machine shows in every number: the load average says how much there was.
const load = () => loadavg()[0].toFixed(2);
console.log(`kustz benchmark on ${machine()}; load average ${load()}\n`);

console.log('Start-up: one cold `kustz render` of examples/upstream against an empty Node process');
const start = compare([
  ['node -e 0', process.execPath, ['-e', '0']],
  // Loading kustz, parsing a command line and printing one line (cac prints it with console.log,
  // which sets up a stdout stream; render writes with fs.writeSync): start-up without the work.
  ['kustz --version', process.execPath, [BIN, '--version'], UPSTREAM],
  ['kustz render (upstream example)', process.execPath, [BIN, 'render', '-c', 'kustz.yml'], UPSTREAM],
]);
console.log(`  start-up without the work (kustz --version / node -e 0): ${(start['kustz --version'] / start['node -e 0']).toFixed(2)}x`);
target('cold render / node -e 0', start['kustz render (upstream example)'] / start['node -e 0'], 1.25, 'x');

// Wall times on a shared machine move by 10% from run to run; instructions do not. callgrind
// counts them (when valgrind is installed), leaving out V8's search for a random hash-seed prime,
// whose length varies by millions of instructions from one process to the next.
function instructions(args, cwd) {
  const out = join(work, 'callgrind.out');
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...args], { cwd, env, stdio: 'ignore' });
  if (r.status !== 0) return undefined;
  const report = spawnSync('callgrind_annotate', [out], { encoding: 'utf8' }).stdout ?? '';
  const count = (pattern) => Number(pattern.exec(report)?.[1]?.replaceAll(',', '') ?? 0);
  return count(/^\s*([\d,]+) \S* *PROGRAM TOTALS/m) - count(/^\s*([\d,]+) .*detail::sprp/m);
}
const base = instructions(['-e', '0'], work);
if (base) {
  const version = instructions([BIN, '--version'], UPSTREAM);
  const render = instructions([BIN, 'render', '-c', 'kustz.yml'], UPSTREAM);
  const m = (n) => `${(n / 1e6).toFixed(1).padStart(6)} M`;
  console.log(`  instructions (callgrind): node -e 0 ${m(base)}, kustz --version ${m(version)} (${(version / base).toFixed(2)}x), kustz render ${m(render)} (${(render / base).toFixed(2)}x)`);
} else {
  console.log('  instructions: skipped (valgrind is not installed)');
}

console.log('\nAgainst kustomize: `kubectl kustomize` on the directory `kustz kustomize` writes for it');
if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0) {
  const dir = join(work, 'kustomization');
  timed(process.execPath, [BIN, 'kustomize', '-c', join(UPSTREAM, 'kustz.yml'), '-o', dir]);
  const k = compare([
    ['kubectl kustomize DIR', 'kubectl', ['kustomize', dir]],
    ['kustz render (upstream example)', process.execPath, [BIN, 'render', '-c', 'kustz.yml'], UPSTREAM],
  ]);
  target('cold render / kubectl kustomize', k['kustz render (upstream example)'] / k['kubectl kustomize DIR'], 0.6, 'x');
} else {
  console.log('  skipped: kubectl is not installed');
}

console.log('\nScaling: services (variations of the upstream example) rendered by one process');
const runsBig = Math.max(3, Math.round(RUNS / 4));
let perService;
const walls = {};
for (const count of [10, 100, 1000, 2000]) {
  const { base, files } = services(count);
  const r = oneProcess(base, files, count >= 1000 ? runsBig : Math.max(5, runsBig));
  walls[count] = r.wall;
  console.log(`  ${`${count} services`.padEnd(46)} ${ms(r.wall)}   peak RSS ${r.rss.toFixed(0).padStart(4)} MiB   ${(r.wall / count).toFixed(2)} ms/service`);
  if (count === 1000) {
    target('1,000 services: wall time', r.wall / 1000, 1.0, ' s', `${(r.wall / 1000).toFixed(2)} s`);
    target('1,000 services: peak RSS', r.rss, 150, ' MiB', `${r.rss.toFixed(0)} MiB`);
    perService = r.wall / count;
  }
}
// The second thousand comes after start-up and after V8 has compiled the hot code: what a
// service costs once everything is warm, and so the least 1,000 services can take.
const warm = (walls[2000] - walls[1000]) / 1000;
console.log(`  warm cost (the second thousand): ${warm.toFixed(2)} ms/service: 1,000 services at that rate take ${warm.toFixed(2)} s`);

console.log('\nA large .env file (configmaps.envs of the upstream example), one cold render each');
const envCases = [0, 100, 1000, 10000].map((lines) => {
  const dir = join(work, `env-${lines}`);
  writeService(dir, 0, lines);
  return [`.env of ${lines + 2} lines`, process.execPath, [BIN, 'render', '-c', 'kustz.yml'], dir];
});
// The floor under the target: a bare Node program that does the least any tool must do with the
// file (read it, cut the lines into keys and values, hash them with node:crypto, write one YAML
// line per key), with none of kustz's checks, ordering or escaping.
const bare = join(work, 'bare-env.cjs');
writeFileSync(
  bare,
  `const fs = require('node:fs');
const keys = [];
const values = [];
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\\n')) {
  const eq = line.indexOf('=');
  if (eq > 0) keys.push(line.slice(0, eq)), values.push(line.slice(eq + 1));
}
const hash = require('node:crypto').createHash('sha256').update(JSON.stringify([keys, values])).digest('hex');
fs.writeSync(1, 'data:\\n' + keys.map((k, i) => '  ' + k + ': ' + values[i] + '\\n').join('') + hash + '\\n');
`,
);
const bareCases = [0, 10000].map((lines) => [`bare program, .env of ${lines + 2} lines`, process.execPath, [bare, join(work, `env-${lines}`, 'configmap.env')]]);
const envs = compare([...envCases, ...bareCases]);
const added = envs['.env of 10002 lines'] - envs['.env of 2 lines'];
const adds = (lines) => (envs[`.env of ${lines + 2} lines`] - envs['.env of 2 lines']).toFixed(1);
const bareAdded = envs['bare program, .env of 10002 lines'] - envs['bare program, .env of 2 lines'];
console.log(`  10,000 lines add ${added.toFixed(1)} ms (100 lines: ${adds(100)} ms, 1,000 lines: ${adds(1000)} ms)`);
console.log(`  the bare program: 10,000 lines add ${bareAdded.toFixed(1)} ms, the floor under the target on this machine`);
target('10,000-line .env: added time', added, 50, ' ms', `${added.toFixed(1)} ms`);

console.log(`\nTargets (per service in one process: ${perService.toFixed(2)} ms; load average now ${load()})`);
console.log(results.join('\n'));
