/**
 * The order of data keys (build/data.ts): gopkg.in/yaml's, as kubectl and kustomize print them
 * (test/kubectl-parity.test.ts holds it against kubectl itself), kept through both YAML writers
 * even where JavaScript would enumerate the keys differently.
 */
import { rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { buildConfigMap, buildSecret, orderedRecord, sortedKeys, yamlKeyOrder } from '../src/build/data.js';
import { asKustomizeSecret } from '../src/hash.js';
import { toYaml, toYamlWithLib } from '../src/serialize.js';
import type { GeneratedData } from '../src/types.js';
import { kustz } from './helpers/cli.js';
import { Rng } from './helpers/mutate.js';
import { project } from './helpers/project.js';

const id = { name: 'app', labels: { app: 'app' } };
const generated = (keys: string[], value: (k: string) => string | Uint8Array = () => 'v'): GeneratedData => ({
  kind: 'ConfigMap',
  name: 'app',
  data: new Map(keys.map((k) => [k, value(k)])),
  sources: [],
});

/** The `data:` keys of a printed object, in printed order. */
function printedKeys(text: string, field = 'data'): string[] {
  const block = text.split(`\n${field}:\n`)[1]!.split(/\n(?! )/)[0]!;
  return block.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => JSON.parse(`"${l.trim().split(':')[0]!.replace(/^"|"$/g, '')}"`));
}

test('yamlKeyOrder: non-letters before letters, digit runs as numbers, then the shorter run', () => {
  const keys = ['AB', 'A_B', 'a', 'B', 'x-1', 'x.1', 'x10', 'x9', 'x09', '.x', '-b', '_a', '1', '10', '9', '01', '007', 'v1.10', 'v1.9', 'a1b', 'a1-', 'a1.'];
  // As kubectl v1.32 printed them (create configmap --from-file ... -o yaml).
  const kubectl = ['-b', '.x', '_a', '1', '01', '007', '9', '10', 'A_B', 'AB', 'B', 'a', 'a1-', 'a1.', 'a1b', 'v1.9', 'v1.10', 'x-1', 'x.1', 'x9', 'x09', 'x10'];
  assert.equal([...keys].sort(yamlKeyOrder), kubectl);
  assert.equal([...kubectl].reverse().sort(yamlKeyOrder), kubectl);
  assert.is(yamlKeyOrder('a', 'a'), 0);
  assert.ok(yamlKeyOrder('a', 'ab') < 0, 'a key that starts the other comes first');
});

test("yamlKeyOrder: runs past 15 digits compare as Go's int64 does, wrapping", () => {
  // 9300000000000000000 is past int64's largest value and wraps to a negative one.
  assert.ok(yamlKeyOrder('k9300000000000000000', 'k8000000000000000000') < 0);
  assert.ok(yamlKeyOrder('k1000000000000000000', 'k999999999999999999') > 0);
  assert.ok(yamlKeyOrder('k0000000000000000001', 'k1') > 0, 'same value: the longer run last');
});

