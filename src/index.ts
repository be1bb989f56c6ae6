export { render, CONFIG_HASH_ANNOTATION, type RenderInput, type RenderResult } from './render.js';
export { serialize } from './serialize.js';
export { KustzError, UsageError, formatIssue, type Issue } from './errors.js';
export { readFromMap, type ReadFile, type ReadResult } from './files.js';
export { parseSetFlag, imageOverride, replicasOverride, type Override } from './overrides.js';
export type { KustzConfig, KubeObject, GeneratedData } from './types.js';
