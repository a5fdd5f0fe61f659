import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Builds the web console with Vite unless console/dist is newer than everything it is built from
 * (sources, index.html, public/, the Vite config, the lock file). `npm start` (prestart) and the
 * console tests (vitest globalSetup) call it, so a fresh clone serves and tests a current build.
 */
const CONSOLE = import.meta.dirname;
const BUILT = join(CONSOLE, 'dist', 'index.html');
const INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', '../package-lock.json'].map((path) =>
  resolve(CONSOLE, path),
);

function newestChange(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

export function consoleBuildIsCurrent(): boolean {
  const built = statSync(BUILT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built > 0 && INPUTS.every((input) => newestChange(input) <= built);
}

export function buildConsoleIfNeeded(): void {
  if (consoleBuildIsCurrent()) return;
  const started = Date.now();
  execFileSync(
    process.execPath,
    [resolve(CONSOLE, '../node_modules/vite/bin/vite.js'), 'build', CONSOLE, '--logLevel', 'warn'],
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  console.error(`Web console built in ${((Date.now() - started) / 1000).toFixed(1)} s (console/dist).`);
}

/** Vitest globalSetup entry. */
export default function setup(): void {
  buildConsoleIfNeeded();
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) buildConsoleIfNeeded();
