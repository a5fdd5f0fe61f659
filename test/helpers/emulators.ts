import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { SharedEmulators } from '../../local/embedded-runtime.ts';
import { LOCAL_REGION, namespaceCredentials } from '../../local/emulator-process.ts';

/**
 * The run's shared emulators (test/global-setup.ts) under a namespace no other runtime or store of the
 * run uses: a fresh DynamoDB database (its access key) and its own queue names.
 */
export function sharedEmulators(): SharedEmulators {
  return { ...inject('emulators'), namespace: `t${randomUUID().replaceAll('-', '').slice(0, 12)}` };
}

/** SDK client settings for a namespace's database on the shared DynamoDB Local. */
export function clientSettings(emulators: SharedEmulators) {
  return {
    endpoint: emulators.dynamodb,
    region: LOCAL_REGION,
    credentials: namespaceCredentials(emulators.namespace),
  };
}
