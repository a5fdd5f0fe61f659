import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeVersion } from '../../bench/code-version.ts';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), 'bench-code-'));
  directories.push(directory);
  return directory;
}

/** A checkout with one commit of a source file and a committed result; returns it and the commit. */
function checkout(): { directory: string; commit: string } {
  const directory = scratch();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: directory, encoding: 'utf8' }).trim();
  git('init', '-q');
  mkdirSync(join(directory, 'bench', 'results'), { recursive: true });
  writeFileSync(join(directory, 'worker.ts'), 'export const size = 25;\n');
  writeFileSync(join(directory, 'bench', 'results', 'cancel-10.json'), '{}\n');
  git('add', '.');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'first');
  return { directory, commit: git('rev-parse', 'HEAD') };
}

describe('the code a benchmark measured', () => {
  it('names the commit of a clean checkout', () => {
    const { directory, commit } = checkout();
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(codeVersion(directory)).toEqual({ commit, uncommittedChanges: false });
  });

  it('says so when the code has uncommitted changes, but not for a rewritten result', () => {
    const { directory, commit } = checkout();
    writeFileSync(join(directory, 'bench', 'results', 'cancel-10.json'), '{"rerun":true}\n');
    expect(codeVersion(directory)).toEqual({ commit, uncommittedChanges: false });
    writeFileSync(join(directory, 'worker.ts'), 'export const size = 50;\n');
    expect(codeVersion(directory)).toEqual({ commit, uncommittedChanges: true });
  });

  it('is null outside a git checkout', () => {
    expect(codeVersion(scratch())).toBeNull();
  });
});
