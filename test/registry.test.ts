import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasErrors, type Issue } from '../src/errors.js';
import { expandCredential } from '../src/registry/credentials.js';
import { checkDockerConfig, checkRegistryUsername, dockerConfigJson, type DockerSecretType } from '../src/registry/docker-config.js';
import { imageLookup } from '../src/registry/image.js';
import { credentialKeyMatches, filepathMatch, lintPullSecrets, type PullUse } from '../src/registry/keyring.js';

/**
 * Docker config files as users paste them (tabs, no final newline where it matters). Inline, not
 * under test/fixtures/registry/: uvu's `registry` pattern would load such files as test modules.
 */
const FIXTURES: Record<string, string> = {
  'auth-empty-user.json': `{
\t"auths": {
\t\t"ghcr.io": {
\t\t\t"auth": "OkZ4LXB3LTdReiFyOQ=="
\t\t}
\t}
}
`,
  'auth-no-colon.json': `{
\t"auths": {
\t\t"ghcr.io": {
\t\t\t"auth": "RngtdG9rLTNLcDhXZA=="
\t\t}
\t}
}
`,
  'cred-helpers.json': `{
\t"auths": {
\t\t"123456789012.dkr.ecr.eu-west-1.amazonaws.com": {}
\t},
\t"credHelpers": {
\t\t"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"
\t}
}
`,
  'docker-desktop.json': `{
\t"auths": {
\t\t"https://index.docker.io/v1/": {},
\t\t"ghcr.io": {}
\t},
\t"credsStore": "desktop",
\t"currentContext": "desktop-linux"
}
`,
  'identitytoken.json': `{
\t"auths": {
\t\t"myregistry.azurecr.io": {
\t\t\t"identitytoken": "Fx-tok-3Kp8Wd"
\t\t},
\t\t"ghcr.io": {
\t\t\t"auth": "Zml4dHVyZS1ib3Q6RngtcHctN1F6IXI5",
\t\t\t"identitytoken": "Fx-tok-3Kp8Wd"
\t\t}
\t}
}
`,
  'legacy.dockercfg': `{
\t"https://index.docker.io/v1/": {
\t\t"auth": "bGVnYWN5LWJvdDpGeC1wdy03UXohcjk=",
\t\t"email": "bot@example.com"
\t},
\t"quay.io": {
\t\t"auth": "bGVnYWN5LWJvdDpGeC1wdy03UXohcjk="
\t}
}
`,
  'missing-comma.json': `{
\t"auths": {
\t\t"ghcr.io": {
\t\t\t"auth": "Zml4dHVyZS1ib3Q6RngtcHctN1F6IXI5"
\t\t}
\t\t"quay.io": {
\t\t\t"auth": "Zml4dHVyZS1ib3Q6RngtcHctN1F6IXI5"
\t\t}
\t}
}
`,
  'trailing-prompt.json': `{
\t"auths": {
\t\t"ghcr.io": {
\t\t\t"auth": "Zml4dHVyZS1ib3Q6RngtcHctN1F6IXI5"
\t\t}
\t}
}root@build-01:~# `,
  'valid.json': `{
\t"auths": {
\t\t"ghcr.io": {
\t\t\t"auth": "Zml4dHVyZS1ib3Q6RngtcHctN1F6IXI5"
\t\t},
\t\t"registry.example.com:5000": {
\t\t\t"username": "fixture-bot",
\t\t\t"password": "Fx-pw-7Qz!r9",
\t\t\t"email": "bot@example.com"
\t\t}
\t},
\t"HttpHeaders": {
\t\t"User-Agent": "Docker-Client/24.0.7 (linux)"
\t},
\t"psFormat": "table {{.ID}}\\t{{.Names}}",
\t"detachKeys": "ctrl-e,e"
}
`,
};

const utf8 = (s: string) => new TextEncoder().encode(s);
const fixture = (name: string): Uint8Array => utf8(FIXTURES[name]!);
const JSON_TYPE: DockerSecretType = 'kubernetes.io/dockerconfigjson';
const CFG_TYPE: DockerSecretType = 'kubernetes.io/dockercfg';

/** Every secret value in the fixtures, plain and base64; none may ever show up in an issue. */
const FIXTURE_SECRETS = [
  'Fx-pw-7Qz!r9',
  'Fx-tok-3Kp8Wd',
  'Zml4dHVyZS1ib3Q6RngtcHctN1F6IXI5',
  'RngtdG9rLTNLcDhXZA==',
  'OkZ4LXB3LTdReiFyOQ==',
  'bGVnYWN5LWJvdDpGeC1wdy03UXohcjk=',
];

/** `severity:code@line:col` of each issue, the part tests pin down. */
const summary = (issues: Issue[]) => issues.map((i) => `${i.severity}:${i.code}@${i.line}:${i.col}`);

// --- checkDockerConfig -----------------------------------------------------------------------

