/**
 * The shipped hooks (.pre-commit-hooks.yaml) under the real pre-commit tool. pre-commit clones a
 * git repository of this package at a `rev:` and installs it the way it installs every
 * `language: node` hook (npm install, npm pack, npm install -g of the tarball); then the hooks
 * run in a project with two services. The package repository is a commit of the current working
 * tree in a temporary directory, so what is tested is what would be pushed.
 *
 * Skipped, with a notice, when pre-commit or git is missing or npm cannot reach its registry.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasCommand, kustz, ROOT } from './helpers/cli.js';
import { write } from './helpers/project.js';

const API = 'name: api\nservice:\n  image: nginx\n  replicas: 2\n  ports: ["80:8080"]\n';
const WEB = 'name: web\nservice:\n  image: nginx\n  envs:\n    secrets: [web-secrets]\nsecrets:\n  envs: [{name: web-secrets, files: [secret.env]}]\n';
const TOKEN = 's3cr3t-one';
const OUTPUTS = ['api/manifests.yaml', 'web/manifests.yaml'];

const tmp = mkdtempSync(join(tmpdir(), 'kustz-precommit-'));
const project = join(tmp, 'project');
const env: Record<string, string | undefined> = {
  ...process.env,
  KUSTZ_DEBUG: undefined,
  // One cache per test run: the hook environment is installed once, then reused by every run.
  PRE_COMMIT_HOME: join(tmp, 'cache'),
  // npm talks to its registry. Behind a proxy with its own CA it needs the machine's bundle,
  // which Node does not read from SSL_CERT_FILE (and .ci/run drops NODE_EXTRA_CA_CERTS).
  NODE_EXTRA_CA_CERTS: process.env['NODE_EXTRA_CA_CERTS'] ?? process.env['SSL_CERT_FILE'],
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

function run(command: string, args: readonly string[], cwd: string, timeout = 120_000) {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function git(cwd: string, ...args: string[]): string {
  const r = run('git', ['-c', 'user.name=kustz test', '-c', 'user.email=test@kustz.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], cwd);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.output}`);
  return r.output.trim();
}

/** The working tree (tracked and new files, not ignored ones) committed to a new repository. */
function packageRepo(): { repo: string; rev: string } {
  const repo = join(tmp, 'kustz');
  const files = git(ROOT, 'ls-files', '--cached', '--others', '--exclude-standard').split('\n');
  for (const file of files.filter((f) => existsSync(join(ROOT, f)))) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    // A tracked symlink (a test case's link to a directory) is copied as the link it is: Node 22
    // refuses to copy one that points at a directory without these options.
    cpSync(join(ROOT, file), join(repo, file), { recursive: true, verbatimSymlinks: true });
  }
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'kustz under test');
  return { repo, rev: git(repo, 'rev-parse', 'HEAD') };
}

const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|unable to get local issuer/;

