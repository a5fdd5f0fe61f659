import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_REGION } from './emulator-process.ts';

/** Where the key lives in DATA_DIR, readable by its owner only. */
const KEY_FILE = 'emulator-access-key';

/** DynamoDB Local's database of all keys, used by older versions (run with -sharedDb). */
const SHARED_DATABASE = 'shared-local-instance.db';

/**
 * The access key id of this runtime's own emulators. DynamoDB Local without -sharedDb keeps a separate
 * database per access key id, so a client that makes credentials up (any other local process) finds
 * an empty database, not the runtime's tables. Made at first start (128 random bits; DynamoDB Local
 * takes letters and digits only) and kept in DATA_DIR with owner-only permissions, so a restart finds
 * its data again.
 */
export function emulatorAccessKey(dataDir: string): string {
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (/^[A-Z0-9]{32}$/.test(key)) return key;
    throw new Error(
      `${file} does not hold an emulator access key (32 letters and digits): remove it to make a new one`,
    );
  }
  const key = randomBytes(16).toString('hex').toUpperCase();
  writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  return key;
}

/**
 * A DATA_DIR of a version that ran DynamoDB Local with -sharedDb: its one database becomes the
 * database of the key, so the data stays where the runtime looks for it.
 */
export function adoptSharedDatabase(dynamoDir: string, accessKey: string): void {
  const shared = join(dynamoDir, SHARED_DATABASE);
  const own = join(dynamoDir, `${accessKey}_${LOCAL_REGION}.db`);
  if (existsSync(shared) && !existsSync(own)) renameSync(shared, own);
}