const configCases: Array<[name: string, input: Uint8Array, type: DockerSecretType, issues: string[], registries: string[]]> = [
  ['valid config.json with fields the kubelet ignores', fixture('valid.json'), JSON_TYPE, [], ['ghcr.io', 'registry.example.com:5000']],
  ['shell prompt glued to the closing brace', fixture('trailing-prompt.json'), JSON_TYPE, ['error:registry.json-syntax@7:2'], []],
  ["root prompt '#' on the next line", utf8('{"auths":{"ghcr.io":{"auth":"dTpw"}}}\n# '), JSON_TYPE, ['error:registry.json-syntax@2:1'], []],
  ['missing comma between two registries', fixture('missing-comma.json'), JSON_TYPE, ['error:registry.json-syntax@6:3'], []],
  ['trailing comma points at the comma', utf8('{"auths":{"ghcr.io":{"auth":"dTpw"},}}'), JSON_TYPE, ['error:registry.json-syntax@1:36'], []],
  ['single-quoted string', utf8("{'auths': {}}"), JSON_TYPE, ['error:registry.json-syntax@1:2'], []],
  ['raw line break inside a string', utf8('{"auths":{"ghcr.io":{"auth":"dT\npw"}}}'), JSON_TYPE, ['error:registry.json-syntax@1:32'], []],
  ['empty file', utf8(''), JSON_TYPE, ['error:registry.json-syntax@1:1'], []],
  ['byte order mark', utf8('\ufeff{"auths":{"ghcr.io":{"auth":"dTpw"}}}'), JSON_TYPE, ['error:registry.json-syntax@1:1'], []],
  // Go's decoder reads a byte that is no UTF-8 inside a string as U+FFFD: harmless but in keys and credentials.
  ['invalid UTF-8 inside auth', Uint8Array.from([...utf8('{"auths":{"ghcr.io":{"auth":"'), 0xff, ...utf8('"}}}')]), JSON_TYPE, ['error:registry.invalid-utf8@1:30'], ['ghcr.io']],
  ['invalid UTF-8 on line 2 after a multi-byte character', Uint8Array.from([...utf8('{"auths":{"ghcr.io":{"auth":"dTpw"}},\n "é": "'), 0xc3, 0x28, ...utf8('"}')]), JSON_TYPE,
    ['warning:registry.invalid-utf8@2:8'], ['ghcr.io']],
  ['invalid UTF-8 in an email', Uint8Array.from([...utf8('{"auths":{"ghcr.io":{"auth":"dTpw","email":"ops'), 0xe9, ...utf8('@example.com"}}}')]), JSON_TYPE,
    ['warning:registry.invalid-utf8@1:48'], ['ghcr.io']],
  ['invalid UTF-8 in a password the kubelet sends', Uint8Array.from([...utf8('{"auths":{"ghcr.io":{"username":"u","password":"p'), 0xe9, ...utf8('"}}}')]), JSON_TYPE,
    ['error:registry.invalid-utf8@1:50'], ['ghcr.io']],
  ['invalid UTF-8 in a password beside auth, which the kubelet ignores', Uint8Array.from([...utf8('{"auths":{"ghcr.io":{"auth":"dTpw","password":"'), 0xe9, ...utf8('"}}}')]), JSON_TYPE,
    ['warning:registry.auth-mismatch@1:29', 'warning:registry.invalid-utf8@1:48'], ['ghcr.io']],
  ['invalid UTF-8 in a registry key', Uint8Array.from([...utf8('{"auths":{"ghcr'), 0xe9, ...utf8('.io":{"auth":"dTpw"}}}')]), JSON_TYPE,
    ['error:registry.invalid-utf8@1:16'], ['ghcr\ufffd.io']],
  ['invalid UTF-8 outside a string', Uint8Array.from([...utf8('{"auths":{"ghcr.io":{"auth":"dTpw"}}, '), 0xff, ...utf8('}')]), JSON_TYPE, ['error:registry.invalid-utf8@1:39'], []],
  ['a root that is not an object', utf8('["ghcr.io"]'), JSON_TYPE, ['error:registry.not-object@1:1'], []],
  // Go's decoder refuses a number beyond float64 (strconv.ParseFloat: ErrRange); the API server rejects the Secret.
  ['a number beyond float64', utf8('{"auths": {"quay.io": {"auth": "dXNlcjpwYXNz"}}, "x": -1e400}'), JSON_TYPE, ['error:registry.json-syntax@1:55'], []],
  ['a number at float64\'s edge', utf8('{"auths": {"quay.io": {"auth": "dXNlcjpwYXNz"}}, "x": 1.7976931348623157e308, "y": 1e-400}'), JSON_TYPE, [], ['quay.io']],
  ['no auths', utf8('{\n  "HttpHeaders": {"User-Agent": "x"}\n}'), JSON_TYPE, ['error:registry.no-auths@1:1'], []],
  ['auths is null', utf8('{"auths": null}'), JSON_TYPE, ['error:registry.no-auths@1:2'], []],
  ['auths is an array', utf8('{"auths": []}'), JSON_TYPE, ['error:registry.auths-not-object@1:11'], []],
  ['legacy .dockercfg given as dockerconfigjson', fixture('legacy.dockercfg'), JSON_TYPE, ['error:registry.no-auths@1:1'], []],
  ['empty auths', utf8('{"auths": {}}'), JSON_TYPE, ['error:registry.empty-auths@1:11'], []],
  ['empty auths with a credential store', utf8('{"auths": {}, "credsStore": "osxkeychain"}'), JSON_TYPE, ['error:registry.empty-auths@1:11'], []],
  ['Docker Desktop: empty entries, credsStore', fixture('docker-desktop.json'), JSON_TYPE,
    ['error:registry.credential-in-store@3:3', 'error:registry.credential-in-store@4:3'], ['https://index.docker.io/v1/', 'ghcr.io']],
  ['empty entry with a credential helper', fixture('cred-helpers.json'), JSON_TYPE,
    ['error:registry.credential-in-store@3:3'], ['123456789012.dkr.ecr.eu-west-1.amazonaws.com']],
  ['empty entry without a store', utf8('{"auths": {"ghcr.io": {}}}'), JSON_TYPE, ['error:registry.empty-entry@1:12'], ['ghcr.io']],
  ['null entry', utf8('{"auths": {"ghcr.io": null}}'), JSON_TYPE, ['error:registry.empty-entry@1:12'], ['ghcr.io']],
  ['entry with an email only', utf8('{"auths": {"ghcr.io": {"email": "a@b.c"}}}'), JSON_TYPE, ['error:registry.empty-entry@1:12'], ['ghcr.io']],
  ['auth that decodes without a colon', fixture('auth-no-colon.json'), JSON_TYPE, ['error:registry.auth-no-colon@4:12'], ['ghcr.io']],
  ['auth with an empty user', fixture('auth-empty-user.json'), JSON_TYPE, ['error:registry.auth-empty-user@4:12'], ['ghcr.io']],
  ['auth that is not base64', utf8('{"auths": {"ghcr.io": {"auth": "not base64!"}}}'), JSON_TYPE, ['error:registry.auth-not-base64@1:32'], ['ghcr.io']],
  ['auth with wrong padding', utf8('{"auths": {"ghcr.io": {"auth": "dTpw="}}}'), JSON_TYPE, ['error:registry.auth-not-base64@1:32'], ['ghcr.io']],
  ['unpadded auth, as the kubelet accepts it', utf8('{"auths": {"ghcr.io": {"auth": "dTpwYQ"}}}'), JSON_TYPE, [], ['ghcr.io']],
  ['username and password', utf8('{"auths": {"ghcr.io": {"username": "bot", "password": "pw"}}}'), JSON_TYPE, [], ['ghcr.io']],
  ['username without password', utf8('{"auths": {"ghcr.io": {"username": "bot"}}}'), JSON_TYPE, ['error:registry.incomplete-credential@1:12'], ['ghcr.io']],
  ['a number where a string belongs', utf8('{"auths": {"ghcr.io": {"auth": 42}}}'), JSON_TYPE, ['error:registry.field-type@1:32'], ['ghcr.io']],
  ['field names are matched case-insensitively, like Go', utf8('{"Auths": {"ghcr.io": {"Auth": "dTpw"}}}'), JSON_TYPE, [], ['ghcr.io']],
  ['"auths" twice: Go decodes both into one map', utf8('{"auths": {"ghcr.io": {"auth": "dTpw"}}, "Auths": {"quay.io": {"auth": "dTpw"}}}'), JSON_TYPE, [], ['ghcr.io', 'quay.io']],
  ['Go folds the long s of "authſ" to "auths"', utf8('{"auth\u017f": {"ghcr.io": {"auth": "dTpw"}}}'), JSON_TYPE, [], ['ghcr.io']],
  // Go's decoder reads every member of a repeated name in turn: a type error anywhere fails the Secret.
  ['"auth" twice, the first a number', utf8('{"auths":{"ghcr.io":{"auth":5,"auth":"dXNlcjpwYXNz"}}}'), JSON_TYPE, ['error:registry.field-type@1:29'], ['ghcr.io']],
  ['"auths" twice, the first a string', utf8('{"auths":"x","auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}'), JSON_TYPE, ['error:registry.auths-not-object@1:10'], ['ghcr.io']],
  ['"HttpHeaders" twice, the first with a number', utf8('{"auths":{"ghcr.io":{"auth":"dTpw"}},"HttpHeaders":{"a":1},"HttpHeaders":{"a":"x"}}'), JSON_TYPE, ['error:registry.http-headers@1:57'], ['ghcr.io']],
  ['"HttpHeaders" with a number, then null', utf8('{"auths":{"ghcr.io":{"auth":"dTpw"}},"HttpHeaders":{"a":1},"HttpHeaders":null}'), JSON_TYPE, ['error:registry.http-headers@1:57'], ['ghcr.io']],
  ['a null "auths" empties the map, a later one fills it again', utf8('{"auths":{"ghcr.io":{"auth":"dTpw"}},"auths":null,"auths":{"quay.io":{"auth":"dTpw"}}}'), JSON_TYPE,
    ['warning:registry.auths-null@1:38'], ['quay.io']],
  ['a null "auths" last leaves none', utf8('{"auths":{"ghcr.io":{"auth":"dTpw"}},"auths":null}'), JSON_TYPE, ['error:registry.no-auths@1:38'], []],
  ['an entry emptied away by a null "auths" still fails the Secret', utf8('{"auths":{"ghcr.io":{"auth":5}},"auths":null,"auths":{"quay.io":{"auth":"dTpw"}}}'), JSON_TYPE,
    ['warning:registry.auths-null@1:33', 'error:registry.field-type@1:29'], ['quay.io']],
  ['a null field keeps the value before it', utf8('{"auths":{"ghcr.io":{"auth":"dTpw","auth":null}}}'), JSON_TYPE, [], ['ghcr.io']],
  ['an entry replaced by a later one for its key counts only where Go cannot decode it', utf8('{"auths":{"ghcr.io":{},"ghcr.io":{"auth":"dTpw"}}}'), JSON_TYPE,
    ['warning:registry.duplicate-key@1:24'], ['ghcr.io']],
  ['a replaced entry whose auth is no base64 fails the Secret', utf8('{"auths":{"ghcr.io":{"auth":"x"}},"auths":{"ghcr.io":{"auth":"dTpw"}}}'), JSON_TYPE,
    ['error:registry.auth-not-base64@1:29', 'warning:registry.duplicate-key@1:44'], ['ghcr.io']],
  ['auth disagreeing with username/password', utf8('{"auths": {"ghcr.io": {"auth": "dTpw", "username": "other", "password": "p"}}}'), JSON_TYPE,
    ['warning:registry.auth-mismatch@1:32'], ['ghcr.io']],
  ['identity token only: the kubelet drops it', fixture('identitytoken.json'), JSON_TYPE, ['error:registry.token-ignored@3:3'], ['myregistry.azurecr.io', 'ghcr.io']],
  ['identity token next to auth', utf8('{"auths": {"ghcr.io": {"auth": "dTpw", "identitytoken": "t"}}}'), JSON_TYPE, [], ['ghcr.io']],
  // docker login against a registry that hands out a token (ACR) writes "user:" as auth; the kubelet sends an empty password.
  ['auth with an empty password beside an identity token', utf8('{"auths": {"myreg.azurecr.io": {"auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==", "identitytoken": "eyJ"}}}'), JSON_TYPE,
    ['error:registry.auth-empty-password@1:41'], ['myreg.azurecr.io']],
  // The kubelet takes "auth" whole and never looks at the "password" beside it.
  ['auth with an empty password beside a password field', utf8('{"auths":{"ghcr.io":{"auth":"dXNlcjo=","password":"secret"}}}'), JSON_TYPE,
    ['error:registry.auth-empty-password@1:29'], ['ghcr.io']],
  // `echo user:pass | base64` puts a line break into the password the kubelet sends.
  ['auth made with echo', utf8('{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNzCg=="}}}'), JSON_TYPE, ['warning:registry.trailing-line-break@1:29'], ['ghcr.io']],
  ['a password field ending in a line break', utf8('{"auths":{"ghcr.io":{"username":"u","password":"p\\r\\n"}}}'), JSON_TYPE, ['warning:registry.trailing-line-break@1:48'], ['ghcr.io']],
  ['HttpHeaders that is no map of strings fails the whole Secret', utf8('{"auths": {"ghcr.io": {"auth": "dTpw"}}, "HttpHeaders": {"X-Meta": 1}}'), JSON_TYPE, ['error:registry.http-headers@1:68'], ['ghcr.io']],
  ['a user before the host is none of the key (Go puts it in URL.User)', utf8('{"auths": {"https://robot@harbor.example.com": {"auth": "dTpw"}}}'), JSON_TYPE, [], ['https://robot@harbor.example.com']],
  ['registry listed twice', utf8('{"auths": {"ghcr.io": {"auth": "dTpw"}, "ghcr.io": {"auth": "dTpw"}}}'), JSON_TYPE,
    ['warning:registry.duplicate-key@1:41'], ['ghcr.io']],
  ['upper-case registry key', utf8('{"auths": {"GHCR.io": {"auth": "dTpw"}}}'), JSON_TYPE, ['warning:registry.key-case@1:12'], ['GHCR.io']],
  ['userinfo Go refuses', utf8('{"auths": {"https://robot:p^ss@ghcr.io": {"auth": "dTpw"}}}'), JSON_TYPE, ['error:registry.bad-key@1:12'], ['https://robot:p^ss@ghcr.io']],

  ['registry key with a bad port', utf8('{"auths": {"ghcr.io:https": {"auth": "dTpw"}}}'), JSON_TYPE, ['error:registry.bad-key@1:12'], ['ghcr.io:https']],
  ['legacy .dockercfg', fixture('legacy.dockercfg'), CFG_TYPE, [], ['https://index.docker.io/v1/', 'quay.io']],
  ['config.json given as a legacy .dockercfg', fixture('valid.json'), CFG_TYPE, ['error:registry.wrong-type@2:2'], []],
  ['legacy .dockercfg with a string entry', utf8('{"quay.io": "bGVnYWN5LWJvdDpGeC1wdy03UXohcjk="}'), CFG_TYPE, ['error:registry.entry-not-object@1:13'], ['quay.io']],
  // A config.json's own fields pasted into a .dockercfg: a string fails the Secret, an object is a registry of that name.
  ['a config.json field in a .dockercfg', utf8('{"credsStore": "desktop", "quay.io": {"auth": "dXNlcjpwYXNz"}}'), CFG_TYPE, ['error:registry.wrong-type@1:2'], []],
  ['a config.json object field in a .dockercfg', utf8('{"quay.io": {"auth": "dXNlcjpwYXNz"}, "HttpHeaders": {"User-Agent": "x"}}'), CFG_TYPE, ['error:registry.wrong-type@1:39'], []],
  ['empty legacy .dockercfg', utf8('{}'), CFG_TYPE, ['error:registry.empty-auths@1:1'], []],
];

