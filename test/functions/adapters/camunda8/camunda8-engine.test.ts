import { JobKey, ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camunda8Client, camunda8ConnectionFromEnvironment } from '#adapters/camunda8/camunda8-config.ts';
import {
  Camunda8Engine,
  type Camunda8EngineSettings,
  camunda8EngineFromEnvironment,
} from '#adapters/camunda8/camunda8-engine.ts';
import type { BatchOperationType } from '#domain/batch/batch-operation.ts';
import { EngineUnavailableError } from '#domain/errors.ts';
import { QueryFailedError } from '#domain/initialization/item-provider/matching-instance-keys.ts';
import type { EngineItem, EngineSelection } from '#ports/engine.ts';
import { Camunda8Target, seedInstances } from '../../../helpers/camunda8-target.ts';

/**
 * The Camunda 8 adapter against a real second runtime serving the Camunda 8 /v2 wire: selection by
 * the cluster's search, each supported type applied through its per-item endpoint, the effect read
 * back, and sign-in with Basic and with OAuth at the target's own token issuer.
 */
const NOW = { consistency: { waitUpToMs: 0 } };
const SETTINGS: Camunda8EngineSettings = {
  retry: { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 1000, backoffFactor: 2 },
  concurrency: 4,
};
const NO_SUCH_INSTANCE = '2251799813999999';

let target: Camunda8Target;
let seeder: ReturnType<Camunda8Target['seeder']>;

beforeAll(async () => {
  target = await Camunda8Target.start();
  seeder = target.seeder();
});
afterAll(() => target?.dispose());

const engine = (settings: Partial<Camunda8EngineSettings> = {}) =>
  camunda8EngineFromEnvironment(target.basicEnvironment(), { ...SETTINGS, ...settings });

async function select(selection: EngineSelection, settings: Partial<Camunda8EngineSettings> = {}) {
  const items: EngineItem[] = [];
  const stats = { queryRetries: 0 };
  for await (const item of engine(settings).selectItems(selection, { whole: true }, stats)) items.push(item);
  return items;
}

const instanceItem = (key: string): EngineItem => ({ itemKey: key, processInstanceKey: key });
const batch = (batchOperationType: BatchOperationType, parameters?: unknown) => ({
  batchOperationKey: '2251799813700001',
  batchOperationType,
  parameters,
});
const stateOf = async (key: string) =>
  (await seeder.getProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(key) }, NOW)).state;

/** The cluster's own problem detail for a request, as the adapter should pass it on. */
async function refusalOf(request: Promise<unknown>): Promise<string> {
  const error = await request.then(
    () => undefined,
    (failure: unknown) => failure as { detail?: string },
  );
  if (!error?.detail) throw new Error('Expected the cluster to refuse the request with a problem detail');
  return error.detail;
}

describe('selection', () => {
  let matching: string[];
  let other: string[];
  beforeAll(async () => {
    matching = await seedInstances(seeder, 'c8-select', 7);
    other = await seedInstances(seeder, 'c8-select-other', 3);
  });

  it('selects exactly the instances the filter matches, page after page of the cluster search', async () => {
    const items = await select(
      { batchOperationType: 'CANCEL_PROCESS_INSTANCE', filter: { processDefinitionId: 'c8-select' } },
      { pageSize: 2 },
    );

    expect(items.map((item) => item.itemKey).sort()).toEqual([...matching].sort());
    expect(items.every((item) => item.processInstanceKey === item.itemKey)).toBe(true);
  });

  it('yields the listed keys first and then the matches not listed, each instance once', async () => {
    const items = await select(
      {
        batchOperationType: 'CANCEL_PROCESS_INSTANCE',
        filter: { processDefinitionId: 'c8-select' },
        processInstanceKeys: [other[0], matching[3], other[0]],
      },
      { pageSize: 3 },
    );

    const keys = items.map((item) => item.itemKey);
    expect(keys.slice(0, 2)).toEqual([other[0], matching[3]]);
    expect([...keys].sort()).toEqual([other[0], ...matching].sort());
  });

  it('selects the jobs of an UPDATE_JOB filter only, each item keyed by its job', async () => {
    const items = await select(
      // Listed instance keys name no job: a job batch takes its filter only.
      {
        batchOperationType: 'UPDATE_JOB',
        filter: { type: 'c8-select-job' },
        processInstanceKeys: [other[0]],
      },
      { pageSize: 4 },
    );

    const jobs = await seeder.searchJobs({ filter: { type: 'c8-select-job' }, page: { limit: 100 } }, NOW);
    expect(jobs.items).toHaveLength(7);
    expect(items.map((item) => [item.itemKey, item.processInstanceKey]).sort()).toEqual(
      jobs.items.map((job) => [String(job.jobKey), String(job.processInstanceKey)]).sort(),
    );
  });

  it('fails the selection with QUERY_FAILED when the cluster refuses the filter', async () => {
    await expect(
      select({ batchOperationType: 'CANCEL_PROCESS_INSTANCE', filter: { noSuchField: 1 } }),
    ).rejects.toThrow(QueryFailedError);
  });
});

