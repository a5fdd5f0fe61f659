import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const REQUIREMENTS = join(repositoryRoot, 'checks', 'requirements.txt');
/** The virtual environment of the checks' Python tools (git-ignored). */
const VENV = join(repositoryRoot, '.checks-venv');
/** The requirements the environment was last built from: a changed pin rebuilds it. */
const STAMP = join(VENV, 'installed-requirements.txt');

/**
 * The path of a tool (`schemathesis`, `cfn-lint`) in the checks' virtual environment, built first from
 * checks/requirements.txt when it is missing or was built from other pins. Needs `python3` with its
 * `venv` module (Debian: python3-venv; `.ci/run` installs both where missing) and PyPI.
 */
export function pythonTool(name: string): string {
  const requirements = readFileSync(REQUIREMENTS, 'utf8');
  if (!existsSync(STAMP) || readFileSync(STAMP, 'utf8') !== requirements) {
    console.error(`Installing the checks' Python tools into ${VENV} (checks/requirements.txt)`);
    execFileSync('python3', ['-m', 'venv', '--clear', VENV], { stdio: 'inherit' });
    execFileSync(
      join(VENV, 'bin', 'pip'),
      ['install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', REQUIREMENTS],
      { stdio: 'inherit' },
    );
    writeFileSync(STAMP, requirements);
  }
  return join(VENV, 'bin', name);
}