for (const [name, input, type, issues, registries] of configCases) {
  test(`checkDockerConfig: ${name}`, () => {
    const result = checkDockerConfig(input, type);
    assert.equal(summary(result.issues), issues);
    assert.equal(result.registries, registries);
    for (const i of result.issues) {
      assert.ok(i.hint, `${i.code} has a hint`);
      assert.is(i.file, undefined);
      assert.is(i.frame, undefined);
    }
  });
}

// An entry no image of the service pulls with fails no pull: its credential problems are warnings.
const useCases: Array<[name: string, config: string, use: PullUse, issues: string[]]> = [
  ['Docker Desktop entry beside the one the image uses', '{"auths":{"ghcr.io":{"auth":"dTpw"},"https://index.docker.io/v1/":{}},"credsStore":"desktop"}', { image: 'ghcr.io/acme/app:1' },
    ['warning:registry.credential-in-store@1:37']],
  ['Docker Desktop entry the image needs', '{"auths":{"ghcr.io":{"auth":"dTpw"},"https://index.docker.io/v1/":{}},"credsStore":"desktop"}', { image: 'nginx' },
    ['error:registry.credential-in-store@1:37']],
  ['a Secret no imagePullSecrets entry names', '{"auths":{"ghcr.io":{}}}', 'unused', ['warning:registry.empty-entry@1:11']],
  ['an empty password where the image does not pull', '{"auths":{"quay.io":{"auth":"dTo="},"ghcr.io":{"auth":"dTpw"}}}', { image: 'ghcr.io/acme/app:1' },
    ['warning:registry.auth-empty-password@1:29']],
  ['a key the kubelet cannot read, the image served by another', '{"auths":{"ghcr.io:abc":{"auth":"dTpw"},"quay.io":{"auth":"dTpw"}}}', { image: 'quay.io/acme/app:1' },
    ['warning:registry.bad-key@1:11']],
  ['a key the kubelet cannot read, and nothing else serves the image', '{"auths":{"ghcr.io:abc":{"auth":"dTpw"},"quay.io":{"auth":"dTpw"}}}', { image: 'ghcr.io/acme/app:1' },
    ['error:registry.bad-key@1:11']],
  ['what fails the whole Secret stays an error', '{"auths":{"quay.io":{"auth":5},"ghcr.io":{"auth":"dTpw"}}}', 'unused', ['error:registry.field-type@1:29']],
  ['an image that is no valid reference needs every entry', '{"auths":{"quay.io":{}}}', { image: 'Nginx' }, ['error:registry.empty-entry@1:11']],
];
for (const [name, config, use, issues] of useCases) {
  test(`checkDockerConfig for its use: ${name}`, () => {
    const found = checkDockerConfig(utf8(config), JSON_TYPE, use).issues;
    assert.equal(summary(found), issues);
    if (issues[0]!.startsWith('warning:')) assert.match(found[0]!.message, use === 'unused' ? /; no imagePullSecrets entry names this Secret$/ : /; image "[^"]+" (takes no credential from this|gets its credential from another) entry$/);
  });
}