describe('apply and appliedBy', () => {
  it('cancels each instance once and fails a finished or missing one with the cluster reason', async () => {
    const [finished, first, second, untouched] = await seedInstances(seeder, 'c8-cancel', 4);
    await seeder.cancelProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(finished) });
    const items = [finished, first, second, NO_SUCH_INSTANCE].map(instanceItem);
    const cancel = batch('CANCEL_PROCESS_INSTANCE');

    const before = await engine().appliedBy(cancel, [first, second].map(instanceItem));
    const results = await engine().applyItems(cancel, items);

    const finishedReason = await refusalOf(
      seeder.cancelProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(finished) }),
    );
    expect(finishedReason).toMatch(/TERMINATED/);
    expect(results).toEqual([
      { state: 'FAILED', errorClass: 'INVALID_STATE', errorMessage: finishedReason },
      { state: 'COMPLETED' },
      { state: 'COMPLETED' },
      { state: 'FAILED', errorClass: 'NOT_FOUND', errorMessage: expect.stringContaining(NO_SUCH_INSTANCE) },
    ]);
    expect([await stateOf(first), await stateOf(second), await stateOf(untouched)]).toEqual([
      'TERMINATED',
      'TERMINATED',
      'ACTIVE',
    ]);
    expect(before).toEqual([false, false]);
    expect(await engine().appliedBy(cancel, [first, second, untouched].map(instanceItem))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('completes an item whose cancellation landed though its answer was lost, not failing it as TERMINATED', async () => {
    const keys = await seedInstances(seeder, 'c8-lost', 2);
    // The first cancellation reaches the target and is applied; its answer never comes back.
    let lost = 0;
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/cancellation') && lost === 0) {
        lost++;
        throw new TypeError('fetch failed: the answer was lost on the way back');
      }
      return response;
    };
    const connection = camunda8ConnectionFromEnvironment(target.basicEnvironment());
    const engine = new Camunda8Engine(camunda8Client(connection, losingFetch), connection, {
      ...SETTINGS,
      concurrency: 1,
    });

    const results = await engine.applyItems(batch('CANCEL_PROCESS_INSTANCE'), keys.map(instanceItem));

    expect(lost).toBe(1);
    expect(results).toEqual([{ state: 'COMPLETED' }, { state: 'COMPLETED' }]);
    expect([await stateOf(keys[0]), await stateOf(keys[1])]).toEqual(['TERMINATED', 'TERMINATED']);
  });

  it('resolves every open incident of an instance; one without an incident fails', async () => {
    const keys = await seedInstances(seeder, 'c8-incident', 3);
    const { jobs } = await seeder.activateJobs({
      type: 'c8-incident-job',
      maxJobsToActivate: 2,
      timeout: 60_000,
      worker: 'test',
    });
    for (const job of jobs)
      await seeder.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'declined' });
    const withIncident = jobs.map((job) => String(job.processInstanceKey));
    const without = keys.filter((key) => !withIncident.includes(key));
    expect(without).toHaveLength(1);
    const resolve = batch('RESOLVE_INCIDENT');

    const before = await engine().appliedBy(resolve, withIncident.map(instanceItem));
    const results = await engine().applyItems(resolve, [...withIncident, ...without].map(instanceItem));

    expect(results).toEqual([
      { state: 'COMPLETED' },
      { state: 'COMPLETED' },
      {
        state: 'FAILED',
        errorClass: 'INVALID_STATE',
        errorMessage: `Expected to resolve the incidents of process instance with key '${without[0]}', but it has no open incident`,
      },
    ]);
    const open = await seeder.searchIncidents({ filter: { processDefinitionId: 'c8-incident' } }, NOW);
    expect(open.items.map((incident) => incident.state)).toEqual(['RESOLVED', 'RESOLVED']);
    const retried = await seeder.searchJobs({ filter: { type: 'c8-incident-job', state: 'FAILED' } }, NOW);
    expect(retried.items).toEqual([]);
    expect(before).toEqual([false, false]);
    expect(await engine().appliedBy(resolve, withIncident.map(instanceItem))).toEqual([true, true]);
  });

  it('updates each job with the changeset; a completed job fails with the cluster reason', async () => {
    await seedInstances(seeder, 'c8-jobs', 3);
    const [done] = (
      await seeder.activateJobs({
        type: 'c8-jobs-job',
        maxJobsToActivate: 1,
        timeout: 60_000,
        worker: 'test',
      })
    ).jobs;
    await seeder.completeJob({ jobKey: done.jobKey });
    const items = await select({ batchOperationType: 'UPDATE_JOB', filter: { type: 'c8-jobs-job' } });
    const open = items.filter((item) => item.itemKey !== String(done.jobKey));
    const update = batch('UPDATE_JOB', { changeset: { retries: 5 } });

    const before = await engine().appliedBy(update, open);
    const results = await engine().applyItems(update, items);

    const doneReason = await refusalOf(seeder.updateJob({ jobKey: done.jobKey, changeset: { retries: 5 } }));
    expect(results).toEqual(
      items.map((item) =>
        item.itemKey === String(done.jobKey)
          ? { state: 'FAILED', errorClass: 'INVALID_STATE', errorMessage: doneReason }
          : { state: 'COMPLETED' },
      ),
    );
    for (const item of open) {
      const found = await seeder.searchJobs({ filter: { jobKey: JobKey.assumeExists(item.itemKey) } }, NOW);
      expect(found.items[0].retries).toBe(5);
    }
    expect(before).toEqual([false, false]);
    expect(await engine().appliedBy(update, open)).toEqual([true, true]);
  });

  it('names why a type cannot run per item, and takes the rest as the cluster version allows', async () => {
    const camunda8 = engine();

    expect(await camunda8.unsupported('CANCEL_PROCESS_INSTANCE')).toBeUndefined();
    expect(await camunda8.unsupported('RESOLVE_INCIDENT')).toBeUndefined();
    expect(await camunda8.unsupported('UPDATE_JOB')).toBeUndefined();
    expect(await camunda8.unsupported('SUSPEND_PROCESS_INSTANCE')).toMatch(/no per-instance suspension/);
    expect(await camunda8.unsupported('SET_JOB_RETRIES')).toMatch(/classic engine/);
  });
});

