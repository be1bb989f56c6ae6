/**
 * Modules loaded on first use instead of at start-up. In the bundle (CommonJS) `require` is the
 * bundle's own, and callers that load packages keep literal require() calls so that esbuild
 * bundles what they name. Run from source (ES modules under tsx, in the tests) there is no
 * require and sourceRequire() stands in. Neither imports node:module at the top: that alone
 * would load Node's ES module loader into every start-up.
 */
let fromSource: NodeJS.Require | undefined;

export function sourceRequire(): NodeJS.Require {
  return (fromSource ??= process.getBuiltinModule('node:module').createRequire(import.meta.url));
}

/** One of Node's own modules, e.g. builtin<typeof import('node:crypto')>('node:crypto'). */
export function builtin<T>(id: string): T {
  return (typeof require === 'function' ? require(id) : sourceRequire()(id)) as T;
}
