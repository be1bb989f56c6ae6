import { sourceRequire } from '../lazy.js';

let loaded: typeof import('yaml') | undefined;

/**
 * The `yaml` package, loaded on first use: read.ts and write.ts handle the usual files, and
 * loading yaml would otherwise be a large part of every start-up. In the bundle, `require` is
 * the bundle's own and yaml is inside it; run from source (tests), Node resolves it.
 */
export function yamlLib(): typeof import('yaml') {
  return (loaded ??= (typeof require === 'function' ? require('yaml') : sourceRequire()('yaml')) as typeof import('yaml'));
}
