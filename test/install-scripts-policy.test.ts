import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Installing sends nothing anywhere: package.json's `allowScripts` (npm 11) decides which dependency
 * install scripts run, so an `npm ci` needs nothing set by hand. `.ci/run` checks the effect on a real
 * install (no telemetry process, no telemetry log); this file checks that the policy is complete.
 */
const root = resolve(import.meta.dirname, '..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(resolve(root, path), 'utf8'));

interface LockedPackage {
  version?: string;
  hasInstallScript?: boolean;
}
const lock = readJson('package-lock.json') as { packages: Record<string, LockedPackage> };
const allowScripts = (readJson('package.json') as { allowScripts: Record<string, boolean> }).allowScripts;

/** Every package of the lock file that has an install script, by name (its path after the last node_modules/). */
const withInstallScript = Object.entries(lock.packages)
  .filter(([, locked]) => locked.hasInstallScript === true)
  .map(([path, locked]) => ({
    path,
    name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
    version: locked.version ?? '',
  }));

/** The policy's decision for a package: a name-only entry or one pinned to its locked version. */
const decision = (name: string, version: string): boolean | undefined =>
  allowScripts[`${name}@${version}`] ?? allowScripts[name];

/** An entry's package name: `name` or `name@version` (a scoped name starts with its own @). */
const entryName = (entry: string) => entry.replace(/(?<=.)@[^@/]*$/, '');

/** The install-time scripts of an installed package, as its own package.json declares them. */
function installScripts(path: string): string {
  const manifest = readJson(`${path}/package.json`) as { scripts?: Record<string, string> };
  const scripts = manifest.scripts ?? {};
  return ['preinstall', 'install', 'postinstall'].map((stage) => scripts[stage] ?? '').join(' ');
}

describe('the install-script policy (package.json allowScripts)', () => {
  it('decides for every package with an install script in package-lock.json', () => {
    const undecided = withInstallScript
      .filter(({ name, version }) => decision(name, version) === undefined)
      .map(({ name, version }) => `${name}@${version}`);

    expect(withInstallScript.length).toBeGreaterThan(0);
    expect(undecided).toEqual([]);
  });

  it('denies every install script that runs IBM telemetry (the Carbon and IBM Plex postinstalls)', () => {
    const telemetry = withInstallScript.filter(({ path }) => installScripts(path).includes('ibmtelemetry'));
    const allowed = telemetry
      .filter(({ name, version }) => decision(name, version) !== false)
      .map(({ name }) => name);

    expect(telemetry.map(({ name }) => name)).toContain('@carbon/react');
    expect(allowed).toEqual([]);
  });

  it('names only packages of the lock file that have an install script (no stale entry)', () => {
    const names = new Set(withInstallScript.map(({ name }) => name));
    const stale = Object.keys(allowScripts).filter((entry) => !names.has(entryName(entry)));

    expect(stale).toEqual([]);
  });
});
