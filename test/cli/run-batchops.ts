import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { CliIo } from '../../cli/io.ts';
import { runCli } from '../../cli/program.ts';

export const BATCHOPS = resolve(import.meta.dirname, '../../bin/batchops.js');

export interface BatchopsRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs); throws with both streams when it is not JSON. */
  json(): // biome-ignore lint/suspicious/noExplicitAny: JSON under test
  any;
}

/** The environment a run sees: only PATH, the given variables and a fixed terminal width. */
function cleanEnvironment(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', COLUMNS: '100', ...env };
}

function completedRun(code: number | null, stdout: string, stderr: string): BatchopsRun {
  return {
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
  };
}

/** A stream that keeps what is written to it; neither a terminal nor sized, as a pipe. */
class CapturedStream extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Runs the CLI's entry (`runCli`, what bin/batchops.ts calls with the process's streams) in this
 * process, its output captured as from pipes and with a clean environment: the same program as
 * `runBatchops`, without starting Node and compiling the TypeScript for every command.
 */
export async function runBatchopsInProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<BatchopsRun> {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const io: CliIo = {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdinIsTTY: false,
    env: cleanEnvironment(env),
  };
  const code = await runCli([...args], io);
  return completedRun(code, stdout.text, stderr.text);
}

/**
 * Runs `node bin/batchops.js …` as a child process with a clean environment, so no BATCHOPS_* of the
 * developer's shell leaks in.
 */
export function runBatchops(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { input?: string } = {},
): Promise<BatchopsRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BATCHOPS, ...args], {
      env: cleanEnvironment(env),
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
    child.on('close', (code) => resolvePromise(completedRun(code, stdout, stderr)));
    child.stdin.end(options.input ?? '');
  });
}