test('sortedKeys: many keys, in order or not, come out exactly as yamlKeyOrder sorts them', () => {
  // Keys as .env files hold them: letters, '-', '.', '_' and runs of digits. Three rounds in four
  // keep clear of what sortedKeys leaves to yamlKeyOrder (a letter right after a digit, a run with
  // a leading zero, a run of 8 digits or more); the fourth adds one of those.
  const key = (rng: Rng) => {
    let k = rng.pick(['a', 'A', 'z', 'Z', '_', '-']);
    for (let parts = rng.int(5); parts >= 0; parts--) {
      const kind = rng.int(3);
      if (kind === 0) k += rng.pick(['a', 'b', 'A', 'B']);
      else if (kind === 1) k += rng.pick(['-', '.', '_']);
      else k += `${rng.chance(0.2) ? 0 : rng.int(10 ** (1 + rng.int(7)))}${rng.pick(['-', '.', '_'])}`;
    }
    return k;
  };
  for (let round = 0; round < 200; round++) {
    const rng = new Rng(round);
    const keys = new Set<string>();
    for (let n = 64 + rng.int(300); keys.size < n; ) {
      const k = key(rng);
      keys.add(k);
      // Siblings that gopkg.in/yaml orders unlike their spelling (x1b < x9 < x10 < x1b is a cycle), one kind a round.
      const tails = [['1b', '9', '10'], ['07', '7', '70'], ['12345678', '2', '99999999']][(round >> 2) % 3]!;
      if (round % 4 === 3 && rng.chance(0.05)) for (const tail of tails) keys.add(k + tail);
    }
    // Where the order has cycles, the result depends on the order the keys come in, as kubectl's does.
    const sorted = [...keys].sort(yamlKeyOrder);
    for (const [order, input] of [['shuffled', [...keys].sort(() => rng.int(3) - 1)], ['in order', sorted], ['in reverse', [...sorted].reverse()]] as const) {
      assert.equal(sortedKeys(new Map(input.map((k) => [k, '']))), [...input].sort(yamlKeyOrder), order);
    }
  }
  const shuffledNumbers = new Map(Array.from({ length: 1000 }, (_, n) => [`KEY_${(n * 7919) % 1000}`, '']));
  assert.equal(sortedKeys(shuffledNumbers), Array.from({ length: 1000 }, (_, n) => `KEY_${n}`));
});

test('keys JavaScript would enumerate first ("1", "10") print in data order, with both writers', () => {
  const keys = ['-b', '.x', '1', '9', '10', 'A'];
  const cm = buildConfigMap(id, generated([...keys].reverse()));
  assert.equal(Object.keys(cm['data'] as object), ['1', '9', '10', '-b', '.x', 'A'], 'what JavaScript does by itself');
  assert.equal(printedKeys(toYaml(cm)), keys);
  assert.equal(printedKeys(toYamlWithLib(cm)), keys);
  // A control character makes the fast writer hand the object to yaml: the order must survive that too.
  const withControl = buildConfigMap(id, generated(keys, (k) => (k === 'A' ? 'bell\u0007' : 'v')));
  assert.equal(printedKeys(toYaml(withControl)), keys);
  const secret = buildSecret(id, generated(keys));
  assert.equal(printedKeys(toYaml(asKustomizeSecret(secret))), keys, 'a Secret as kustomize gets it keeps the order');
  assert.equal(printedKeys(toYaml(buildConfigMap(id, generated(keys, () => new Uint8Array([0xff])))), 'binaryData'), keys);
});

test('the KRM function prints data keys in the same order as render', () => {
  const keys = ['-b', '.x', '1', '9', '10', 'A'];
  const dir = project({
    'a.txt': 'a\n',
    'kustz.yml': `name: app\nservice:\n  image: nginx\nconfigmaps:\n  files:\n    - name: app\n      files: [${[...keys].reverse().map((k) => `"${k}=a.txt"`).join(', ')}]\n`,
  });
  try {
    const config = 'functionConfig:\n  apiVersion: kustz/v1\n  kind: Kustz\n  metadata: {name: app}\n  spec: {config: kustz.yml}\n';
    const fn = kustz(['fn'], { cwd: dir, input: `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n${config}` });
    assert.is(fn.status, 0, fn.stderr);
    const items = parseDocument(fn.stdout).get('items', true);
    assert.ok(isSeq(items));
    const configMap = items.items.find((item) => isMap(item) && item.get('kind') === 'ConfigMap');
    const data = isMap(configMap) ? configMap.get('data', true) : undefined;
    assert.ok(isMap(data));
    assert.equal(data.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key)), keys);
    assert.equal(printedKeys(kustz(['render'], { cwd: dir }).stdout), keys);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('orderedRecord keeps a "__proto__" key as data and leaves other records without a key order', () => {
  const record = orderedRecord(['__proto__', 'a'], ['__PROTO__', 'A']);
  assert.equal(Object.keys(record), ['__proto__', 'a']);
  assert.is(Object.getPrototypeOf(record), Object.prototype);
  assert.is(JSON.stringify(record), '{"__proto__":"__PROTO__","a":"A"}');
  assert.equal(Object.getOwnPropertySymbols(record), [], 'no integer-like keys, no key order to carry');
});

test.run();
