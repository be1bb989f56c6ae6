// Build: compile the JSON Schema ahead of time (no ajv compile at start-up) and bundle the CLI
// into one file (one module to load instead of hundreds).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas/kustz.schema.json'), 'utf8'));

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, code: { source: true, esm: true } });
const validate = ajv.compile(schema);
mkdirSync(join(root, 'src/generated'), { recursive: true });
writeFileSync(join(root, 'src/generated/schema-validator.js'), standaloneCode.default(ajv, validate));
writeFileSync(
  join(root, 'src/generated/schema-validator.d.ts'),
  "import type { ErrorObject } from 'ajv';\n" +
    'declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };\n' +
    'export default validate;\n',
);

await build({
  entryPoints: [join(root, 'src/main.ts')],
  outfile: join(root, 'dist/kustz.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: { js: "import { createRequire as __kustzRequire } from 'node:module'; const require = __kustzRequire(import.meta.url);" },
  logLevel: 'warning',
});
