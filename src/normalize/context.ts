import { issue, warning, type Issue } from '../errors.js';
import { confinementProblem, intoBase, type FileBase, type LoadRestrictor, type ReadFile } from '../files.js';
import type { Broken } from '../k8s.js';
import { formatPath, parseConfig, type ParsedConfig, type Path } from '../parse.js';
import type { Parsed } from '../shorthand.js';
import type { KustzConfig } from '../types.js';

/**
 * What every normalizer needs: the config with its positions, a place to put problems, and
 * the injected reader. Problems are collected so a file's every mistake shows in one run.
 */
export class Context {
  readonly issues: Issue[] = [];
  /** By the bytes the reader gave: a file named twice (env vars and Secret literals) is parsed once. */
  private readonly yamlFiles = new WeakMap<Uint8Array, ReturnType<typeof parseConfig>>();
  private secretFiles: Set<string> | undefined;

  constructor(
    readonly config: ParsedConfig,
    private readonly readFile: ReadFile,
    private readonly loadRestrictor: LoadRestrictor,
    readonly env: Readonly<Record<string, string | undefined>>,
    private readonly fileBase: FileBase,
  ) {}

  /** An error at the node `path` points to. */
  error(path: Path, code: string, message: string, hint?: string, extra: Partial<Issue> = {}): void {
    this.issues.push(issue(code, message, { ...this.config.locate(path), path: formatPath(path), ...(hint ? { hint } : {}), ...extra }));
  }

  /** An error about the map key `path` ends in (a bad name), pointing at the key itself. */
  keyError(path: Path, code: string, message: string, hint?: string): void {
    this.issues.push(issue(code, message, { ...this.config.locate(path, { key: true }), path: formatPath(path), ...(hint ? { hint } : {}) }));
  }

  warn(path: Path, code: string, message: string, hint?: string): void {
    const { frame: _frame, ...where } = this.config.locate(path);
    this.issues.push(warning(code, message, { ...where, path: formatPath(path), ...(hint ? { hint } : {}) }));
  }

  /** Problems found inside another file (an env file, a docker config): positions are that file's. */
  addFileIssues(file: string, found: Issue[]): void {
    for (const i of found) this.issues.push({ ...i, file });
  }

  /** Unwraps a short-string parse, reporting its failure at `path`. */
  parsed<T>(path: Path, code: string, result: Parsed<T>): T | undefined {
    if (result.ok) return result.value;
    this.error(path, code, result.message, result.hint);
    return undefined;
  }

  /**
   * Reports an API-server rule's failure at `path` (at its key, with `onKey`), with the rule's own
   * hint unless the place knows a better one.
   */
  check(path: Path, code: string, what: string, problem: Broken | undefined, hint?: string, onKey = false): boolean {
    if (problem === undefined) return true;
    (onKey ? this.keyError : this.error).call(this, path, code, `${what} ${problem.reason}`, hint ?? problem.hint);
    return false;
  }

  /** Reads a file named at `path` in kustz.yml, after the load restrictor's check. */
  read(path: Path, file: string): Uint8Array | undefined {
    if (this.loadRestrictor === 'rootonly') {
      const outside = confinementProblem(file, this.fileBase);
      if (outside) {
        this.error(path, 'file.outside-root', outside, intoBase(this.fileBase, `move the file into ${this.fileBase.dir}`));
        return undefined;
      }
    }
    const result = this.readFile(file);
    if (result.ok) return result.bytes;
    this.error(path, 'file.read', result.message, result.hint);
    return undefined;
  }

  /**
   * Whether a Secret reads `file` (as named in kustz.yml): then every use of it, a ConfigMap's or
   * the container's too, keeps its values out of messages.
   */
  readBySecret(file: string): boolean {
    if (!this.secretFiles) {
      const secrets = (this.config.value as KustzConfig).secrets;
      this.secretFiles = new Set([...(secrets?.literals ?? []), ...(secrets?.envs ?? [])].flatMap((g) => g.files ?? []));
    }
    return this.secretFiles.has(file);
  }

  /** `text` (decoded from `bytes`) parsed as YAML, its positions shown under `shown`. */
  parseYamlFile(bytes: Uint8Array, text: string, shown: string): ReturnType<typeof parseConfig> {
    let parsed = this.yamlFiles.get(bytes);
    if (!parsed) this.yamlFiles.set(bytes, (parsed = parseConfig(text, shown, true)));
    return parsed;
  }

  /** Where a file named in kustz.yml is shown in messages: relative to the kustz.yml's directory. */
  displayName(file: string): string {
    if (file.startsWith('/')) return file;
    const dir = this.config.file.includes('/') ? this.config.file.slice(0, this.config.file.lastIndexOf('/') + 1) : '';
    return dir + file;
  }
}
