/**
 * src/yaml/read.ts and write.ts stand in for the `yaml` package on the usual files; they must
 * give exactly its answers. Every YAML file under examples/ and test/, seeded mutations of them
 * and generated documents go through both readers: where read.ts accepts a text, the value,
 * every node's offset and every scalar's text must equal yaml's. Generated values go through
 * both writers: where write.ts writes, the bytes must equal yaml's.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isMap, isScalar, parseAllDocuments, type Node, type Pair } from 'yaml';
import { parseConfig, type Path } from '../src/parse.js';
import { toYaml, toYamlWithLib } from '../src/serialize.js';
import { readYaml, type YamlNode } from '../src/yaml/read.js';
import { ROOT } from './helpers/cli.js';
import { mutate, Rng } from './helpers/mutate.js';

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}
const FILES = [...yamlFiles(join(ROOT, 'examples')), ...yamlFiles(join(ROOT, 'test'))];

/** Deep equality of plain data; unlike dequal, indifferent to a key named "constructor". */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Compares read.ts with yaml on `text`; returns whether read.ts took it. */
function sameAsYaml(text: string): boolean {
  const fast = readYaml(text);
  if (!fast) return false;
  const where = `\n--- text:\n${text}\n---`;
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  assert.ok(Array.isArray(docs) && docs.length === 1, `one document${where}`);
  const doc = docs[0]!;
  assert.equal([...doc.errors, ...doc.warnings].map((e) => e.message), [], `yaml finds no problem${where}`);
  const theirs = doc.toJS({ maxAliasCount: 100 });
  assert.ok(sameValue(fast.value, theirs), `value${where}\n${JSON.stringify(fast.value)}\n${JSON.stringify(theirs)}`);
  const walk = (node: YamlNode, path: Array<string | number>) => {
    const theirs = doc.getIn(path, true) as Node | undefined;
    const at = `at ${JSON.stringify(path)}${where}`;
    if (node.start !== undefined) assert.is(node.start, theirs?.range?.[0], `offset ${at}`);
    if (node.entries) {
      assert.ok(isMap(theirs), `a map ${at}`);
      for (const { key, ...entry } of node.entries) {
        const pair = (theirs.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === key);
        assert.is(entry.keyStart, (pair?.key as Node | undefined)?.range?.[0], `key offset of ${key} ${at}`);
        walk(entry.node, [...path, key]);
      }
    } else if (node.items) node.items.forEach((item, i) => walk(item, [...path, i]));
    else {
      assert.ok(isScalar(theirs), `a scalar ${at}`);
      const text = theirs.value === null ? '' : typeof theirs.value === 'string' ? theirs.value : theirs.source;
      const mine = node.value === null ? '' : typeof node.value === 'string' ? node.value : node.source;
      assert.is(mine, text, `scalar text ${at}`);
      assert.ok(sameValue(node.value, theirs.value), `scalar ${at}`);
    }
  };
  walk(fast, []);
  samePositions(text, fast);
  return true;
}

/**
 * parseConfig's answers from read.ts's tree against its answers through yaml: a comment with a
 * tab at the end sends the same document to yaml, without moving anything in it.
 */
function samePositions(text: string, fast: YamlNode): void {
  const quick = parseConfig(text, 'kustz.yml').config;
  const slow = parseConfig(`${text}\n#\t\n`, 'kustz.yml').config;
  if (!slow || !quick) {
    assert.is(quick, slow, `both paths fail alike:\n${text}`);
    return;
  }
  const paths: Path[] = [];
  const collect = (node: YamlNode, path: Array<string | number>) => {
    paths.push(path, [...path, 'missing'], [...path, 0]);
    node.entries?.forEach((e) => collect(e.node, [...path, e.key]));
    node.items?.forEach((item, i) => collect(item, [...path, i]));
  };
  collect(fast, []);
  paths.push(['secrets', 'dockerRegistry', 0, 'password']);
  for (const path of paths) {
    const at = `at ${JSON.stringify(path)}\n--- text:\n${text}\n---`;
    assert.equal(quick.locate(path), slow.locate(path), `locate ${at}`);
    assert.equal(quick.locate(path, { key: true }), slow.locate(path, { key: true }), `locate key ${at}`);
    assert.is(quick.scalarText(path), slow.scalarText(path), `scalarText ${at}`);
  }
}

test('read.ts takes the example files and gives what yaml gives', () => {
  for (const file of FILES) sameAsYaml(readFileSync(file, 'utf8'));
  for (const example of ['upstream', 'minimal', 'multi-service', 'envfiles', 'binary-files']) {
    assert.ok(readYaml(readFileSync(join(ROOT, 'examples', example, 'kustz.yml'), 'utf8')), `${example}/kustz.yml is read without yaml`);
  }
  assert.ok(readYaml(readFileSync(join(ROOT, 'examples/upstream/foo.yml'), 'utf8')), 'a literal block scalar is read without yaml');
});

