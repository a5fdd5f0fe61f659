import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedRuntime, startRuntime } from './helpers/embedded-runtime.ts';

/**
 * The command blocks of docs/cli.md and docs/console.md: each says whether it runs as written
 * (`<!-- docs-check: runs -->` on the line before it) or why not (`<!-- docs-check: not run: … -->`),
 * and every block that claims to run does, with `bash -euo pipefail` from the repository root,
 * against a fresh embedded runtime (BATCHOPS_URL and API point at it).
 */
const root = resolve(import.meta.dirname, '..');
const DOCS = ['docs/cli.md', 'docs/console.md'];
const COMMAND_BLOCK = /^```(sh|bash|console)$/;
const RUNS = '<!-- docs-check: runs -->';
const NOT_RUN = /^<!-- docs-check: not run: .+ -->$/;

interface Block {
  doc: string;
  line: number;
  marker: string;
  script: string;
}

/** Every command block of a document, with the line before it (blank lines skipped). */
function commandBlocks(doc: string): Block[] {
  const lines = readFileSync(resolve(root, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let at = 0; at < lines.length; at++) {
    if (!lines[at].startsWith('```')) continue;
    const end = lines.indexOf('```', at + 1);
    if (COMMAND_BLOCK.test(lines[at])) {
      let before = at - 1;
      while (before >= 0 && lines[before].trim() === '') before--;
      blocks.push({
        doc,
        line: at + 1,
        marker: before >= 0 ? lines[before].trim() : '',
        script: lines.slice(at + 1, end).join('\n'),
      });
    }
    at = end;
  }
  return blocks;
}

function runBash(script: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
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

const blocks = DOCS.flatMap(commandBlocks);
let runtime: EmbeddedRuntime;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0 });
}, 180_000);
afterAll(() => runtime?.stop());

describe('the command blocks of docs/cli.md and docs/console.md', () => {
  it('each say whether they run as written, and why not', () => {
    const unmarked = blocks.filter((block) => block.marker !== RUNS && !NOT_RUN.test(block.marker));
    expect(unmarked.map((block) => `${block.doc}:${block.line}`)).toEqual([]);
    expect(blocks.filter((block) => block.marker === RUNS).map((block) => block.doc)).toEqual(
      expect.arrayContaining(DOCS),
    );
  });

  it.each(
    blocks.filter((block) => block.marker === RUNS).map((block) => [`${block.doc}:${block.line}`, block]),
  )(
    '%s runs as written',
    async (_name, block) => {
      const { code, stdout, stderr } = await runBash(block.script, {
        API: runtime.url,
        BATCHOPS_URL: runtime.url,
      });

      expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);
    },
    240_000,
  );
});
