import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const BATCHOPS = resolve(import.meta.dirname, '../../bin/batchops.js');

export interface BatchopsRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs); throws with both streams when it is not JSON. */
  json(): // biome-ignore lint/suspicious/noExplicitAny: JSON under test
  any;
}

/**
 * Runs `node bin/batchops.js …` as a child process with a clean environment: only PATH, the given
 * variables and a fixed terminal width, so no BATCHOPS_* of the developer's shell leaks in.
 */
export function runBatchops(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { input?: string } = {},
): Promise<BatchopsRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BATCHOPS, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', COLUMNS: '100', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({
        code,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}).\nstdout: ${stdout}\nstderr: ${stderr}`);
          }
        },
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}
