import { execFileSync } from 'node:child_process';

/** The code a benchmark ran: the checkout's commit and whether its tree had uncommitted changes. */
export interface CodeVersion {
  commit: string;
  /** Changes not committed when the run started (a figure from them names no commit exactly). */
  uncommittedChanges: boolean;
}

/**
 * The commit of the git checkout at `directory`, read when the run starts, so that every result says
 * which code it measured; null outside a git checkout (an unpacked tarball), as the JSON records it.
 */
export function codeVersion(directory: string): CodeVersion | null {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: directory,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    // The benchmark's own results are left out: a run before this one may have rewritten them.
    const changes = git('status', '--porcelain', '--', '.', ':(exclude)bench/results');
    return { commit: git('rev-parse', 'HEAD'), uncommittedChanges: changes !== '' };
  } catch {
    return null;
  }
}
