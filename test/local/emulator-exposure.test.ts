import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import type { Emulator } from '../../local/emulator-process.ts';
import { startSqsEmulator } from '../../local/sqs-emulator.ts';

/**
 * What the emulators expose beyond the runtime, read from Linux's /proc (the machines this runs on):
 * the SQS emulator listens on loopback only, and DynamoDB Local runs with its telemetry off.
 */
let sqs: Emulator;
let dynamo: Emulator;

beforeAll(async () => {
  [sqs, dynamo] = await Promise.all([startSqsEmulator(), startDynamoDbLocal()]);
});
afterAll(async () => {
  await Promise.all([sqs?.stop(), dynamo?.stop()]);
});

const portOf = (emulator: Emulator) => Number(new URL(emulator.endpoint).port);

/** The local addresses (hex, as /proc/net/tcp{,6} writes them) of the sockets listening on `port`. */
function listeningAddresses(port: number): string[] {
  const LISTEN = '0A';
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(([, local, , state]) => state === LISTEN && Number.parseInt(local.split(':')[1], 16) === port)
      .map(([, local]) => local.split(':')[0]),
  );
}

/** The command lines of the running processes whose arguments include `-port <port>`. */
function commandLinesWithPort(port: number): string[][] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')];
      } catch {
        return []; // gone meanwhile
      }
    })
    .filter((args) => args.some((arg, index) => arg === '-port' && args[index + 1] === String(port)));
}

describe('the emulators', () => {
  it('has the SQS emulator listen on 127.0.0.1 only', () => {
    // 127.0.0.1 in /proc/net/tcp's little-endian hex.
    expect(listeningAddresses(portOf(sqs))).toEqual(['0100007F']);
  });

  it('runs DynamoDB Local with its telemetry off', () => {
    const javaCommands = commandLinesWithPort(portOf(dynamo)).filter((args) =>
      args.some((arg) => arg.endsWith('DynamoDBLocal.jar')),
    );
    expect(javaCommands).toHaveLength(1);
    expect(javaCommands[0]).toContain('-disableTelemetry');
  });
});
