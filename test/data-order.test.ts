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
  at: ['configmaps', 'files', 0],
  sizeBound: 0,
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

test('sortedKeys: numbered keys (a text, then a number), in order, nearly in order and shuffled, exactly as yamlKeyOrder sorts them', () => {
  // The shortcuts of sortedKeys: numbered keys compared without yamlKeyOrder (runs of 1 to 15
  // digits without a leading zero; leading zeros and 16 digits and more must go the long way),
  // and a few keys around a long run in order placed by binary search (only where no key has
  // what NOT_SPELLABLE looks for: half of the rounds keep clear of it).
  const texts = ['', 'K', 'KEY_', 'a.b-', 'x1y', 'v1.', 'A_B', 'a', 'a_', 'a-', 'Abc', 'def'];
  const number = (rng: Rng, clean: boolean) => {
    const r = rng.int(10);
    if (r === 0) return '';
    if (r === 1 && !clean) return rng.pick(['0', '00', '07', '0010']);
    // 16 to 20 digits: from 19 on, Go's int64 wraps (9300000000000000000 comes before 8000000000000000000).
    if (r === 2 && !clean) return String(rng.int(10 ** 6)).padStart(16 + rng.int(5), rng.pick(['1', '8', '9']));
    return String(rng.int(10 ** (1 + rng.int(r === 3 && !clean ? 15 : 4))));
  };
  for (let round = 0; round < 300; round++) {
    const rng = new Rng(1000 + round);
    const clean = round % 4 < 2;
    const keys = new Set<string>();
    for (let n = 2 + rng.int(round % 2 ? 400 : 100); keys.size < n; ) keys.add(rng.pick(clean ? texts.filter((t) => t !== 'x1y') : texts) + number(rng, clean));
    const sorted = [...keys].sort(yamlKeyOrder);
    const swapped = [...sorted];
    const at = rng.int(swapped.length - 1);
    [swapped[at], swapped[at + 1]] = [swapped[at + 1]!, swapped[at]!];
    const some = () => new Set(Array.from({ length: rng.int(Math.min(80, sorted.length)) }, () => rng.pick(sorted)));
    const shuffle = (list: string[]) => list.sort(() => rng.int(3) - 1);
    const front = some();
    const end = some();
    const last = Math.min(sorted.length - 1, 1 + rng.int(70));
    const inputs = [
      ['in order', sorted],
      ['two neighbours swapped', swapped],
      ['a few moved to the front', [...shuffle([...front]), ...sorted.filter((k) => !front.has(k))]],
      ['the last keys ahead', [...sorted.slice(-last), ...sorted.slice(0, -last)]],
      ['a few at the end', [...sorted.filter((k) => !end.has(k)), ...shuffle([...end])]],
      ['shuffled', shuffle([...keys])],
    ] as const;
    for (const [order, input] of inputs) {
      assert.equal(sortedKeys(new Map(input.map((k) => [k, '']))), [...input].sort(yamlKeyOrder), `${order}, round ${round}`);
    }
  }
  // A generated block under two keys written by hand, as the bench's .env has it.
  const env = ['Abc', 'def', ...Array.from({ length: 1000 }, (_, n) => `KEY_${n}`)];
  assert.equal(sortedKeys(new Map(env.map((k) => [k, '']))), [...env].sort(yamlKeyOrder));
  // The numbered keys' own cases, each pair as yamlKeyOrder has it.
  const pairs = [['K9', 'K10'], ['K10', 'K9'], ['K1', 'K12'], ['K12', 'K1'], ['K19', 'K105'], ['K0', 'K1'], ['K0', 'K00'], ['K00', 'K0'], ['K07', 'K7'], ['9', '10'], ['K999999999999999', 'K1000000000000000'], ['K1000000000000000', 'K999999999999999'], ['K12', 'K11'], ['K11', 'K12'], ['K', 'K5'], ['K5', 'K'], ['K9300000000000000000', 'K8000000000000000000'], ['K8000000000000000000', 'K9300000000000000000']];
  for (const [a, b] of pairs) assert.equal(sortedKeys(new Map([[a, ''], [b, '']])), [a, b].sort(yamlKeyOrder), `${a} ${b}`);
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