describe('authentication', () => {
  it('signs in with OAuth client credentials at the target token issuer', async () => {
    const [key] = await seedInstances(seeder, 'c8-oauth', 1);
    const oauth = camunda8EngineFromEnvironment(target.oauthEnvironment(), SETTINGS);

    expect(await oauth.unsupported('CANCEL_PROCESS_INSTANCE')).toBeUndefined();
    expect(await oauth.applyItems(batch('CANCEL_PROCESS_INSTANCE'), [instanceItem(key)])).toEqual([
      { state: 'COMPLETED' },
    ]);
    expect(await stateOf(key)).toBe('TERMINATED');
  });

  it('refuses wrong Basic credentials and a wrong OAuth secret as the engine being unavailable', async () => {
    const [key] = await seedInstances(seeder, 'c8-wrong', 1);
    const wrongBasic = camunda8EngineFromEnvironment(target.basicEnvironment('wrong'), SETTINGS);
    const wrongOAuth = camunda8EngineFromEnvironment(target.oauthEnvironment('wrong'), SETTINGS);

    await expect(wrongBasic.unsupported('CANCEL_PROCESS_INSTANCE')).rejects.toThrow(EngineUnavailableError);
    await expect(
      wrongBasic.applyItems(batch('CANCEL_PROCESS_INSTANCE'), [instanceItem(key)]),
    ).rejects.toThrow(EngineUnavailableError);
    await expect(wrongOAuth.unsupported('CANCEL_PROCESS_INSTANCE')).rejects.toThrow(EngineUnavailableError);
    expect(await stateOf(key)).toBe('ACTIVE');
  });
});
