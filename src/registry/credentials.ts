/** `${NAME}` references in the credential fields of `secrets.dockerRegistry`. */
import { issue, REDACTED, type Issue } from '../errors.js';


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
    if (allowLiteral && !value.includes('${')) return { value, issues: [] };
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
  return { value: expanded, issues: [] };
}
