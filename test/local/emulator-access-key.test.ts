import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptSharedDatabase, emulatorAccessKey } from '../../local/emulator-access-key.ts';
import { LOCAL_REGION, namespaceCredentials } from '../../local/emulator-process.ts';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The probe made itself an authorization admin by a PutItem into DynamoDB Local with made-up
 * credentials. A runtime on its own emulators now keeps its tables in the database of a random access
 * key: anyone else finds an empty one.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'batch-operations-key-'));
let runtime: EmbeddedRuntime;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, dataDir });
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the runtime's own DynamoDB Local", () => {
  it('keeps its access key in DATA_DIR, readable by its owner only', () => {
    const file = join(dataDir, 'emulator-access-key');
    expect(readFileSync(file, 'utf8')).toMatch(/^[A-Z0-9]{32}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(emulatorAccessKey(dataDir)).toBe(readFileSync(file, 'utf8'));
  });

  it('shows a client with made-up credentials none of its tables, and takes no write into them', async () => {
    const eve = apiClient(
      runtime.url,
      `Bearer ${(await apiClient(runtime.url).post('/v2/extensions/auth/token', { claims: { sub: 'eve' } })).body.access_token}`,
    );
    const outsider = new DynamoDBClient({
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'made', secretAccessKey: 'up' },
    });
    const runtimeClient = new DynamoDBClient({
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      region: LOCAL_REGION,
      credentials: namespaceCredentials(emulatorAccessKey(dataDir)),
    });
    try {
      // The runtime's own key sees its tables, the authorizations table among them.
      const own = await runtimeClient.send(new ListTablesCommand({}));
      const authorizations = own.TableNames?.find((name) => /authorization/i.test(name));
      expect(authorizations).toMatch(/authorization/i);
      const tables = await outsider.send(new ListTablesCommand({}));
      const write = outsider.send(
        new PutItemCommand({
          TableName: authorizations,
          Item: { pk: { S: 'USER#eve' }, sk: { S: 'AUTHORIZATION#x' } },
        }),
      );

      expect(tables.TableNames).toEqual([]);
      await expect(write).rejects.toThrow(/non-existent table|not found/i);
    } finally {
      outsider.destroy();
      runtimeClient.destroy();
    }
    const grant = await eve.post('/v2/authorizations', {
      ownerId: 'eve',
      ownerType: 'USER',
      resourceType: 'AUTHORIZATION',
      resourceId: '*',
      permissionTypes: ['CREATE'],
    });
    expect(grant.status).toBe(403);
  });
});

describe('a DATA_DIR of a version that shared one database', () => {
  it("becomes the key's database, and an existing one of the key is left alone", () => {
    const dir = mkdtempSync(join(tmpdir(), 'batch-operations-adopt-'));
    try {
      writeFileSync(join(dir, 'shared-local-instance.db'), 'tables');
      adoptSharedDatabase(dir, 'KEY1');
      expect(readFileSync(join(dir, `KEY1_${LOCAL_REGION}.db`), 'utf8')).toBe('tables');
      expect(existsSync(join(dir, 'shared-local-instance.db'))).toBe(false);
      writeFileSync(join(dir, 'shared-local-instance.db'), 'older');
      adoptSharedDatabase(dir, 'KEY1');
      expect(readFileSync(join(dir, `KEY1_${LOCAL_REGION}.db`), 'utf8')).toBe('tables');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