test('checkDockerConfig: hints name the fix', () => {
  const hintOf = (input: Uint8Array, type: typeof JSON_TYPE | typeof CFG_TYPE = JSON_TYPE) => checkDockerConfig(input, type).issues[0]!.hint!;
  assert.match(hintOf(fixture('trailing-prompt.json')), /remove everything after the closing '}'.*shell prompt/);
  assert.match(hintOf(utf8('{"auths": {"quay.io": {"auth": 5}}}')), /base64 of user:password as a string/);
  assert.match(hintOf(utf8('{"credsStore": "desktop"}'), CFG_TYPE), /desktop keychain/);
  assert.match(hintOf(utf8('{"auths":{}}\n{"auths":{}}')), /exactly one JSON object/);
  assert.match(hintOf(fixture('legacy.dockercfg')), /kubernetes\.io\/dockercfg/);
  assert.match(hintOf(utf8('\ufeff{}')), /without a byte order mark/);
  const desktop = checkDockerConfig(fixture('docker-desktop.json'), JSON_TYPE).issues[0]!;
  assert.match(desktop.message, /credential store "desktop" \(credsStore\).*not in this file/);
  assert.match(desktop.hint!, /remove "credsStore".*docker login https:\/\/index\.docker\.io\/v1\/.*secrets\.dockerRegistry.*\$\{ENV\}/);
  assert.match(checkDockerConfig(fixture('cred-helpers.json'), JSON_TYPE).issues[0]!.message, /"ecr-login" \(credHelpers\)/);
  assert.match(checkDockerConfig(fixture('auth-no-colon.json'), JSON_TYPE).issues[0]!.message, /rejects the whole Secret/);
  // The hint for a key with a password in it gives a key to write, with neither password nor <redacted>.
  assert.match(hintOf(utf8('{"auths": {"https://robot:Pa55@Quay.io/v2/": {"auth": "dTpw"}}}')), /without the user and password.*: "https:\/\/quay\.io\/v2\/"$/);
  assert.is(hintOf(utf8('{"auths": {"https://Robot:12/Pa55@quay.io": {"auth": "dTpw"}}}')), 'write the host in lower case');
  assert.match(hintOf(utf8('{"auths": {"https://robot:p^ss@ghcr.io": {"auth": "dTpw"}}}')), /leave out the user and password .*: "https:\/\/ghcr\.io"$/);
});

test('checkDockerConfig: no message or hint holds a fixture secret', () => {
  const issues: Issue[] = [];
  for (const name of Object.keys(FIXTURES)) {
    for (const type of [JSON_TYPE, CFG_TYPE]) issues.push(...checkDockerConfig(fixture(name), type).issues);
  }
  issues.push(...checkDockerConfig(utf8('{"quay.io": "bGVnYWN5LWJvdDpGeC1wdy03UXohcjk="}'), CFG_TYPE).issues);
  issues.push(...checkDockerConfig(utf8('{"auths": {"ghcr.io": {"auth": "Fx-pw-7Qz!r9"}}}'), JSON_TYPE).issues);
  issues.push(...checkDockerConfig(utf8('{"auths": {"ghcr.io": {"password": Fx-pw-7Qz!r9}}}'), JSON_TYPE).issues);
  issues.push(...checkDockerConfig(utf8('{"auths": {"ghcr.io": {"auth": "RngtdG9rLTNLcDhXZA==", "x": 1,}}}'), JSON_TYPE).issues);
  // A password in the registry address itself (https://robot:PASSWORD@host).
  issues.push(...checkDockerConfig(utf8('{"auths": {"https://robot:Fx-pw-7Qz!r9@h": {}, "https://robot:Fx-pw-7Qz!r9@h": {}, "HTTPS://R:Fx-pw-7Qz!r9@H:x": {}, "https://R:Fx-pw-7Qz!r9@Quay.io": {}, "https://R:Fx-pw-7Qz!r9^@h": {}}}'), JSON_TYPE).issues);
  assert.ok(issues.length >= 12, `checked ${issues.length} issues`);
  const text = JSON.stringify(issues);
  for (const secret of FIXTURE_SECRETS) assert.not.ok(text.includes(secret), `an issue shows ${secret}`);
  assert.not.ok(text.includes('Fx-'), 'an issue shows part of a secret');
});

// --- dockerConfigJson against the real kubectl -----------------------------------------------

interface Credential {
  server?: string;
  username: string;
  password: string;
  email?: string;
}

