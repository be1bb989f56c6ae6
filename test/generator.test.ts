/**
 * Mistakes in a kustomize generator config (the legacy exec plugin's file, the KRM function's
 * functionConfig): where they are reported, and in which words. Through the built CLI.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kustz } from './helpers/cli.js';
import { project } from './helpers/project.js';

const KUSTZ_YML = 'name: web\nservice:\n  image: nginx\n  ports: ["80:8080"]\n';
const dirs: string[] = [];
test.after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The legacy exec plugin run on `config` (generator.yml beside a kustz.yml) as kustomize runs it. */
function plugin(config: string): { stderr: string; status: number | null; file: string } {
  const dir = project({ 'kustz.yml': KUSTZ_YML, 'generator.yml': config });
  dirs.push(dir);
  const file = join(dir, 'generator.yml');
  const r = kustz([file], { cwd: dir, env: { KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir } });
  assert.is(r.stdout, '');
  return { stderr: r.stderr, status: r.status, file };
}

const HEAD = 'apiVersion: kustz/v1\nkind: Kustz\nmetadata: {name: web}\n';

test('a key that does not belong is shown at the key, not at its value', () => {
  const misspelt = plugin('apiVersion: kustz/v1\nkind: Kustz\nmetadta: {name: web}\nspec:\n  config: kustz.yml\n');
  assert.is(misspelt.status, 1);
  assert.match(misspelt.stderr, `kustz: ${misspelt.file}:3:1: unknown key "metadta" in the generator config (at metadta)\n  | metadta: {name: web}\n  | ^\n  hint: did you mean "metadata"?\n`);
  const beside = plugin(`${HEAD}spec:\n  config: kustz.yml\n  hsh: true\n`);
  assert.is(beside.status, 1);
  assert.match(beside.stderr, `kustz: ${beside.file}:6:3: spec holds either config or the kustz.yml fields, not both (found hsh beside config) (at spec.hsh)\n  |   hsh: true\n  |   ^\n`);
});

test.run();
