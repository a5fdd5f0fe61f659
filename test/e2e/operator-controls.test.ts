import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, services, setClock } from '#commons/services.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * The operator's controls (issue 27) end to end on the embedded runtime: an honest view of a batch to
 * its end (shard states, current rate, estimated end), the live changes of a running batch, scheduled
 * starts and maintenance windows. The service's clock is injected: a test moves it ahead instead of
 * waiting for a schedule or a window.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let nextSequence = 70_000;
/** How far the service's clock is ahead of the wall clock (ms). */
let clockAhead = 0;
setClock(() => new Date(Date.now() + clockAhead));
const HOUR = 3_600_000;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    // Every batch here goes through the engine's shared budget, far above their own rates.
    config: { SHARD_COUNT: '2', CHUNK_SIZE: '10', ENGINE_MAX_ITEMS_PER_SECOND: '500' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

/** Seeds `count` active instances of a definition of their own. */
async function seed(count: number) {
  const processDefinitionId = `controls-${nextSequence}`;
  const instances = Array.from({ length: count }, () =>
    processInstance(nextSequence++, { processDefinitionId }),
  );
  await services().instances.putInstances(instances);
  return { filter: { processDefinitionId } };
}

/** Polls the batch until `accept` returns a value for its body. */
function batchWhen<T>(key: string, accept: (body: Record<string, unknown>) => T | undefined) {
  let last: unknown;
  return eventually(
    async () => {
      const { body } = await api.get(`/v2/batch-operations/${key}`);
      last = body;
      return accept(body);
    },
    () => `batch ${key}: ${JSON.stringify(last)}`,
  );
}

describe('a batch read to its end', () => {
  it("shows its current rate and estimated end while it runs, and a COMPLETED batch's shards all read a final state", async () => {
    const created = await api.post('/v2/process-instances/cancellation', {
      ...(await seed(40)),
      itemsPerSecond: 4,
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey;
    const running = await batchWhen(key, (body) =>
      body.state === 'ACTIVE' && typeof body.estimatedEndDate === 'string' ? body : undefined,
    );
    expect(running.currentItemsPerSecond).toBeGreaterThan(0);
    expect(running.currentItemsPerSecond).toBeLessThanOrEqual(8);
    expect(Date.parse(running.estimatedEndDate as string)).toBeGreaterThan(Date.now());
    const done = await api.finalBatch(key);
    expect(done).toMatchObject({
      state: 'COMPLETED',
      operationsCompletedCount: 40,
      currentItemsPerSecond: null,
      estimatedEndDate: null,
    });
    expect(done.shards.map((shard: { state: string }) => shard.state)).toEqual(['COMPLETED', 'COMPLETED']);
  });
});

describe('live changes', () => {
  it('takes a new rate while the batch runs, shows it in the measured rate and records it in the audit log', async () => {
    const created = await api.post('/v2/process-instances/cancellation', {
      ...(await seed(120)),
      itemsPerSecond: 2,
    });
    const key = created.body.batchOperationKey;
    const slow = await batchWhen(key, (body) =>
      (body.currentItemsPerSecond as number) > 0 ? body : undefined,
    );
    expect(slow.currentItemsPerSecond).toBeLessThanOrEqual(4);
    const patched = await api.patch(`/v2/extensions/batch-operations/${key}`, {
      itemsPerSecond: 40,
      priority: 50,
    });
    expect(patched).toMatchObject({
      status: 200,
      body: { batchOperationKey: key, itemsPerSecond: 40, priority: 50 },
    });
    const fast = await batchWhen(key, (body) =>
      (body.currentItemsPerSecond as number) >= 10 || body.state !== 'ACTIVE' ? body : undefined,
    );
    expect(fast).toMatchObject({ itemsPerSecond: 40, priority: 50 });
    expect(await api.finalBatch(key)).toMatchObject({ state: 'COMPLETED', operationsCompletedCount: 120 });
    const audit = await api.get(`/v2/extensions/batch-operations/${key}/audit-log`);
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual(['CREATE', 'UPDATE']);
    expect(audit.body.items[1]).toMatchObject({
      actorId: 'demo',
      changes: { itemsPerSecond: 40, priority: 50 },
    });
  });

  it('refuses a change of an ended batch (409), an unknown field or an empty change (400)', async () => {
    const created = await api.post('/v2/process-instances/cancellation', await seed(2));
    const key = created.body.batchOperationKey;
    await api.finalBatch(key);
    const ended = await api.patch(`/v2/extensions/batch-operations/${key}`, { priority: 5 });
    expect(ended).toMatchObject({ status: 409, body: { title: 'INVALID_STATE' } });
    expect(ended.body.detail).toContain('it is COMPLETED');
    const unknown = await api.patch(`/v2/extensions/batch-operations/${key}`, { windows: [] });
    expect(unknown.status).toBe(400);
    const empty = await api.patch(`/v2/extensions/batch-operations/${key}`, {});
    expect(empty).toMatchObject({ status: 400, body: { title: 'INVALID_ARGUMENT' } });
    const missing = await api.patch('/v2/extensions/batch-operations/2251799813699999', { priority: 5 });
    expect(missing.status).toBe(404);
  });
});

describe('scheduled start', () => {
  it('does nothing until its time, holding no execution, then starts and completes', async () => {
    const startAt = new Date(now().getTime() + HOUR).toISOString();
    const created = await api.post('/v2/process-instances/cancellation', { ...(await seed(12)), startAt });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey;
    const waiting = await api.get(`/v2/batch-operations/${key}`);
    expect(waiting.body).toMatchObject({ state: 'CREATED', scheduledFor: startAt, operationsTotalCount: 0 });
    expect(await services().workflow.isRunning(key)).toBe(false);
    // The service's clock passes the start time: the timer fires, the batch runs to its end.
    clockAhead += HOUR;
    const done = await api.finalBatch(key);
    expect(done).toMatchObject({ state: 'COMPLETED', operationsCompletedCount: 12, scheduledFor: null });
    const audit = await api.get(`/v2/extensions/batch-operations/${key}/audit-log`);
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual(['CREATE', 'START']);
    expect(audit.body.items[1]).toMatchObject({
      actorType: 'SYSTEM',
      reason: `Scheduled start at ${startAt}`,
    });
  });

  it('can be started now, or canceled while it waits (CANCELED at once), but not suspended', async () => {
    const startAt = new Date(now().getTime() + 2 * HOUR).toISOString();
    const first = await api.post('/v2/process-instances/cancellation', { ...(await seed(4)), startAt });
    const suspend = await api.post(`/v2/batch-operations/${first.body.batchOperationKey}/suspension`);
    expect(suspend.status).toBe(409);
    const started = await api.post(`/v2/extensions/batch-operations/${first.body.batchOperationKey}/start`);
    expect(started.status).toBe(204);
    expect(await api.finalBatch(first.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsCompletedCount: 4,
    });
    const again = await api.post(`/v2/extensions/batch-operations/${first.body.batchOperationKey}/start`);
    expect(again).toMatchObject({ status: 409, body: { title: 'INVALID_STATE' } });

    const second = await api.post('/v2/process-instances/cancellation', { ...(await seed(4)), startAt });
    const cancel = await api.post(`/v2/batch-operations/${second.body.batchOperationKey}/cancellation`);
    expect(cancel.status).toBe(204);
    const canceled = await api.get(`/v2/batch-operations/${second.body.batchOperationKey}`);
    expect(canceled.body).toMatchObject({ state: 'CANCELED', scheduledFor: null });
    clockAhead += 2 * HOUR;
    expect((await api.get(`/v2/batch-operations/${second.body.batchOperationKey}`)).body.state).toBe(
      'CANCELED',
    );
  });

  it('refuses a start time that has passed or is not a date-time with an offset', async () => {
    const past = await api.post('/v2/process-instances/cancellation', {
      ...(await seed(1)),
      startAt: new Date(now().getTime() - 60_000).toISOString(),
    });
    expect(past).toMatchObject({ status: 400, body: { title: 'INVALID_ARGUMENT' } });
    expect(past.body.detail).toContain('startAt must lie in the future');
    const local = await api.post('/v2/process-instances/cancellation', {
      ...(await seed(1)),
      startAt: '2030-01-01T10:00:00',
    });
    expect(local.status).toBe(400);
  });
});

describe('maintenance windows', () => {
  /** Sets the service's clock to `iso` (it runs on from there with the wall clock). */
  const clockAt = (iso: string) => {
    clockAhead = Date.parse(iso) - Date.now();
  };

  it('pauses a batch when its window closes mid-batch and resumes it at the next opening, to exact counts', async () => {
    // Wednesday 2 January 2030, inside the window of Wednesday and Thursday 10:00–11:00 UTC.
    clockAt('2030-01-02T10:00:00Z');
    const windows = [{ days: ['WED', 'THU'], from: '10:00', to: '11:00', timeZone: 'UTC' }];
    const created = await api.post('/v2/process-instances/cancellation', {
      ...(await seed(60)),
      itemsPerSecond: 6,
      windows,
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey;
    await batchWhen(key, (body) => ((body.operationsCompletedCount as number) > 0 ? body : undefined));

    // The window closes: the batch pauses itself once the items in flight have finished.
    clockAt('2030-01-02T11:00:00Z');
    const paused = await batchWhen(key, (body) => (body.state === 'SUSPENDED' ? body : undefined));
    expect(paused.windowPausedAt).toEqual(expect.stringMatching(/^2030-01-02T11:00/));
    expect(paused.operationsCompletedCount).toBeLessThan(60);
    expect((await api.get(`/v2/batch-operations/${key}`)).body.operationsCompletedCount).toBe(
      paused.operationsCompletedCount,
    );

    // Thursday's window opens: the scheduled resumption wakes it, and it ends with every item once.
    clockAt('2030-01-03T10:00:00Z');
    await api.patch(`/v2/extensions/batch-operations/${key}`, { itemsPerSecond: 60 });
    const done = await api.finalBatch(key);
    expect(done).toMatchObject({
      state: 'COMPLETED',
      operationsCompletedCount: 60,
      operationsFailedCount: 0,
    });
    expect(done.windowPausedAt).toBeUndefined();
    const audit = await api.get(`/v2/extensions/batch-operations/${key}/audit-log`);
    const actions = audit.body.items.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(['CREATE', 'SUSPEND', 'UPDATE', 'RESUME']);
    const [, pause, , resume] = audit.body.items;
    expect(pause).toMatchObject({ actorType: 'SYSTEM', actorId: 'maintenance-window' });
    expect(pause.reason).toBe(
      'Outside every maintenance window (WED,THU 10:00–11:00 UTC); the next opens at 2030-01-03T10:00:00.000Z',
    );
    expect(resume).toMatchObject({
      actorType: 'SYSTEM',
      reason: 'Maintenance window open (WED,THU 10:00–11:00 UTC)',
    });
  });

  it('refuses a window with an unknown day, a time that is not HH:MM or an unknown time zone', async () => {
    const filter = await seed(1);
    for (const window of [
      { days: ['SAT', 'HOLIDAY'], from: '22:00', to: '05:00', timeZone: 'Europe/Berlin' },
      { days: ['SAT'], from: '10pm', to: '05:00', timeZone: 'Europe/Berlin' },
      { days: ['SAT'], from: '22:00', to: '05:00', timeZone: 'Mars/Olympus' },
    ]) {
      const refused = await api.post('/v2/process-instances/cancellation', { ...filter, windows: [window] });
      expect(refused).toMatchObject({ status: 400, body: { title: 'INVALID_ARGUMENT' } });
    }
  });
});
