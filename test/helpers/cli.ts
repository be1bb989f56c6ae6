import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${ROOT}bin/kustz.js`;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would: a separate process, its own cwd and environment. */
export function kustz(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; input?: string | Uint8Array; timeout?: number } = {}): Run {
  const { NODE_EXTRA_CA_CERTS: _ca, KUSTZ_DEBUG: _debug, ...env } = process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...env, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    // Large renders print more than spawnSync's 1 MiB default, which would kill the process.
    maxBuffer: 64 * 1024 * 1024,
    // A run that would never end (a status of null) fails the test instead of hanging it.
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}