const kubectlCases: Array<[name: string, entry: Credential]> = [
  ['plain, with email', { server: 'registry.example.com', username: 'bot', password: 's3cret', email: 'bot@example.com' }],
  ['no email', { server: 'ghcr.io', username: 'bot', password: 's3cret' }],
  ['default server', { username: 'bot', password: 's3cret' }],
  ['server with scheme, port and path', { server: 'https://registry.example.com:5000/v2/acme', username: 'bot', password: 's3cret' }],
  ['HTML characters in the password', { server: 'ghcr.io', username: 'bot', password: 'a<b>c&d"e\\f/g\'h' }],
  ['HTML characters in server and email', { server: 'registry.example.com/a&b<c>', username: 'bot', password: 'pw', email: '<bot>&co@example.com' }],
  ['non-ASCII username and password', { server: 'ghcr.io', username: 'jürgen', password: 'пароль-密码-🔑' }],
  ['U+2028 and U+2029', { server: 'ghcr.io', username: 'bot', password: 'line\u2028sep\u2029para' }],
  ['control characters and DEL', { server: 'ghcr.io', username: 'bot', password: 'tab\tback\bform\fesc\u001bbell\u0007del\u007f' }],
  ['lone surrogate', { server: 'ghcr.io', username: 'bot', password: 'half\ud800' }],
  ['colon in the password', { server: 'ghcr.io', username: 'bot', password: 'a:b:c' }],
];

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
if (kubectl.error || kubectl.status !== 0) {
  console.log('\nNOTICE: kubectl is not on PATH: skipping the byte-for-byte comparison of dockerConfigJson() with `kubectl create secret docker-registry`\n');
} else {
  for (const [name, entry] of kubectlCases) {
    test(`dockerConfigJson matches kubectl byte for byte: ${name}`, () => {
      const args = ['create', 'secret', 'docker-registry', 'x'];
      if (entry.server !== undefined) args.push(`--docker-server=${entry.server}`);
      args.push(`--docker-username=${entry.username}`, `--docker-password=${entry.password}`);
      if (entry.email !== undefined) args.push(`--docker-email=${entry.email}`);
      args.push('--dry-run=client', '-o', 'json');
      const run = spawnSync('kubectl', args, { encoding: 'utf8' });
      assert.is(run.status, 0, run.stderr);
      const secret = JSON.parse(run.stdout) as { data: Record<string, string> };
      const theirs = Buffer.from(secret.data['.dockerconfigjson']!, 'base64');
      const ours = Buffer.from(dockerConfigJson([entry]), 'utf8');
      assert.is(ours.toString('latin1'), theirs.toString('latin1'));
    });
  }
}

test('dockerConfigJson: key order, escaping and defaults without kubectl', () => {
  assert.is(dockerConfigJson([{ username: 'u', password: 'p<&>', email: 'e' }]),
    '{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p\\u003c\\u0026\\u003e","email":"e","auth":"dTpwPCY+"}}}');
  assert.is(dockerConfigJson([{ server: '', username: 'u', password: 'p', email: '' }]),
    '{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p","auth":"dTpw"}}}');
  assert.is(dockerConfigJson([{ server: 's', username: 'u', password: '\u2028\b\u0001\u007f' }]),
    '{"auths":{"s":{"username":"u","password":"\\u2028\\b\\u0001\u007f","auth":"dTrigKgIAX8="}}}');
});

test('dockerConfigJson: several registries in order, a repeated server replaced in place', () => {
  const json = dockerConfigJson([
    { server: 'quay.io', username: 'a', password: '1' },
    { server: 'ghcr.io', username: 'b', password: '2' },
    { server: 'quay.io', username: 'c', password: '3' },
    { username: 'd', password: '4' },
  ]);
  const auths = (JSON.parse(json) as { auths: Record<string, { username: string; auth: string }> }).auths;
  assert.equal(Object.keys(auths), ['quay.io', 'ghcr.io', 'https://index.docker.io/v1/']);
  assert.is(auths['quay.io']!.username, 'c');
  assert.is(Buffer.from(auths['quay.io']!.auth, 'base64').toString(), 'c:3');
  assert.equal(checkDockerConfig(utf8(json), JSON_TYPE), { issues: [], registries: ['quay.io', 'ghcr.io', 'https://index.docker.io/v1/'] });
});

test('checkRegistryUsername', () => {
  assert.equal(checkRegistryUsername('robot$ci'), []);
  assert.equal(summary(checkRegistryUsername('domain:user')), ['error:registry.username-colon@undefined:undefined']);
  assert.equal(summary(checkRegistryUsername('')), ['error:registry.empty-username@undefined:undefined']);
  assert.not.match(checkRegistryUsername('domain:user')[0]!.message, 'domain:user');
});

// --- imageLookup -----------------------------------------------------------------------------

const DIGEST = `sha256:${'a'.repeat(64)}`;
const lookups: Array<[image: string, host: string, path: string]> = [
  ['nginx', 'docker.io', 'library/nginx'],
  ['nginx:1.27-alpine', 'docker.io', 'library/nginx'],
  [`nginx@${DIGEST}`, 'docker.io', 'library/nginx'],
  ['acme/api', 'docker.io', 'acme/api'],
  ['docker.io/nginx', 'docker.io', 'library/nginx'],
  ['index.docker.io/acme/api:2', 'docker.io', 'acme/api'],
  ['registry-1.docker.io/acme/api', 'registry-1.docker.io', 'acme/api'],
  [`ghcr.io/acme/tools/api:1.0@${DIGEST}`, 'ghcr.io', 'acme/tools/api'],
  ['localhost/app', 'localhost', 'app'],
  ['localhost:5000/app:dev', 'localhost:5000', 'app'],
  ['localhost:5000', 'docker.io', 'library/localhost'],
  ['registry:5000/app', 'registry:5000', 'app'],
  ['10.0.0.5:5000/team/app', '10.0.0.5:5000', 'team/app'],
  ['[::1]:5000/app', '[::1]:5000', 'app'],
  ['MyRegistry/app', 'MyRegistry', 'app'],
  ['Registry.Example.com/app', 'Registry.Example.com', 'app'],
  ['my_org/my__app', 'docker.io', 'my_org/my__app'],
  // distribution/reference v0.6.0 counts the path alone against 255 characters.
  [`ghcr.io/${'a'.repeat(250)}`, 'ghcr.io', 'a'.repeat(250)],
];
for (const [image, host, path] of lookups) {
  test(`imageLookup: ${image}`, () => {
    assert.equal(imageLookup(image), { ok: true, host, path, key: `${host}/${path}` });
  });
}

test('imageLookup: a first component with a "_" is no domain, yet the kubelet matches keys against it', () => {
  // distribution/reference reads the whole name as a path; the kubelet's keyring parses it as a URL.
  assert.equal(imageLookup('my_registry.example.com/team/app:1'),
    { ok: true, host: 'my_registry.example.com', path: 'my_registry.example.com/team/app', key: 'my_registry.example.com/team/app' });
});

