/** The API-server rules: what each refuses, and the value its hint offers instead. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rules from '../src/k8s.js';
import { Rng } from './helpers/mutate.js';

const RULES = {
  dns1123Label: rules.dns1123Label,
  dns1035Label: rules.dns1035Label,
  dns1123Subdomain: rules.dns1123Subdomain,
  qualifiedName: rules.qualifiedName,
  labelValue: rules.labelValue,
  envVarName: rules.envVarName,
  configMapKey: rules.configMapKey,
  envFileKey: rules.envFileKey,
  ianaServiceName: rules.ianaServiceName,
  ipAddress: rules.ipAddress,
};

test('a refused value gets the value it was likely meant as', () => {
  for (const [rule, input, fixed] of [
    ['dns1123Label', 'shop_prod', 'shop-prod'],
    ['dns1123Label', 'rbd-rest-api-m2.6.2', 'rbd-rest-api-m2-6-2'],
    ['dns1035Label', '2048-game', 'game'],
    ['dns1123Subdomain', 'Shop-API-Envs', 'shop-api-envs'],
    ['dns1123Subdomain', '-a..b_c.', 'a.b-c'],
    ['qualifiedName', 'nginx.ingress.kubernetes.io/proxy body size', 'nginx.ingress.kubernetes.io/proxy-body-size'],
    ['qualifiedName', 'a/b/c', 'a/b-c'],
    ['labelValue', `${'a'.repeat(62)}-b`, 'a'.repeat(62)],
    ['envVarName', 'MAX CONNECTIONS', 'MAX_CONNECTIONS'],
    ['envVarName', '2FA', '_2FA'],
    ['configMapKey', 'app settings.json', 'app-settings.json'],
    ['configMapKey', '..e', 'e'],
    ['configMapKey', '..', 'data'],
    ['envFileKey', '..e', 'e'],
    ['envFileKey', '1A', '_1A'],
    ['ianaServiceName', 'Web_Port', 'web-port'],
  ] as const) {
    const broken = RULES[rule](input);
    assert.is(broken?.fixed, fixed, `${rule}(${JSON.stringify(input)})`);
    assert.is(broken?.hint, `write ${JSON.stringify(fixed)}`, `${rule}(${JSON.stringify(input)})`);
  }
});

test("IP addresses as Go's ParseIP reads them: a dotted IPv4 tail ends an IPv6 address", () => {
  for (const ok of ['10.0.0.10', '::1', '::ffff:1.2.3.4', '64:ff9b::1.2.3.4', '1:2:3:4:5:6:1.2.3.4', 'fe80::1']) assert.is(rules.ipAddress(ok), undefined, ok);
  for (const bad of ['1.2.3.4::', '1.2.3.4::1', '::1.2.3.4:1', '1:2:3:4:5:6:7:1.2.3.4', '256.0.0.1', '::g']) assert.ok(rules.ipAddress(bad), bad);
});

test('where no value can be made, the hint says what to write', () => {
  assert.equal(rules.envVarName(''), { reason: 'must not be empty', hint: 'name the variable with letters, digits and \'_\', e.g. "LOG_LEVEL"' });
  assert.ok(rules.ipAddress('dns.example.com')?.hint.includes('10.96.0.10'));
  assert.ok(rules.ianaServiceName('80-')?.hint.includes("port's number"));
  assert.ok(rules.portNumber(0)?.hint.includes('1 to 65535'));
});

test('every refusal has a hint, and a value it offers passes the rule', () => {
  const alphabet = ['a', 'Z', '0', '9', '-', '_', '.', '/', ' ', ':', 'é', '*', '..'];
  const rng = new Rng(11);
  for (let i = 0; i < 3000; i++) {
    const value = Array.from({ length: rng.int(rng.chance(0.05) ? 300 : 12) }, () => rng.pick(alphabet)).join('');
    for (const [name, rule] of Object.entries(RULES)) {
      const broken = rule(value);
      if (!broken) continue;
      assert.ok(broken.hint.trim(), `${name}(${JSON.stringify(value)}): no hint`);
      if (broken.fixed !== undefined) assert.is(rule(broken.fixed), undefined, `${name}(${JSON.stringify(value)}) offers ${JSON.stringify(broken.fixed)}`);
    }
  }
});

test.run();