test('read.ts gives what yaml gives on mutated files, or leaves them to yaml', () => {
  const donors = FILES.map((f) => readFileSync(f));
  let taken = 0;
  for (let i = 0; i < 3000; i++) {
    const rng = new Rng(i + 1);
    const { bytes } = mutate(donors[i % donors.length]!, rng, 'yaml', donors);
    if (sameAsYaml(bytes.toString('utf8'))) taken++;
  }
  assert.ok(taken > 300, `read.ts took ${taken} of 3000 mutated files`);
});

const SCALARS = [
  'a', 'a b', 'a  b ', '1', '-1', '+1', '007', '1.10', '1.', '.5', '1e3', '1E+3', '0o17', '0o8', '0x1F', '0xg', '.inf', '-.Inf', '.NaN', '.nan.',
  'true', 'True', 'TRUE', 'tRue', 'yes', 'on', 'null', 'Null', '~', 'nul', "'q'", "'it''s'", "'a: b'", '"d\\n"', '"a\\x41\\u00e9\\U0001F600"', '"\\q"', '"a\\"b"',
  '""', "''", 'a: b', 'a:b', 'a #c', 'a#b', '-a', '- a', '-', '?a', ':a', 'a:', 'http://x/y?z=1&w=[2]', 'a,b', '[a]', '[a, b]', '[a, [b, {c: d}]]', '{a: 1}',
  '{a: [1, 2], "b": c}', '{a: b: c}', '[a: b]', '[a,]', '[ ]', '{}', '[]', '"', "'", '@x', '`x', '%x', '!t x', '&a x', '*a', '|', '|-', '|+', '|2', '>', 'é',
  '中文', '# c', 'a # c', '"x" # c', '"x"#c', '[a] # c', '\\', '<<', '__proto__', '"__proto__"', 'a\\tb',
];
const KEYS = ['a', 'b', 'key', 'a b', '"q"', "'s'", '-k', '"a: b"', 'x.y/z', 'é', 'a#', '[k]', 'k:', '1', 'true', 'null', '<<'];

/** A random document, mostly valid YAML and often in the subset: a random tree written in random styles. */
function generated(rng: Rng): string {
  const lines: string[] = [];
  const noise = (indent: string) => {
    if (rng.chance(0.15)) lines.push(rng.pick(['', '# comment', `${indent}# c`, '   ']));
  };
  const literal = (head: string, indent: string) => {
    lines.push(`${head}|${rng.pick(['', '-', '', ' # c'])}`);
    const inner = indent + rng.pick(['  ', '    ']);
    for (let n = 1 + rng.int(3); n > 0; n--) lines.push(rng.chance(0.2) ? rng.pick(['', inner]) : inner + rng.pick(['', ' ']) + rng.pick(SCALARS));
  };
  const map = (indent: string, depth: number, head?: string) => {
    const keys = new Set<string>();
    for (let n = 1 + rng.int(4); n > 0; n--) {
      const key = rng.chance(0.9) ? rng.pick(KEYS.slice(0, 11)) : rng.pick(KEYS);
      if (keys.has(key)) continue;
      keys.add(key);
      const at = head !== undefined && keys.size === 1 ? head : indent;
      value(`${at}${key}:`, indent, depth);
      noise(indent);
    }
  };
  const seq = (indent: string, depth: number) => {
    for (let n = 1 + rng.int(4); n > 0; n--) {
      const kind = depth > 2 ? 0 : rng.int(4);
      if (kind === 0) lines.push(`${indent}- ${rng.pick(SCALARS)}`);
      else if (kind === 1) map(indent + rng.pick(['  ', '    ']), depth + 1, `${indent}-${rng.pick([' ', '   '])}`);
      else if (kind === 2) literal(`${indent}- `, indent);
      else {
        lines.push(`${indent}-`);
        map(indent + '  ', depth + 1);
      }
      noise(indent);
    }
  };
  const value = (head: string, indent: string, depth: number) => {
    const kind = depth > 2 ? 0 : rng.int(6);
    if (kind <= 1) lines.push(`${head} ${rng.pick(SCALARS)}`);
    else if (kind === 2) literal(`${head} `, indent);
    else if (kind === 3) {
      lines.push(head);
      map(indent + rng.pick(['  ', '    ']), depth + 1);
    } else {
      lines.push(head);
      seq(indent + rng.pick(['', '  ']), depth + 1);
    }
  };
  if (rng.chance(0.2)) lines.push('---');
  if (rng.chance(0.8)) map('', 0);
  else seq('', 0);
  const text = lines.join('\n');
  return rng.chance(0.8) ? text + '\n' : text;
}