const badImages: Array<[image: string, why: RegExp]> = [
  ['', /empty/],
  ['Nginx', /"library\/Nginx" must be lower case/],
  ['ghcr.io/Acme/api', /must be lower case/],
  ['nginx latest', /whitespace/],
  ['nginx:', /not a valid reference/],
  ['-nginx', /not a valid reference/],
  ['ghcr.io/acme//api', /not a valid reference/],
  ['a'.repeat(64), /image ID/],
  ['nginx@sha256:abc', /not a valid reference/],
  [`nginx@sha256:${'A'.repeat(64)}`, /invalid digest/],
  [`nginx@md5:${'a'.repeat(32)}`, /no algorithm "md5"/],
  [`ghcr.io/${'a'.repeat(256)}`, /repository path is longer than 255/],
];
for (const [image, why] of badImages) {
  test(`imageLookup rejects ${JSON.stringify(image.length > 40 ? `${image.slice(0, 40)}…` : image)}`, () => {
    const result = imageLookup(image);
    assert.is(result.ok, false);
    if (!result.ok) assert.match(result.message, why);
  });
}

// --- credentialKeyMatches: the kubelet's keyring rules -----------------------------------------

const matches: Array<[authsKey: string, image: string, expected: boolean, why: string]> = [
  // globs: '*' stays inside one label; the label count must be equal
  ['*.example.com', 'eu.example.com/app', true, 'glob matches one label'],
  ['*.example.com', 'example.com/app', false, 'glob needs a label to match'],
  ['*.example.com', 'a.b.example.com/app', false, 'glob never spans two labels'],
  ['*.example.com', 'eu.example.org/app', false, 'other labels must still match'],
  ['eu.*.com', 'eu.example.com/app', true, 'glob in a middle label'],
  ['*-mirror.example.com', 'eu-mirror.example.com/app', true, 'glob inside a label'],
  ['r?.example.com', 'r1.example.com/app', false, "'?' starts a URL query: the key is just \"r\""],
  ['r[0-9].example.com', 'r7.example.com/app', true, 'character class'],
  ['r[0-9].example.com', 'rx.example.com/app', false, 'character class excludes'],
  ['r[.example.com', 'r[.example.com/app', false, 'malformed glob matches nothing'],
  // ports must be equal, no default-port equivalence
  ['registry.example.com:5000', 'registry.example.com:5000/app', true, 'same port'],
  ['registry.example.com', 'registry.example.com:5000/app', false, 'key without port, image with port'],
  ['registry.example.com:5000', 'registry.example.com/app', false, 'key with port, image without'],
  ['registry.example.com:443', 'registry.example.com/app', false, '443 is not implied'],
  ['registry.example.com:5000', 'registry.example.com:5001/app', false, 'different port'],
  ['*.example.com:5000', 'eu.example.com:5000/app', true, 'glob with port'],
  // paths: a plain string prefix of the repository path
  ['ghcr.io/acme', 'ghcr.io/acme/api', true, 'path prefix'],
  ['ghcr.io/acme', 'ghcr.io/other/api', false, 'other path'],
  ['ghcr.io/acme', 'ghcr.io/acme-labs/api', true, 'the kubelet does not stop at a path segment'],
  ['ghcr.io/acme/', 'ghcr.io/acme-labs/api', false, 'a trailing slash forces the segment boundary'],
  ['ghcr.io/acme/api', 'ghcr.io/acme/api:1.2', true, 'tag is not part of the lookup'],
  ['ghcr.io/acme/api/v2', 'ghcr.io/acme/api', false, 'key path longer than the image path'],
  // scheme and /v1/, /v2/ stripped
  ['https://ghcr.io', 'ghcr.io/acme/api', true, 'https:// stripped'],
  ['http://ghcr.io/v2/', 'ghcr.io/acme/api', true, 'http:// and /v2/ stripped'],
  ['https://ghcr.io/v1/acme', 'ghcr.io/acme/api', true, '/v1 stripped, the rest of the path kept'],
  ['https://ghcr.io/v1/other', 'ghcr.io/acme/api', false, 'path after /v1/ still counts'],
  ['https://ghcr.io/v1', 'ghcr.io/acme/api', false, '/v1 without the trailing slash is a path'],
  ['https://ghcr.io/?x=1', 'ghcr.io/acme/api', true, 'query dropped'],
  ['ftp://ghcr.io', 'ghcr.io/acme/api', false, 'only http and https are schemes'],
  ['ghcr.io:https', 'ghcr.io/acme/api', false, 'unparsable key is ignored'],
  ['ghcr.io/%61cme', 'ghcr.io/acme/api', true, 'Go decodes %-escapes in the path'],
  ['ghcr.io/%FF', 'ghcr.io/acme/api', false, 'a byte that is no ASCII matches no image'],
  ['ghcr.io#%zz', 'ghcr.io/acme/api', false, 'a broken escape, even in the fragment, fails url.Parse'],
  ['ghcr.io?\u007f', 'ghcr.io/acme/api', false, 'a control character fails url.Parse'],
  ['https://robot@ghcr.io', 'ghcr.io/acme/api', true, 'the user before @ is URL.User, not the host'],
  ['https://robot:p~!$&()*+,;=%41@ghcr.io', 'ghcr.io/acme/api', true, 'userinfo of the characters Go allows'],
  ['https://robot:p^ss@ghcr.io', 'ghcr.io/acme/api', false, 'a "^" in the userinfo: net/url: invalid userinfo'],
  ['https://robot:pä@ghcr.io', 'ghcr.io/acme/api', false, 'a non-ASCII userinfo: invalid'],

  // Docker Hub: short names, aliases
  ['https://index.docker.io/v1/', 'nginx', true, 'kubectl default server, official image'],
  ['https://index.docker.io/v1/', 'acme/api:2', true, 'kubectl default server, user image'],
  ['index.docker.io', 'docker.io/library/nginx:1.27', true, 'index.docker.io through the fallback'],
  ['index.docker.io', 'index.docker.io/acme/api', true, 'image host index.docker.io is docker.io'],
  ['http://index.docker.io/v2/', 'nginx', true, 'any form that files as index.docker.io'],
  ['docker.io', 'nginx', true, 'docker.io matches directly'],
  ['https://docker.io/v1/', 'acme/api', true, 'docker.io with scheme and /v1/'],
  ['docker.io/acme', 'acme/api', true, 'Docker Hub path prefix'],
  ['docker.io/acme', 'nginx', false, 'nginx is library/nginx'],
  ['docker.io/library', 'nginx', true, 'official images live under library/'],
  ['index.docker.io/acme', 'acme/api', false, 'the fallback needs the bare index.docker.io key'],
  ['registry-1.docker.io', 'nginx', false, 'registry-1.docker.io is not an alias to the kubelet'],
  ['*.docker.io', 'nginx', false, 'docker.io has two labels'],
  ['https://index.docker.io/v1/', 'ghcr.io/acme/api', false, 'Docker Hub key, other registry'],
  // case: hosts are compared as written
  ['GHCR.io', 'ghcr.io/acme/api', false, 'upper-case key'],
  ['ghcr.io', 'GHCR.io/acme/api', false, 'upper-case image host'],
  ['GHCR.io', 'GHCR.io/acme/api', true, 'same case'],
  ['Docker.io', 'nginx', false, 'Docker Hub alias in another case'],
  ['ghcr.io', 'ghcr.io/Acme/api', false, 'invalid image matches nothing'],
  // IPs with ports
  ['10.0.0.5:5000', '10.0.0.5:5000/team/app', true, 'IPv4 with port'],
  ['10.0.0.5', '10.0.0.5:5000/team/app', false, 'IPv4 without port'],
  ['10.0.0.*:5000', '10.0.0.7:5000/team/app', true, 'glob on an IPv4 octet'],
  ['[::1]:5000', '[::1]:5000/app', true, 'IPv6 with port'],
  ['[::1]:5000', '[::1]:5001/app', false, 'IPv6, other port'],
  ['[::1]', '[::1]/app', false, 'without a port the brackets stay and read as a glob class'],
  // localhost
  ['localhost:5000', 'localhost:5000/app', true, 'localhost with port'],
  ['localhost', 'localhost:5000/app', false, 'localhost without port'],
  ['localhost', 'localhost/app', true, 'bare localhost'],
  ['https://index.docker.io/v1/', 'localhost/app', true, 'kubelet quirk: a dotless first component gets Docker Hub credentials'],
  ['https://index.docker.io/v1/', 'localhost:5000/app', false, 'a port makes it a registry'],
  // a first component with a "_": no domain to distribution/reference, a host to the keyring
  ['https://index.docker.io/v1/', 'my_registry.example.com/team/app:1', false, 'isDefaultRegistryMatch sees the "."'],
  ['my_registry.example.com', 'my_registry.example.com/team/app:1', true, 'url.Parse takes "_" in a host'],
  ['https://index.docker.io/v1/', 'my_registry/app', true, 'no "." or ":": a Docker Hub user'],

];

