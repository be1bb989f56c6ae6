/** `${NAME}` references in the credential fields of `secrets.dockerRegistry`. */
import { issue, REDACTED, warning, type Issue } from '../errors.js';


const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * A credential field's value. A reference is the whole value:
 *
 *     reference = "${" NAME "}"        NAME = [A-Za-z_] *[A-Za-z0-9_]
 *
 * and expands to the variable, which must be set and non-empty. A password must be a reference,
 * since kustz.yml is committed; with `allowLiteral` (user names) any value without "${" is kept
 * as it is, so `robot$ci` stays a literal. The value is never shown.
 */
export function expandCredential(
  value: string,
  env: Record<string, string | undefined>,
  field: string,
  allowLiteral = false,
): { value?: string; issues: Issue[] } {
  const ref = WHOLE_REFERENCE.exec(value);
  if (!ref) {
    if (allowLiteral && !value.includes('${')) return { value, issues: lineBreakAtEnd(value) ? [lineBreakWarning(field)] : [] };
    const example = `${field}: \${REGISTRY_${field.replace(/\W+/g, '_').toUpperCase()}}`;
    if (value.includes('${') || /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
      return { issues: [issue('registry.bad-reference', `${field} is not a \${NAME} reference (${REDACTED}): a reference must be the whole value, with braces, NAME made of letters, digits and '_'`, {
        path: field, hint: `write \`${example}\``,
      })] };
    }
    return { issues: [issue('registry.literal-password', `${field} holds a literal secret (${REDACTED}); kustz.yml is committed, so credentials must come from the environment`, {
      path: field, hint: `store it in an environment variable and write \`${example}\`; never echo the value, and rotate it if kustz.yml was already committed`,
    })] };
  }
  const name = ref[1]!;
  // Own properties only: `${constructor}` or `${__proto__}` must not reach Object.prototype.
  const expanded = Object.hasOwn(env, name) ? env[name] : undefined;
  if (expanded === undefined) {
    return { issues: [issue('registry.unset-variable', `${field} refers to \${${name}}, but the environment variable ${name} is not set`, {
      path: field, hint: `export ${name} before running kustz (in CI, from the CI's secret store)`,
    })] };
  }
  if (expanded === '') {
    return { issues: [issue('registry.empty-variable', `${field} refers to \${${name}}, which is set but empty`, { path: field, hint: `give ${name} the registry ${field}` })] };
  }
  const issues: Issue[] = [];
  if (lineBreakAtEnd(expanded)) issues.push(lineBreakWarning(field, name));
  // Node decodes the environment as UTF-8 and puts U+FFFD for what is not: kubectl sends the bytes.
  if (expanded.includes('\ufffd')) {
    issues.push(warning('registry.variable-not-utf8', `${field} refers to \${${name}}, which holds U+FFFD, the character Node reads bytes that are not UTF-8 as: the ${field} in the Secret would differ from what kubectl writes, and from what the registry expects`, {
      path: field, hint: `set ${name} in UTF-8, e.g. through \`iconv -t UTF-8\``,
    }));
  }
  return { value: expanded, issues };
}

/** A final line break (`echo`, a file's last line) that the kubelet would send with the credential. */
export function lineBreakAtEnd(value: string): boolean {
  return value.endsWith('\n') || value.endsWith('\r');
}

function lineBreakWarning(field: string, name?: string): Issue {
  return warning('registry.trailing-line-break', `${field}${name === undefined ? '' : ` (\${${name}})`} ends with a line break, which the kubelet sends as part of the ${field}, so the registry rejects the pull`, {
    path: field,
    hint: name === undefined ? `remove the line break from ${field}` : `set ${name} without it: \`export ${name}="$(cat file)"\` drops a final line break, and \`printf %s\` adds none where \`echo\` adds one`,
  });
}
