// Build: compile the JSON Schema ahead of time (no ajv compile at start-up), bundle the CLI (one
// module to load instead of hundreds) and record the V8 code cache it starts from.
// docs/performance.md has the measurements behind each step.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas/kustz.schema.json'), 'utf8'));

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, code: { source: true, esm: true } });
// The validator checks the schema without what serves editors: descriptions, examples and titles
// (ajv would otherwise build those objects at every start-up) and patterns (the short-syntax
// parsers report those strings, with the expected form and without holding back the file's other
// problems, and the regular expressions would be compiled for nothing). Names under properties
// and definitions are names, not keywords, and stay.
const FOR_EDITORS = new Set(['description', 'examples', 'title', 'pattern']);
const forValidation = (node, names = false) =>
  Array.isArray(node)
    ? node.map((n) => forValidation(n))
    : node && typeof node === 'object'
      ? Object.fromEntries(
          Object.entries(node)
            .filter(([k]) => names || !FOR_EDITORS.has(k))
            .map(([k, v]) => [k, names ? forValidation(v) : forValidation(v, k === 'properties' || k === 'definitions')]),
        )
      : node;
const validate = ajv.compile(forValidation(schema));
mkdirSync(join(root, 'src/generated'), { recursive: true });
// ajv's "esm" output still require()s its runtime helpers, which plain Node ESM (tests importing
// src/ through tsx) cannot run; turn them into imports, which the bundle inlines just the same.
const runtimeImports = [];
const validatorCode = standaloneCode.default(ajv, validate).replace(/require\("(ajv\/dist\/runtime\/[\w.-]+)"\)/g, (_, spec) => {
  const id = `ajvRuntime${runtimeImports.length}`;
  runtimeImports.push(`import ${id} from "${spec}.js";`);
  return id;
});
// The keys of every closed map, by where it stands in a kustz.yml ("/service/probes/liveness";
// "*" for any item of a list): what an unknown key's hint offers. ajv's verbose errors would
// carry them, at the price of a validator that holds the schema's objects (1 M instructions of a
// cold render), and its schemaPath names the definition, not the place.
const allowedKeys = {};
const definition = (node) => (node?.$ref ? definition(schema.definitions[node.$ref.replace('#/definitions/', '')]) : node);
const collectAllowedKeys = (node, place, underFreeMap) => {
  node = definition(node);
  if (!node || typeof node !== 'object') return;
  if (node.properties) {
    if (underFreeMap) throw new Error(`build: a closed map under a map of free keys (${place}) is out of reach of the unknown-key hint`);
    if (node.additionalProperties === false) allowedKeys[place] = Object.keys(node.properties);
    for (const [key, value] of Object.entries(node.properties)) collectAllowedKeys(value, `${place}/${key}`, false);
  }
  if (node.items) collectAllowedKeys(node.items, `${place}/*`, underFreeMap);
  if (typeof node.additionalProperties === 'object') collectAllowedKeys(node.additionalProperties, `${place}/*`, true);
};
collectAllowedKeys(schema, '', false);
// An example value for each place that has one, for the hints of schema errors: the schema's
// first example, or for a map one made of its required keys' examples.
const exampleValues = {};
const exampleOf = (node) => {
  const examples = node?.examples ?? definition(node)?.examples;
  if (examples) return examples[0];
  node = definition(node);
  if (!node?.required || !node.properties) return undefined;
  const out = {};
  for (const key of node.required) if ((out[key] = exampleOf(node.properties[key])) === undefined) return undefined;
  return out;
};
const collectExamples = (node, place) => {
  const example = exampleOf(node);
  if (example !== undefined) exampleValues[place] = example;
  node = definition(node);
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node.properties ?? {})) collectExamples(value, `${place}/${key}`);
  if (node.items) collectExamples(node.items, `${place}/*`);
  if (typeof node.additionalProperties === 'object') collectExamples(node.additionalProperties, `${place}/*`);
};
collectExamples(schema, '');
writeFileSync(
  join(root, 'src/generated/schema-validator.js'),
  runtimeImports.map((i) => i + '\n').join('') + validatorCode +
    `\nexport const allowedKeys = ${JSON.stringify(allowedKeys)};\nexport const exampleValuesJson = ${JSON.stringify(JSON.stringify(exampleValues))};\n`,
);
writeFileSync(
  join(root, 'src/generated/schema-validator.d.ts'),
  "import type { ErrorObject } from 'ajv';\n" +
    'declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };\n' +
    'export default validate;\n' +
    '/** The keys of each closed map by its place in a kustz.yml: "/service", "/secrets/dockerRegistry/*". */\n' +
    'export declare const allowedKeys: Record<string, string[]>;\n' +
    '/** An example value for each place that has one: what a schema error\'s hint offers to write. */\n' +
    'export declare const exampleValuesJson: string;\n',
);

// Two CommonJS files. CommonJS, not ESM: Node starts a CommonJS entry about 10 ms sooner (no ES
// module loader), and require() keeps the lazy loading of yaml synchronous. yaml goes into a file
// of its own, dist/yaml.cjs, loaded only when src/yaml/read.ts or write.ts hand a file to it, so a
// usual run neither loads nor compiles it. It is bundled from the ES module build yaml ships for
// browsers (the same code): esbuild hoists that, instead of wrapping 74 CommonJS modules.
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' };
await build({
  ...common,
  entryPoints: [join(root, 'node_modules/yaml/browser/index.js')],
  outfile: join(root, 'dist/yaml.cjs'),
});
await build({
  ...common,
  entryPoints: [join(root, 'src/main.ts')],
  outfile: join(root, 'dist/kustz.cjs'),
  plugins: [{ name: 'yaml-beside', setup: (b) => b.onResolve({ filter: /^yaml$/ }, () => ({ path: './yaml.cjs', external: true })) }],
  // import.meta.url, computed when asked: the few commands that read package files pay for node:url.
  define: { 'import.meta.url': 'importMeta.url' },
  // The file is the module function bin/kustz.js compiles (Module.wrap's text, written here:
  // loading node:module would load Node's ES module loader too), strict as the ES modules it
  // comes from; esbuild's own "use strict" follows the banner and is no directive there.
  banner: { js: "(function (exports, require, module, __filename, __dirname) { 'use strict'; const importMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  footer: { js: '});' },
});

// The bundle's id, for bin/kustz.js to tell its code cache from one made for another bundle.
const bundleFile = join(root, 'dist/kustz.cjs');
const bundleText = readFileSync(bundleFile, 'utf8');
writeFileSync(bundleFile, `${bundleText}//# kustz-build ${createHash('sha256').update(bundleText).digest('hex').slice(0, 32)}\n`);

// The V8 code cache bin/kustz.js starts from: what one render of the upstream example compiles.
rmSync(join(root, 'dist/kustz.cjs.cache'), { force: true });
const warmUp = spawnSync(process.execPath, [join(root, 'bin/kustz.js'), 'render', '-c', 'kustz.yml'], {
  cwd: join(root, 'examples/upstream'),
  env: { ...process.env, KUSTZ_CODE_CACHE: 'write' },
  encoding: 'utf8',
});
// Without a cache the CLI still works, only starts slower; a broken CLI is the tests' to report.
if (warmUp.status !== 0) console.warn(`build: no code cache, the warm-up render failed: ${warmUp.stderr || warmUp.error}`);
