import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedRuntime, startRuntime } from './helpers/embedded-runtime.ts';

/**
 * The README's API walk-through, run as a new user runs it: the bash block after the
 * `<!-- walkthrough` marker, top to bottom with `bash -euo pipefail`, from the repository root,
 * against a fresh embedded runtime with the default configuration (as `npm start` has it). What it
 * prints must have the shape of the output the README shows after it.
 */
const root = resolve(import.meta.dirname, '..');
const WALKTHROUGH_MARKER = '<!-- walkthrough';

/** The first ```bash block after the marker (the script), and the first ```text block after it (what it prints). */
function walkthrough(readme: string): { script: string; printed: string } {
  const marker = readme.indexOf(WALKTHROUGH_MARKER);
  if (marker < 0) throw new Error(`README.md has no ${WALKTHROUGH_MARKER} marker`);
  const block = /```bash\n([\s\S]*?)\n```[\s\S]*?```text\n([\s\S]*?)\n```/.exec(readme.slice(marker));
  if (!block)
    throw new Error(`README.md has no \`\`\`bash block and \`\`\`text block after ${WALKTHROUGH_MARKER}`);
  return { script: block[1], printed: block[2] };
}

const BEYOND_MARKER = '<!-- beyond';
const BEYOND_STARTS = '--- beyond the walk-through ---';

/** The first ```bash block after the `<!-- beyond` marker: more examples, run after the walk-through. */
function beyond(readme: string): string {
  const block = /```bash\n([\s\S]*?)\n```/.exec(readme.slice(readme.indexOf(BEYOND_MARKER)));
  if (readme.indexOf(BEYOND_MARKER) < 0 || !block)
    throw new Error(`README.md has no \`\`\`bash block after ${BEYOND_MARKER}`);
  return block[1];
}

/** Output with every number (keys, counts) replaced, to compare its shape with the README's sample. */
const shape = (output: string) => output.trim().replace(/\d+/g, 'N').split('\n');

/** Runs a script with bash in the repository root; never blocks the event loop the runtime serves on. */
function runBash(script: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => {
      stdout += data;
    });
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let runtime: EmbeddedRuntime;

// The default configuration, as `npm start` has it: the walk-through's rate limit is valid for it.
beforeAll(async () => {
  runtime = await startRuntime({ port: 0 });
}, 180_000);
afterAll(() => runtime?.stop());

describe('the README walk-through', () => {
  it('runs top to bottom on a fresh runtime and prints the outcomes it describes', async () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const { script, printed } = walkthrough(readme);

    // The walk-through, then in the same shell (its functions and keys) the block beyond it.
    const {
      code,
      stdout: output,
      stderr,
    } = await runBash(`${script}\necho '${BEYOND_STARTS}'\n${beyond(readme)}`, { API: runtime.url });

    expect(code, `stdout:\n${output}\nstderr:\n${stderr}`).toBe(0);
    const [stdout, after] = output.split(`${BEYOND_STARTS}\n`);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^order v1: \d+, order v2: \d+$/);
    // The README shows what it prints, line for line (keys and counts apart).
    expect(shape(stdout)).toEqual(shape(printed));
    expect(stdout).toMatch(/^\{"total":10,"first":\["\d+","\d+","\d+"\]\}$/m);
    // The one instance canceled on its own, then the dry run's total.
    expect(lines).toContain('204');
    expect(stdout).toMatch(/^\{"total":10,"shards":\[[\d,]+\]\}$/m);
    // The cancellation batch: 9 canceled, 1 failed because it was canceled already, shown in item search.
    expect(stdout).toContain(
      '{"state":"COMPLETED","operationsTotalCount":10,"operationsCompletedCount":9,"operationsFailedCount":1}',
    );
    expect(stdout).toMatch(
      /"state":"FAILED","errorMessage":"Expected to cancel process instance .*, but it is TERMINATED: only ACTIVE and SUSPENDED instances can be canceled"/,
    );
    // The throttled migration: suspended (204), shown SUSPENDED, resumed (204), completed.
    expect(stdout).toMatch(/^204\n\{"state":"SUSPENDED",.*\}\n204$/m);
    expect(stdout).toContain(
      '{"state":"COMPLETED","operationsTotalCount":30,"operationsCompletedCount":30,"operationsFailedCount":0}',
    );
    expect(stdout).toContain('{"onVersion2":30}');
    expect(stdout).toMatch(/"batchOperationType":"MIGRATE_PROCESS_INSTANCE","state":"COMPLETED"/);
    // Beyond: the 30 instances on version 2 suspended, resumed and given a variable, one suspended
    // on its own; no failed job, so the job batch is empty.
    const all30 =
      '{"state":"COMPLETED","operationsTotalCount":30,"operationsCompletedCount":30,"operationsFailedCount":0}';
    expect(after.trim().split('\n')).toEqual([
      '{"partitionsCount":8}',
      all30,
      all30,
      all30,
      '204',
      '{"failedJobs":0}',
      '{"state":"COMPLETED","operationsTotalCount":0,"operationsCompletedCount":0,"operationsFailedCount":0}',
      '3.1.0',
    ]);
  }, 300_000);
});