test('read.ts gives what yaml gives on generated documents, or leaves them to yaml', () => {
  let taken = 0;
  for (let i = 0; i < 6000; i++) {
    const rng = new Rng(1000 + i);
    if (sameAsYaml(generated(rng))) taken++;
  }
  for (const s of SCALARS) {
    sameAsYaml(s);
    sameAsYaml(`k: ${s}\n`);
    sameAsYaml(`- ${s}\n`);
    sameAsYaml(`a:\n  - ${s}\n  - b: ${s}\n    c: [${s}]\n`);
  }
  assert.ok(taken > 1000, `read.ts took ${taken} of 6000 generated documents`);
});

test('read.ts resolves number-like plain scalars as yaml does', () => {
  const rng = new Rng(77);
  const alphabet = '0123456789aAbBeEfFinNoOxX.+-_';
  let taken = 0;
  for (let i = 0; i < 5000; i++) {
    let text = '0123456789+-.'[rng.int(13)]!;
    for (let n = rng.int(7); n > 0; n--) text += alphabet[rng.int(alphabet.length)];
    if (sameAsYaml(`k: ${text}\n`)) taken++;
  }
  for (const text of ['.inf', '-.Inf', '+.INF', '.nan', '.NaN', '+.nan', '-.inF', '0o', '0x', '0o17', '0x1F', '0X1F', '0O17', '1e3', '.5e-3', '5.']) sameAsYaml(`k: ${text}\n`);
  assert.ok(taken > 4900, `read.ts took ${taken} of 5000`);
});

const CHARS = ['a', 'b', 'y', 'n', 'N', 'o', 'x', 'e', 'E', '0', '1', '9', '.', '_', '+', '-', ' ', ':', '#', '?', '\n', "'", '"', '\t', '%', '|', '>',
  '[', '{', ',', '&', '*', '!', '@', '`', '~', '\\', 'é', '\u2028', '\x07', '/', '='];
const WORDS = ['', 'y', 'yes', 'no', 'On', 'off', 'true', 'True', 'null', '~', '1', '-1', '1_000', '0b101', '0o17', '017', '08', '1e3', '.5', '.inf', '<<',
  '---', '...', '%x', 'a: b', 'a #b', ' a', 'a ', 'a\n', '\na', 'a\n\n', 'a\n ', ' a\nb', 'a\nb\n\n\n', '\n', '\n\n', 'a\n  b\n', '- a', '-', '?', 'k: |'];

function randomString(rng: Rng): string {
  if (rng.chance(0.3)) return rng.pick(WORDS);
  let s = '';
  for (let n = rng.int(9); n > 0; n--) s += rng.pick(CHARS);
  return s;
}

function randomValue(rng: Rng, depth: number): unknown {
  const kind = rng.int(depth > 2 ? 4 : 7);
  if (kind === 0) return rng.pick([0, 1, -1, 2.5, 1e21, -0, NaN, Infinity, 65535]);
  if (kind === 1) return rng.chance(0.5);
  if (kind === 2 && rng.chance(0.2)) return null;
  if (kind <= 3) return randomString(rng);
  if (kind === 4) return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
  const o: Record<string, unknown> = {};
  for (let n = rng.int(4); n > 0; n--) o[randomString(rng)] = randomValue(rng, depth + 1);
  return o;
}

test('write.ts writes what yaml writes', () => {
  for (let i = 0; i < 20000; i++) {
    const rng = new Rng(50000 + i);
    const value = { apiVersion: 'v1', data: randomValue(rng, 0), [randomString(rng)]: [randomValue(rng, 1)] };
    assert.fixture(toYaml(value), toYamlWithLib(value), JSON.stringify(value));
  }
});

test('write.ts writes data maps as yaml writes them, whatever their size and keys', () => {
  const rng = new Rng(7);
  const simple = () => `${rng.pick(['a', 'KEY_', 'Z.'])}${rng.int(100000)}`;
  for (const size of [1, 64, 300]) {
    const data: Record<string, string> = {};
    for (let n = 0; n < size; n++) data[rng.chance(0.7) ? simple() : randomString(rng)] = rng.chance(0.7) ? simple() : randomString(rng);
    assert.fixture(toYaml({ data }), toYamlWithLib({ data }), JSON.stringify(data));
  }
  // A key past 1024 characters gets an explicit "? " from yaml, even a SIMPLE one.
  for (const length of [1024, 1025]) {
    const value = { data: { ['k'.repeat(length)]: 'v', b: 'yes' } };
    assert.fixture(toYaml(value), toYamlWithLib(value), `key of ${length}`);
  }
});

test.run();
