/** Registry credentials end to end: the built CLI against kubectl, bad config files, the lint. */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { hasCommand, kustz } from './helpers/cli.js';
import { project } from './helpers/project.js';


function secretsOf(stdout: string): Array<{ metadata: { name: string }; type: string; data: Record<string, string> }> {
  return parseAllDocuments(stdout).map((d) => d.toJS()).filter((o) => o.kind === 'Secret');
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

const CREDENTIALS: Array<{ server?: string; username: string; password: string; email?: string }> = [
  { server: 'registry.example.com', username: 'robot', password: 'p4ss', email: 'ci@example.com' },
  { server: 'registry.example.com', username: 'robot', password: 'p4ss' },
  { username: 'hubuser', password: 'dckr_pat_123' },
  { server: 'https://registry.example.com:5000/v2/team', username: 'robot$ci', password: 'x' },
  { server: 'harbor.example.com', username: 'admin', password: '<script>&"quoted"</script>' },
  { server: 'registry.example.com', username: 'jürgen', password: 'pässwörd-密码', email: 'jürgen@example.com' },
  { server: 'registry.example.com', username: 'u', password: 'line\u2028sep\u2029para' },
];

test('dockerRegistry Secret is byte-identical to kubectl create secret docker-registry', () => {
  if (!hasCommand('kubectl')) {
    console.log('NOTICE: kubectl not found; skipping the kubectl comparison');
    return;
  }
  for (const c of CREDENTIALS) {
    const entry = [
      '    - name: pull',
      ...(c.server ? [`      server: ${JSON.stringify(c.server)}`] : []),
      '      username: ${REG_USER}',
      '      password: ${REG_PASS}',
      ...(c.email ? [`      email: ${JSON.stringify(c.email)}`] : []),
    ].join('\n');
    const dir = project({ 'kustz.yml': `name: app\nservice:\n  image: nginx\nsecrets:\n  dockerRegistry:\n${entry}\n` });
    const r = kustz(['render'], { cwd: dir, env: { REG_USER: c.username, REG_PASS: c.password } });
    assert.is(r.status, 0, r.stderr);
    const ours = secretsOf(r.stdout)[0]!;
    const args = ['create', 'secret', 'docker-registry', 'pull', `--docker-username=${c.username}`, `--docker-password=${c.password}`,
      ...(c.server ? [`--docker-server=${c.server}`] : []), ...(c.email ? [`--docker-email=${c.email}`] : []), '--dry-run=client', '-o', 'json'];
    const k = spawnSync('kubectl', args, { encoding: 'utf8' });
    assert.is(k.status, 0, k.stderr);
    const theirs = JSON.parse(k.stdout) as { type: string; data: Record<string, string> };
    assert.is(ours.type, theirs.type);
    assert.is(decode(ours.data['.dockerconfigjson']!), decode(theirs.data['.dockerconfigjson']!), JSON.stringify(c));
    assert.is(ours.data['.dockerconfigjson'], theirs.data['.dockerconfigjson']);
  }
});

test('entries with one name merge into one Secret with several registries', () => {
  const dir = project({
    'kustz.yml': [
      'name: app', 'service:', '  image: ghcr.io/acme/app:1', '  imagePullSecrets: [pull]', 'secrets:', '  dockerRegistry:',
      '    - {name: pull, server: ghcr.io, username: acme, password: "${GHCR}"}',
      '    - {name: pull, server: registry.example.com, username: robot, password: "${OTHER}"}', '',
    ].join('\n'),
  });
  const r = kustz(['render'], { cwd: dir, env: { GHCR: 'a', OTHER: 'b' } });
  assert.is(r.status, 0, r.stderr);
  const secrets = secretsOf(r.stdout);
  assert.is(secrets.length, 1);
  assert.equal(Object.keys(JSON.parse(decode(secrets[0]!.data['.dockerconfigjson']!)).auths), ['ghcr.io', 'registry.example.com']);
  assert.is(r.stderr, '', 'ghcr.io matches the image: no warning');
});

test('a literal password, an unset variable: errors that never show the value', () => {
  const literal = project({ 'kustz.yml': 'name: app\nservice: {image: nginx}\nsecrets:\n  dockerRegistry:\n    - name: pull\n      username: robot\n      password: hunter2-literal\n' });
  const r = kustz(['render'], { cwd: literal });
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /kustz: kustz.yml:7:17: password holds a literal secret/);
  assert.match(r.stderr, /\$\{/, 'the hint shows the ${VAR} form');
  assert.not.ok(r.stderr.includes('hunter2-literal'), r.stderr);

  const unset = project({ 'kustz.yml': 'name: app\nservice: {image: nginx}\nsecrets:\n  dockerRegistry:\n    - {name: pull, username: robot, password: "${NOT_SET_ANYWHERE}"}\n' });
  const u = kustz(['render'], { cwd: unset });
  assert.is(u.status, 1);
  assert.match(u.stderr, /NOT_SET_ANYWHERE/);

  const typed = project({ 'kustz.yml': 'name: app\nservice: {image: nginx}\nsecrets:\n  dockerRegistry:\n    - {name: pull, username: robot, password: 424242424242}\n' });
  const t = kustz(['render'], { cwd: typed });
  assert.is(t.status, 1);
  assert.not.ok(t.stderr.includes('424242424242'), t.stderr);

  const colon = project({ 'kustz.yml': 'name: app\nservice: {image: nginx}\nsecrets:\n  dockerRegistry:\n    - {name: pull, username: "a:b", password: "${P}"}\n' });
  const c = kustz(['render'], { cwd: colon, env: { P: 'secret-value-xyz' } });
  assert.is(c.status, 1);
  assert.match(c.stderr, /registry.username-colon|contains ':'/);
  assert.not.ok(c.stderr.includes('secret-value-xyz'));
});

const PASSWORD = 'topsecret-Pa55';
const AUTH = Buffer.from(`robot:${PASSWORD}`).toString('base64');

/** Bad docker config files: [file content, expected line:col in it, what the message must say]. */
const BAD_CONFIGS: Array<[string, string, string, RegExp]> = [
  ['trailing shell prompt', `{"auths": {"registry.example.com": {"auth": "${AUTH}"}}}#\n`, `1:${`{"auths": {"registry.example.com": {"auth": "${AUTH}"}}}`.length + 1}`, /after the closing|remove/i],
  ['syntax error', `{"auths": {"registry.example.com": {"auth": "${AUTH}",}}}\n`, '1:', /comma|JSON/i],
  ['no auths', '{"HttpHeaders": {"User-Agent": "x"}}\n', '1:1', /auths/],
  ['empty auths', '{"auths": {}}\n', '1:', /at least one registry|no registr/i],
  ['credsStore with empty entries', '{\n  "auths": {"registry.example.com": {}},\n  "credsStore": "desktop"\n}\n', '2:', /keychain|credential helper|credsStore/],
  ['auth without a colon', `{"auths": {"registry.example.com": {"auth": "${Buffer.from(PASSWORD).toString('base64')}"}}}\n`, '1:', /:/],
  ['auth with an empty user', `{"auths": {"registry.example.com": {"auth": "${Buffer.from(`:${PASSWORD}`).toString('base64')}"}}}\n`, '1:', /empty user/],
];

test('bad docker config files: exit 1, file:line:col in the config file, a fix, no secret', () => {
  for (const [what, content, where, message] of BAD_CONFIGS) {
    const dir = project({
      'kustz.yml': 'name: app\nservice:\n  image: registry.example.com/app:1\n  imagePullSecrets: [pull]\nsecrets:\n  files:\n    - {name: pull, type: kubernetes.io/dockerconfigjson, files: [.dockerconfigjson=config.json]}\n',
      'config.json': content,
    });
    const r = kustz(['render'], { cwd: dir });
    assert.is(r.status, 1, `${what}: ${r.stderr}`);
    assert.is(r.stdout, '', what);
    assert.ok(r.stderr.includes(`kustz: config.json:${where}`), `${what}: expected config.json:${where} in\n${r.stderr}`);
    assert.match(r.stderr, message, what);
    assert.match(r.stderr, /hint: /, `${what}: says what to do`);
    assert.not.ok(r.stderr.includes(PASSWORD) || r.stderr.includes(AUTH), `${what}: a credential leaked:\n${r.stderr}`);
  }
});

test('wrong data key for the type, and the legacy .dockercfg checks', () => {
  const wrongKey = project({
    'kustz.yml': 'name: app\nservice: {image: nginx}\nsecrets:\n  files:\n    - {name: pull, type: kubernetes.io/dockerconfigjson, files: [config.json=config.json]}\n',
    'config.json': `{"auths": {"https://index.docker.io/v1/": {"auth": "${AUTH}"}}}`,
  });
  const r = kustz(['render'], { cwd: wrongKey });
  assert.is(r.status, 1);
  assert.match(r.stderr, /kustz: kustz.yml:5:26: a kubernetes.io\/dockerconfigjson Secret needs the key .dockerconfigjson, "pull" has config.json/);
  assert.match(r.stderr, /hint: read the config under its key: files: \[.dockerconfigjson=config.json\]/);

  const legacy = project({
    'kustz.yml': 'name: app\nservice: {image: nginx}\nsecrets:\n  files:\n    - {name: pull, type: kubernetes.io/dockercfg, files: [.dockercfg=old.json]}\n',
    'old.json': `{"auths": {"https://index.docker.io/v1/": {"auth": "${AUTH}"}}}`,
  });
  const l = kustz(['render'], { cwd: legacy });
  assert.is(l.status, 1, 'a config.json given as .dockercfg is caught');
  assert.match(l.stderr, /old.json:1:/);
  assert.not.ok(l.stderr.includes(AUTH));
});

test('pull-secret lint: warnings, --strict, validate', () => {
  const files = {
    'kustz.yml': 'name: app\nservice:\n  image: quay.io/acme/app:1\n  imagePullSecrets: [pull]\nsecrets:\n  dockerRegistry:\n    - {name: pull, server: ghcr.io, username: acme, password: "${P}"}\n    - {name: unused, server: quay.io, username: acme, password: "${P}"}\n',
  };
  const dir = project(files);
  const r = kustz(['render'], { cwd: dir, env: { P: 'pw-value-1' } });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /kustz: warning: .*quay.io\/acme\/app:1/);
  assert.match(r.stderr, /ghcr.io/);
  assert.match(r.stderr, /kustz: warning: .*"unused"/);
  assert.not.ok(r.stderr.includes('pw-value-1'));
  const strict = kustz(['render', '--strict'], { cwd: dir, env: { P: 'pw-value-1' } });
  assert.is(strict.status, 1);
  assert.is(strict.stdout, '');
  const v = kustz(['validate'], { cwd: dir, env: { P: 'pw-value-1' } });
  assert.is(v.status, 0);
  assert.match(v.stderr, /kustz: warning: /);
  const vs = kustz(['validate', '--strict'], { cwd: dir, env: { P: 'pw-value-1' } });
  assert.is(vs.status, 1);
});

