/** The golden cases (see golden.test.ts): folders under examples/ and test/cases/ holding a kustz.yml. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export function goldenCases(): string[] {
  const out: string[] = [];
  for (const base of ['examples', 'test/cases']) {
    const dir = join(ROOT, base);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (existsSync(join(dir, name, 'kustz.yml'))) out.push(join(dir, name));
    }
  }
  return out;
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** The case's command line: its `args` file, one argument a line, or `render -c kustz.yml`. */
export function caseArgs(dir: string): string[] {
  return existsSync(join(dir, 'args')) ? lines(join(dir, 'args')) : ['render', '-c', 'kustz.yml'];
}

/** The variables its `env` file adds, KEY=VALUE a line. */
export function caseEnv(dir: string): Record<string, string> {
  return Object.fromEntries(lines(join(dir, 'env')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