test(`credentialKeyMatches: ${matches.length} key/image pairs`, () => {
  assert.ok(matches.length >= 30);
  const wrong = matches
    .filter(([key, image, expected]) => credentialKeyMatches(key, image) !== expected)
    .map(([key, image, expected, why]) => `${key} vs ${image}: expected ${expected} (${why})`);
  assert.equal(wrong, []);
});

// --- filepathMatch: Go's path/filepath.Match, which the kubelet applies to each host label -----

/** filepath.Match's answers, from Go 1.19; ErrBadPattern rows are false, as the kubelet takes them. */
const GO_MATCHES: Array<[pattern: string, name: string, matched: boolean]> = [
  ['*', '', true],
  ['*', 'eu', true],
  ['*a', 'bbba', true],
  ['*a', 'bbbab', false],
  ['a*b*c', 'axxbyyc', true],
  ['a*b*c', 'axxbyyb', false],
  ['*-mirror', 'eu-mirror', true],
  ['*-mirror', 'mirror', false],
  ['r?', 'r1', true],
  ['r?', 'r', false],
  ['??', 'é', false],
  ['*?', 'é', true],
  ['[0-9]', '7', true],
  ['[0-9]', 'x', false],
  ['[^0-9]', 'x', true],
  ['[^0-9]', '7', false],
  ['[a-cx-z]', 'y', true],
  ['[a-cx-z]', 'm', false],
  ['[z-a]', 'm', false],
  ['[é-ü]', 'ö', true],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['\\a', 'a', true],
  ['a/b', 'a/b', true],
  ['*', 'a/b', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[^a]', '/', true],
  ['*[a-z]*[0-9]', 'ab9', true],
  ['e[u-w]*', 'eu-west', true],
  ['x*[', 'abc', false],
  ['************a', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', false],
  ['************a', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbba', true],
  // ErrBadPattern
  ['[]a]', 'a', false],
  ['[a-]', 'a', false],
  ['[-a]', 'a', false],
  ['[^]', 'a', false],
  ['[', 'a', false],
  ['a[', 'b', false],
  ['[a', 'a', false],
  ['[a-', 'a', false],
  ['a\\', 'a', false],
  ['*[', 'abc', false],
  ['*\\', 'ab', false],
  ['*b[', 'ab', false],
];

test(`filepathMatch agrees with Go on ${GO_MATCHES.length} patterns`, () => {
  const wrong = GO_MATCHES.filter(([pattern, name, matched]) => filepathMatch(pattern, name) !== matched);
  assert.equal(wrong, []);
});

test('filepathMatch: stars cost no backtracking', () => {
  // A backtracking matcher takes seconds on the first and centuries on the others; these take microseconds.
  const started = performance.now();
  assert.is(credentialKeyMatches('**********a.io', `${'b'.repeat(30)}.io/app`), false);
  assert.is(filepathMatch(`${'*'.repeat(1000)}a`, 'b'.repeat(10_000)), false);
  assert.is(filepathMatch(`${'*b'.repeat(200)}*a`, 'b'.repeat(10_000)), false);
  assert.is(filepathMatch(`*${'b'.repeat(100)}a`, 'b'.repeat(10_000)), false);
  assert.ok(performance.now() - started < 2000, `took ${Math.round(performance.now() - started)} ms`);
});

// --- lintPullSecrets -------------------------------------------------------------------------

test('lintPullSecrets: a matching credential is quiet', () => {
  assert.equal(lintPullSecrets({ image: 'ghcr.io/acme/api:1', imagePullSecrets: ['ghcr'], generated: [{ name: 'ghcr', type: 'kubernetes.io/dockerconfigjson', registries: ['ghcr.io'] }] }), []);
  assert.equal(lintPullSecrets({ image: 'nginx', imagePullSecrets: ['hub'], generated: [{ name: 'hub', type: 'kubernetes.io/dockerconfigjson', registries: ['https://index.docker.io/v1/'] }] }), []);
  assert.equal(lintPullSecrets({
    image: 'quay.io/acme/api', imagePullSecrets: ['ghcr', 'quay'],
    generated: [{ name: 'ghcr', type: 'kubernetes.io/dockerconfigjson', registries: ['ghcr.io'] }, { name: 'quay', type: 'kubernetes.io/dockerconfigjson', registries: ['quay.io'] }],
  }), []);
});

test('lintPullSecrets: no generated key matches the image', () => {
  const issues = lintPullSecrets({ image: 'nginx:1.27', imagePullSecrets: ['regcred'], generated: [{ name: 'regcred', type: 'kubernetes.io/dockerconfigjson', registries: ['ghcr.io', 'registry-1.docker.io'] }] });
  assert.equal(summary(issues), ['warning:registry.no-matching-credential@undefined:undefined']);
  const [found] = issues;
  assert.match(found!.message, '"nginx:1.27"');
  assert.match(found!.message, '"docker.io/library/nginx"');
  assert.match(found!.message, '"ghcr.io", "registry-1.docker.io"');
  assert.match(found!.hint!, 'https://index.docker.io/v1/');
  const port = lintPullSecrets({ image: 'registry.example.com:5000/app', imagePullSecrets: ['r'], generated: [{ name: 'r', type: 'kubernetes.io/dockerconfigjson', registries: ['registry.example.com'] }] });
  assert.match(port[0]!.hint!, '"registry.example.com:5000"');
  const underscore = lintPullSecrets({ image: 'my_registry.example.com/team/app:1', imagePullSecrets: ['r'], generated: [{ name: 'r', type: 'kubernetes.io/dockerconfigjson', registries: ['https://index.docker.io/v1/'] }] });
  assert.equal(summary(underscore), ['warning:registry.no-matching-credential@undefined:undefined']);
  assert.match(underscore[0]!.hint!, 'add an entry for "my_registry.example.com"');
});

test('lintPullSecrets: an external secret beside a generated one may hold the credential (the kubelet merges them)', () => {
  assert.equal(lintPullSecrets({ image: 'ghcr.io/acme/api', imagePullSecrets: ['cluster-cred', 'quay'], generated: [{ name: 'quay', type: 'kubernetes.io/dockerconfigjson', registries: ['quay.io'] }] }), []);
});

test('lintPullSecrets: a generated pull secret of another type is ignored by the kubelet', () => {
  const issues = lintPullSecrets({ image: 'ghcr.io/acme/api', imagePullSecrets: ['ghcr-pull'], generated: [{ name: 'ghcr-pull', type: 'Opaque' }] });
  assert.equal(summary(issues), ['warning:registry.pull-secret-type@undefined:undefined']);
  assert.match(issues[0]!.message, 'the pull secret "ghcr-pull" is a Secret of type Opaque');
});

test('lintPullSecrets: a password in a registry address is not shown', () => {
  const issues = lintPullSecrets({ image: 'ghcr.io/acme/api', imagePullSecrets: ['r'], generated: [{ name: 'r', type: 'kubernetes.io/dockerconfigjson', registries: ['https://robot:S3cretPassw0rd@harbor.example.com'] }] });
  assert.match(issues[0]!.message, '"https://robot:<redacted>@harbor.example.com"');
  assert.not.match(issues[0]!.message, 'S3cret');
  // The kubelet keys on the host after the user: robot@harbor.example.com matches harbor.example.com.
  assert.equal(lintPullSecrets({ image: 'harbor.example.com/p/app', imagePullSecrets: ['r'], generated: [{ name: 'r', type: 'kubernetes.io/dockerconfigjson', registries: ['https://robot@harbor.example.com'] }] }), []);
});

test('lintPullSecrets: secrets kustz does not generate are assumed to exist', () => {
  assert.equal(lintPullSecrets({ image: 'ghcr.io/acme/api', imagePullSecrets: ['cluster-cred'], generated: [] }), []);
});

test('lintPullSecrets: a generated registry Secret nobody names', () => {
  const issues = lintPullSecrets({ image: 'ghcr.io/acme/api', imagePullSecrets: [], generated: [{ name: 'ghcr', type: 'kubernetes.io/dockerconfigjson', registries: ['ghcr.io'] }] });
  assert.equal(summary(issues), ['warning:registry.unused-pull-secret@undefined:undefined']);
  assert.match(issues[0]!.message, '"ghcr"');
  assert.match(issues[0]!.hint!, 'imagePullSecrets');
});

test('lintPullSecrets: an invalid image is left to the image check', () => {
  assert.equal(lintPullSecrets({ image: 'Nginx', imagePullSecrets: ['r'], generated: [{ name: 'r', type: 'kubernetes.io/dockerconfigjson', registries: ['ghcr.io'] }] }), []);
});

// --- expandCredential ------------------------------------------------------------------------

const ENV = { REGISTRY_PASSWORD: 'Fx-pw-7Qz!r9', REGISTRY_USER: 'robot$ci', EMPTY: '' };

test('expandCredential: ${NAME} expands', () => {
  assert.equal(expandCredential('${REGISTRY_PASSWORD}', ENV, 'password'), { value: 'Fx-pw-7Qz!r9', issues: [] });
  assert.equal(expandCredential('${REGISTRY_USER}', ENV, 'username', true), { value: 'robot$ci', issues: [] });
});

test('expandCredential: literal user names are kept', () => {
  assert.equal(expandCredential('robot$ci', ENV, 'username', true), { value: 'robot$ci', issues: [] });
  assert.equal(expandCredential('_json_key', ENV, 'username', true), { value: '_json_key', issues: [] });
});

const credentialErrors: Array<[value: string, allowLiteral: boolean, code: string]> = [
  ['Fx-pw-7Qz!r9', false, 'registry.literal-password'],
  ['pa$$word', false, 'registry.literal-password'],
  ['${MISSING_PASSWORD}', false, 'registry.unset-variable'],
  ['${EMPTY}', false, 'registry.empty-variable'],
  ['$REGISTRY_PASSWORD', false, 'registry.bad-reference'],
  ['${REGISTRY_PASSWORD}x', false, 'registry.bad-reference'],
  ['${registry-password}', false, 'registry.bad-reference'],
  ['${1PASSWORD}', false, 'registry.bad-reference'],
  ['bot-${REGISTRY_USER}', true, 'registry.bad-reference'],
  ['${MISSING_USER}', true, 'registry.unset-variable'],
];
for (const [value, allowLiteral, code] of credentialErrors) {
  test(`expandCredential: ${JSON.stringify(value)} -> ${code}`, () => {
    const field = allowLiteral ? 'username' : 'password';
    const result = expandCredential(value, ENV, field, allowLiteral);
    assert.is(result.value, undefined);
    assert.equal(summary(result.issues), [`error:${code}@undefined:undefined`]);
    const [found] = result.issues;
    assert.is(found!.path, field);
    assert.ok(found!.hint);
    const text = `${found!.message}\n${found!.hint}`;
    if (!value.startsWith('${')) assert.not.ok(text.includes(value), 'the value is never shown');
    assert.not.ok(text.includes('Fx-pw-7Qz!r9'));
  });
}

test('expandCredential: a final line break or bytes Node could not decode are warnings, without the value', () => {
  const env = { ECHOED: 'Fx-pw-7Qz!r9\n', CRLF: 'Fx-pw-7Qz!r9\r\n', LATIN1: 'Fx-pw-7Qz\ufffd' };
  const echoed = expandCredential('${ECHOED}', env, 'password');
  assert.is(echoed.value, 'Fx-pw-7Qz!r9\n', 'kubectl would send it too: the value stays');
  assert.equal(summary(echoed.issues), ['warning:registry.trailing-line-break@undefined:undefined']);
  assert.match(echoed.issues[0]!.hint!, /ECHOED.*printf %s/);
  assert.equal(summary(expandCredential('${CRLF}', env, 'password').issues), ['warning:registry.trailing-line-break@undefined:undefined']);
  assert.equal(summary(expandCredential('robot\n', env, 'username', true).issues), ['warning:registry.trailing-line-break@undefined:undefined']);
  const latin1 = expandCredential('${LATIN1}', env, 'password');
  assert.equal(summary(latin1.issues), ['warning:registry.variable-not-utf8@undefined:undefined']);
  const text = JSON.stringify([...echoed.issues, ...latin1.issues]);
  assert.not.ok(text.includes('Fx-pw'), text);
});

test('expandCredential: the hints say what to write', () => {
  const literal = expandCredential('Fx-pw-7Qz!r9', ENV, 'password').issues[0]!;
  assert.match(literal.message, '<redacted>');
  assert.match(literal.hint!, 'environment variable');
  assert.match(literal.hint!, '`password: ${REGISTRY_PASSWORD}`');
  assert.match(literal.hint!, 'never echo');
  const unset = expandCredential('${MISSING_PASSWORD}', ENV, 'password').issues[0]!;
  assert.match(unset.message, 'MISSING_PASSWORD');
  assert.match(unset.hint!, 'export MISSING_PASSWORD');
  assert.ok(hasErrors([unset]));
});

test.run();