test('a registry key or server full of stars renders at once (a backtracking glob took minutes)', () => {
  const head = `name: app\nservice:\n  image: ${'b'.repeat(30)}.io/app:1\n  imagePullSecrets: [pull]\nsecrets:\n`;
  const keyed = project({
    'kustz.yml': `${head}  files:\n    - {name: pull, type: kubernetes.io/dockerconfigjson, files: [.dockerconfigjson=config.json]}\n`,
    'config.json': `{"auths": {"************a.io": {"auth": "${AUTH}"}}}`,
  });
  const served = project({ 'kustz.yml': `${head}  dockerRegistry:\n    - {name: pull, server: "************a.io", username: robot, password: "\${P}"}\n` });
  for (const [dir, env] of [[keyed, {}], [served, { P: PASSWORD }]] as const) {
    const r = kustz(['render'], { cwd: dir, env, timeout: 10_000 });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: .*no credential in the pull secret "pull" matches image/);
  }
});

test('a credential ending in a line break (echo user:pass | base64) is a warning that never shows it', () => {
  const echoed = Buffer.from(`robot:${PASSWORD}\n`).toString('base64');
  const head = 'name: app\nservice:\n  image: ghcr.io/acme/app:1\n  imagePullSecrets: [pull]\nsecrets:\n';
  const fromFile = project({
    'kustz.yml': `${head}  files:\n    - {name: pull, type: kubernetes.io/dockerconfigjson, files: [.dockerconfigjson=config.json]}\n`,
    'config.json': `{"auths": {"ghcr.io": {"auth": "${echoed}"}}}`,
  });
  const f = kustz(['render'], { cwd: fromFile });
  assert.is(f.status, 0, f.stderr);
  assert.match(f.stderr, /kustz: warning: config.json:1:32: "auth" in the entry for "ghcr.io" decodes to a password that ends with a line break/);
  assert.match(f.stderr, /printf %s user:password \| base64/);
  const fromEnv = project({ 'kustz.yml': `${head}  dockerRegistry:\n    - name: pull\n      server: ghcr.io\n      username: robot\n      password: \${P}\n` });
  const e = kustz(['render'], { cwd: fromEnv, env: { P: `${PASSWORD}\n` } });
  assert.is(e.status, 0, e.stderr);
  assert.match(e.stderr, /kustz: warning: kustz.yml:10:17: password \(\$\{P\}\) ends with a line break/);
  for (const r of [f, e]) assert.not.ok(r.stderr.includes(PASSWORD) || r.stderr.includes(echoed), r.stderr);
});

test('an invalid image reference is an error before the cluster sees it', () => {
  const dir = project({ 'kustz.yml': 'name: app\nservice:\n  image: Registry.example.com/Team/App:1\n' });
  const r = kustz(['render'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /kustz: kustz.yml:3:10: /);
});

test.run();
