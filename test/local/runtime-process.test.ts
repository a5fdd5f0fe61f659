import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/api-client.ts';

/**
 * A runtime started by another process (a test's or the benchmark's Camunda 8 target) stops when that
 * process goes, even killed outright: a stopped benchmark leaves no runtime or emulator behind.
 */
const repositoryRoot = resolve(import.meta.dirname, '../..');
const owner = `
  const { RuntimeProcess } = await import('./local/runtime-process.ts');
  const runtime = await RuntimeProcess.start('The target');
  console.log(JSON.stringify({ url: runtime.url, pid: runtime.pid }));
  setInterval(() => undefined, 1000);
`;
let runtimePid: number | undefined;

afterAll(() => {
  if (runtimePid !== undefined && alive(runtimePid)) process.kill(runtimePid, 'SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a runtime in a child process', () => {
  it('stops when the process that started it is killed', { timeout: 300_000 }, async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', owner], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    parent.stdout.on('data', (data: Buffer) => {
      output += data.toString();
    });
    const started = await eventually(
      async () => (output.includes('\n') ? (JSON.parse(output) as { url: string; pid: number }) : undefined),
      () => `the owner printed: ${output}`,
      240_000,
    );
    runtimePid = started.pid;
    expect((await fetch(`${started.url}/v2/extensions/health/readiness`)).status).toBe(200);

    parent.kill('SIGKILL');

    await eventually(
      async () => (alive(started.pid) ? undefined : true),
      () => `the runtime (pid ${started.pid}) still runs after its owner was killed`,
      60_000,
    );
    await expect(fetch(`${started.url}/v2/extensions/health/readiness`)).rejects.toThrow();
  });
});
