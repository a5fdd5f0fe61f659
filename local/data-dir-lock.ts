import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lock file in DATA_DIR: its holder's pid and start time, as JSON. */
export const LOCK_FILE = 'runtime.lock';
/** A takeover of a stale lock older than this (ms) was abandoned by a runtime that died meanwhile. */
const TAKEOVER_STALE_MS = 10_000;

/** Another runtime holds the data directory: a second writer could corrupt DynamoDB Local's files. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another batch operations runtime (pid ${holder.pid}, started ${holder.startedAt}). Stop it first, or start this one with another DATA_DIR.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface LockHolder {
  pid: number;
  startedAt: string;
}

export interface DataDirLock {
  release(): void;
}

/**
 * Makes this process the only runtime on `dataDir`: creates the lock file exclusively (`wx`), or
 * refuses at once naming the running holder. A lock whose pid is no longer alive (a runtime killed
 * with SIGKILL) is stale and taken over; the takeover itself is exclusive (a `takeover` file created
 * with `wx`), so two runtimes starting together on a stale lock cannot both win.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, me)) return { release: () => release(path) };
    const holder = readHolder(path);
    if (holder && isAlive(holder.pid)) throw new DataDirLockedError(dataDir, holder);
    takeOverStale(path, holder);
  }
  const holder = readHolder(path);
  throw new DataDirLockedError(dataDir, holder ?? { pid: Number.NaN, startedAt: 'unknown' });
}

function tryCreate(path: string, holder: LockHolder): boolean {
  try {
    writeFileSync(path, JSON.stringify(holder), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Removes a stale lock, only while holding the exclusive takeover file and only if still the same one. */
function takeOverStale(path: string, stale: LockHolder | undefined) {
  const takeover = `${path}.takeover`;
  try {
    if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
  } catch {
    // No takeover in progress.
  }
  if (!tryCreate(takeover, { pid: process.pid, startedAt: new Date().toISOString() })) return;
  try {
    const current = readHolder(path);
    const same = current?.pid === stale?.pid && current?.startedAt === stale?.startedAt;
    if (same && !(current && isAlive(current.pid))) {
      // Renamed first so that the removal cannot take a lock someone else just created.
      const moved = `${path}.stale-${process.pid}`;
      renameSync(path, moved);
      rmSync(moved, { force: true });
    }
  } catch {
    // Gone meanwhile: the next attempt creates it.
  } finally {
    rmSync(takeover, { force: true });
  }
}

function release(path: string) {
  // Only our own lock: never one a later runtime took over.
  if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number'
      ? { pid: parsed.pid, startedAt: String(parsed.startedAt ?? 'unknown') }
      : undefined;
  } catch {
    // Unreadable or half-written (a runtime killed while writing it): treated as stale.
    return undefined;
  }
}

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