/** Builds both repositories and installs the hooks; a reason to skip, or the failed install. */
function setUp(): { skip?: string; failure?: string } {
  if (!hasCommand('pre-commit')) return { skip: 'pre-commit is not installed (apt-get install pre-commit; .ci/run does so as root)' };
  if (!hasCommand('git') || run('git', ['rev-parse'], ROOT).status !== 0) return { skip: 'needs git and a git checkout of kustz' };
  const { repo, rev } = packageRepo();
  write(project, {
    'api/kustz.yml': API,
    'web/kustz.yml': WEB,
    'web/secret.env': `TOKEN=${TOKEN}\n`,
    // As the README tells users: kustz-render on commit, kustz-check only when CI asks.
    '.pre-commit-config.yaml': `repos:\n  - repo: ${repo}\n    rev: ${rev}\n    hooks:\n      - id: kustz-render\n      - id: kustz-check\n        stages: [manual]\n`,
  });
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  const started = Date.now();
  const r = run('pre-commit', ['install-hooks'], project, 300_000);
  console.log(`  precommit.test.ts: pre-commit installed the hook environment in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status === 0) return {};
  const log = existsSync(join(tmp, 'cache', 'pre-commit.log')) ? readFileSync(join(tmp, 'cache', 'pre-commit.log'), 'utf8') : '';
  if (NETWORK.test(r.output + log)) return { skip: `npm could not reach its registry:\n${r.output}` };
  return { failure: `pre-commit install-hooks failed:\n${r.output}\n${log}` };
}

const state = setUp();
if (state.skip) {
  console.log(`\n  SKIPPED precommit.test.ts: ${state.skip}\n`);
  rmSync(tmp, { recursive: true, force: true });
}
const it = state.skip ? test.skip : test;

function preCommit(...args: string[]) {
  if (state.failure) assert.unreachable(state.failure);
  return run('pre-commit', ['run', '--color', 'never', ...args], project);
}

const mtime = (file: string) => statSync(join(project, file)).mtimeMs;
const read = (file: string) => readFileSync(join(project, file), 'utf8');

/** Backdates a file, so that a rewrite, even within the same second, shows in its mtime. */
function age(file: string): number {
  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(join(project, file), past, past);
  return mtime(file);
}

it('first run writes both outputs and fails, naming them', () => {
  const r = preCommit('kustz-render', '--all-files');
  assert.is(r.status, 1, r.output);
  assert.match(r.output, 'kustz: wrote api/manifests.yaml');
  assert.match(r.output, 'kustz: wrote web/manifests.yaml');
  for (const out of OUTPUTS) assert.is(read(out), kustz(['render', out.replace('manifests.yaml', 'kustz.yml')], { cwd: project }).stdout, out);
});

it('second run passes and touches nothing', () => {
  git(project, 'add', '-A');
  const times = OUTPUTS.map(age);
  const r = preCommit('kustz-render', '--all-files');
  assert.is(r.status, 0, r.output);
  assert.match(r.output, /kustz render\.+Passed/);
  assert.equal(OUTPUTS.map(mtime), times);
});

it('editing one kustz.yml regenerates only that service\'s output', () => {
  writeFileSync(join(project, 'api/kustz.yml'), API.replace('replicas: 2', 'replicas: 3'));
  git(project, 'add', '-A');
  const webTime = age('web/manifests.yaml');
  const r = preCommit('kustz-render', '--all-files');
  assert.is(r.status, 1, r.output);
  assert.match(r.output, 'kustz: wrote api/manifests.yaml');
  assert.not.match(r.output, 'kustz: wrote web/manifests.yaml');
  assert.match(r.output, 'files were modified by this hook');
  assert.match(read('api/manifests.yaml'), 'replicas: 3');
  assert.is(mtime('web/manifests.yaml'), webTime);
});

it('kustz-check fails on a stale output with a redacted diff, and writes nothing', () => {
  git(project, 'add', '-A');
  writeFileSync(join(project, 'web/kustz.yml'), WEB.replace('image: nginx', 'image: nginx:1.27'));
  writeFileSync(join(project, 'web/secret.env'), 'TOKEN=s3cr3t-two\n');
  const snapshot = () => OUTPUTS.map((f) => `${f} ${age(f)} ${read(f)}`).join('\n');
  const before = snapshot();
  const r = preCommit('--hook-stage', 'manual', 'kustz-check', '--all-files');
  assert.is(r.status, 1, r.output);
  assert.match(r.output, 'kustz: web/manifests.yaml: out of date with web/kustz.yml');
  assert.match(r.output, '--- a/web/manifests.yaml\n+++ b/web/manifests.yaml\n');
  assert.match(r.output, '-          image: nginx\n+          image: nginx:1.27\n');
  assert.match(r.output, '-  TOKEN: <redacted>\n+  TOKEN: <redacted: changed>\n');
  for (const secret of [TOKEN, 's3cr3t-two']) {
    assert.not.match(r.output, secret);
    assert.not.match(r.output, Buffer.from(secret).toString('base64'));
  }
  assert.not.match(r.output, 'api/manifests.yaml', 'a current output is not mentioned');
  assert.is(OUTPUTS.map((f) => `${f} ${mtime(f)} ${read(f)}`).join('\n'), before);
});

it('kustz-check passes once kustz-render has brought the outputs up to date', () => {
  assert.is(preCommit('kustz-render', '--all-files').status, 1);
  const r = preCommit('--hook-stage', 'manual', 'kustz-check', '--all-files');
  assert.is(r.status, 0, r.output);
  assert.match(r.output, /kustz check\.+Passed/);
});

// The hook environment holds an npm installation's worth of files.
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
