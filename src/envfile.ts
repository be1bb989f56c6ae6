import { issue, warning, type Issue } from './errors.js';
import { decodeUtf8, invalidUtf8Column, utf16Problem } from './files.js';
import { envFileKey, PLAIN_DATA_KEY, type Broken } from './k8s.js';

export interface EnvFile {
  /** Keys in file order; a generator's first source becomes its data as it is. */
  entries: Map<string, string>;
  issues: Issue[];
}

const SECRET_LINE_HINT = 'the file is read as KEY=value lines: a YAML file goes under literals, and a value of several lines (a PEM key) under files, as a file of its own';

/** Both tools read lines with Go's bufio.Scanner, whose buffer holds 64 KiB including the LF. */
const MAX_LINE_BYTES = 65535;
/** Lines of up to this many UTF-16 units are below MAX_LINE_BYTES whatever they hold. */
const PLAIN_LINE_UNITS = Math.floor(MAX_LINE_BYTES / 3);
const LF = 0x0a;
const CR = 0x0d;
// Go's unicode.IsSpace is Unicode White_Space; JS trimStart() differs (it strips U+FEFF, keeps U+0085).
// The property's code points written out: \p{White_Space} makes V8 build the set from ICU's tables
// at start-up, a millisecond of every cold run.
const LEADING_SPACE = /^[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;

/**
 * Parses a .env file exactly as kustomize's configMapGenerator `envs:` and
 * `kubectl create configmap --from-env-file` do.
 *
 * Grammar (over bytes; measured against kubectl v1.32 and its kustomize v5.5):
 *
 *   file   = *( line LF ) [ line ]        ; the last line needs no LF; empty file = no entries
 *   line   = [ BOM ] *space body [ CR ]   ; BOM (EF BB BF) dropped on line 1 only; one CR dropped
 *   body   = "" | "#" *any | key [ "=" value ]
 *   key    = *( any except "=" )          ; up to the FIRST "=", trailing spaces included
 *   value  = *any                         ; verbatim: quotes, " # ...", "=", inner CR, trailing spaces
 *   space  = Unicode White_Space (Go's unicode.IsSpace): tab, VT, FF, CR, NBSP, NEL, U+3000, ...
 *            but not U+FEFF, so a BOM on a later line stays part of the key
 *
 * Where the tools disagree, or one of them goes wrong silently, the result is an issue:
 * - `KEY` without "=": kustomize sets "" but kubectl reads KEY from its own environment, so the
 *   output depends on the machine; a warning, and the entry gets "" as in kustomize.
 * - invalid keys (`export A`, `A ` from `A = 1`, `1A`, `..a`, over 253 characters, a later-line
 *   BOM): kubectl checks them as env var names and as ConfigMap keys and rejects them; kustomize
 *   emits them and the API server then rejects the ConfigMap.
 * - `=x`: kubectl rejects it, kustomize silently drops the line.
 * - a line over 65535 bytes (CR included): both tools silently stop reading there and lose it
 *   and every line after it.
 * - duplicate keys and invalid UTF-8 are rejected by both.
 *
 * Columns are 1-based UTF-16 offsets into the line without its BOM. Messages and hints name
 * keys but never values: the same files feed Secrets. With `secret` (the file feeds a Secret), a
 * line that is no KEY=value line (a YAML file or a PEM key put here by mistake) may hold a value
 * where a key should be: messages do not quote its key either.
 */
export function parseEnvFile(bytes: Uint8Array, secret = false): EnvFile {
  const entries: EnvFile['entries'] = new Map();
  const issues: Issue[] = [];
  const utf16 = utf16Problem(bytes);
  if (utf16) return { entries, issues: [issue('envfile.invalid-utf8', utf16.message, { line: 1, col: 1, hint: utf16.hint })] };
  /** Where each key was first seen, but for the keys of plain lines (see plainLineOf). */
  const firstLine = new Map<string, number>();
  const parseLine = (line: number, length: number, text: string | undefined, invalidCol?: number) => {
    if (length > MAX_LINE_BYTES) {
      issues.push(
        issue(
          'envfile.line-too-long',
          `line is ${length} bytes long; kubectl and kustomize silently drop a line over ${MAX_LINE_BYTES} bytes and every line after it`,
          { line, col: 1, hint: 'move the large value out of the env file into a file of its own' },
        ),
      );
    }
    if (text === undefined) {
      issues.push(issue('envfile.invalid-utf8', 'line is not valid UTF-8', { line, col: invalidCol, hint: 'save the file as UTF-8' }));
      return;
    }

    // Printable ASCII is not white space: most lines skip the regular expression.
    const first = text.charCodeAt(0);
    const content = first > 0x20 && first < 0x7f ? text : text.replace(LEADING_SPACE, '');
    if (content === '' || content.charCodeAt(0) === 0x23 /* # */) return;
    const col = text.length - content.length + 1;
    const eq = content.indexOf('=');
    const key = eq < 0 ? content : content.slice(0, eq);
    const value = eq < 0 ? '' : content.slice(eq + 1);

    if (key === '') {
      issues.push(
        issue('envfile.empty-key', "line starts with '=' and has no key (kustomize would silently drop it)", {
          line,
          col,
          hint: "write KEY=value, or start the line with '#' to make it a comment",
        }),
      );
      return;
    }
    const invalid = envFileKey(key);
    if (invalid) {
      const fix = keyFix(key, invalid);
      issues.push(secret
        ? issue('envfile.invalid-key', `the key of this line ${invalid.reason}`, { line, col, hint: SECRET_LINE_HINT })
        : issue('envfile.invalid-key', `key ${JSON.stringify(key)} ${invalid.reason}`, { line, col: col + fix.at, hint: fix.hint }));
    } else if (eq < 0) {
      issues.push(secret
        ? warning('envfile.no-equals', 'line has no \'=\': the whole line becomes a key with the value "" (kubectl would read it from its environment instead)', { line, col, hint: SECRET_LINE_HINT })
        : warning(
            'envfile.no-equals',
            `line has no '=': ${key} gets the value "" (kubectl would read ${key} from its environment instead)`,
            { line, col, hint: `write ${key}= to make the empty value explicit` },
          ));
    }

    const earlier = firstLine.get(key) ?? (entries.has(key) ? plainLineOf(whole!, key) : undefined);
    if (earlier !== undefined) {
      issues.push(
        issue('envfile.duplicate-key', `duplicate key ${JSON.stringify(key)}`, {
          line,
          col,
          hint: `${key} is first defined on line ${earlier}; keep only one of the two`,
        }),
      );
      return;
    }
    firstLine.set(key, line);
    // An invalid key stays out of the entries: the file has failed, and no later check need see it.
    if (!invalid) entries.set(key, value);
  };

  // decodeUtf8 keeps a U+FEFF in the text: only line 1 may drop one.
  const whole = decodeUtf8(bytes);
  if (whole !== undefined) {
    // The whole file decodes at once, which is quick; lines are cut from it in place.
    // The next '=' from `start` on (whole.length if none): found once for all the lines before it.
    let eq = -1;
    for (let start = 0, line = 1; start < whole.length; line++) {
      const lf = whole.indexOf('\n', start);
      const end = lf < 0 ? whole.length : lf;
      if (eq < start) {
        eq = whole.indexOf('=', start);
        if (eq < 0) eq = whole.length;
      }
      // Most lines are KEY=value with a key both tools take, seen for the first time: no cutting
      // out the line, no issue to check for. A 10,000-line file is read in half the time.
      if (eq < end && end - start <= PLAIN_LINE_UNITS && whole.charCodeAt(end - 1) !== CR) {
        const key = whole.slice(start, eq);
        if (PLAIN_DATA_KEY.test(key) && !entries.has(key)) {
          entries.set(key, whole.slice(eq + 1, end));
          start = end + 1;
          continue;
        }
      }
      let text = whole.slice(start, end);
      start = end + 1;
      // A UTF-16 unit is at most 3 bytes of UTF-8: short lines need no counting.
      const length = text.length > PLAIN_LINE_UNITS ? Buffer.byteLength(text) : text.length;
      if (text.charCodeAt(text.length - 1) === CR) text = text.slice(0, -1);
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      parseLine(line, length, text);
    }
    return { entries, issues };
  }
  // Invalid UTF-8 somewhere: line by line, to say where.
  for (let start = 0, line = 1; start < bytes.length; line++) {
    const lf = bytes.indexOf(LF, start);
    const end = lf < 0 ? bytes.length : lf;
    let raw = bytes.subarray(start, end);
    const length = raw.length;
    start = end + 1;
    if (raw[raw.length - 1] === CR) raw = raw.subarray(0, -1);
    if (line === 1 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) raw = raw.subarray(3);
    const text = decodeUtf8(raw);
    parseLine(line, length, text, text === undefined ? invalidUtf8Column(raw) : undefined);
  }
  return { entries, issues };
}

/**
 * The line a key was first set on by a plain line. Any line that set it other ways was recorded in
 * firstLine, so this one came first of all the lines that start with `key=`.
 */
function plainLineOf(whole: string, key: string): number {
  const at = whole.startsWith(`${key}=`) ? 0 : whole.indexOf(`\n${key}=`) + 1;
  let line = 1;
  for (let lf = whole.indexOf('\n'); lf >= 0 && lf < at; lf = whole.indexOf('\n', lf + 1)) line++;
  return line;
}

/** How to fix an invalid key, and where in it the caret goes: at what the hint says to change. */
function keyFix(key: string, broken: Broken): { hint: string; at: number } {
  if (key.startsWith('\ufeff')) {
    return { at: 0, hint: 'delete the invisible byte order mark (U+FEFF) before the key; only line 1 may start with one (joining files with cat leaves it mid-file)' };
  }
  if (/^export\s/.test(key)) return { at: 0, hint: "remove 'export ': the file is read as KEY=value lines, not as a shell script" };
  const at = Math.max(key.search(/^[0-9]|[^-._a-zA-Z0-9]/), 0);
  if (key !== key.trimEnd()) return { at, hint: `write ${key.trimEnd()}=<value> without spaces around '='` };
  return { at, hint: broken.fixed !== undefined ? `rename the key to ${JSON.stringify(broken.fixed)}: a key ${broken.reason}` : broken.hint };
}
