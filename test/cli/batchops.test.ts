import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../../local/free-port.ts';
import { apiClient, inParallel } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { runBatchopsInProcess } from './run-batchops.ts';

/**
 * `batchops` commands end to end against the embedded runtime through BATCHOPS_URL, each run in this
 * process (`runCli`, the entry bin/batchops.js calls) with a clean environment and piped output. The
 * child process as a user starts it is covered by connection.test.ts and terminal.test.ts.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let env: Record<string, string>;
let outputDir: string;
let orderKey: string;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '4', CHUNK_SIZE: '10' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  env = { BATCHOPS_URL: runtime.url };
  outputDir = mkdtempSync(join(tmpdir(), 'batchops-test-'));
  const order = await api.deploy(['e2e-order.bpmn'], 'tenant-a');
  expect(order.status).toBe(200);
  orderKey = order.body.deployments[0].processDefinition.processDefinitionKey;
});
afterAll(async () => {
  await runtime?.stop();
  if (outputDir) rmSync(outputDir, { recursive: true, force: true });
});

/** The CLI pointed at the runtime (BATCHOPS_URL), with any other variables given. */
function batchops(args: readonly string[], extra: Record<string, string> = {}) {
  return runBatchopsInProcess(args, { ...env, ...extra });
}

function startOrders(count: number, variables: Record<string, unknown>): Promise<string[]> {
  return inParallel(count, 8, async (index) => {
    const { status, body } = await api.post('/v2/process-instances', {
      processDefinitionKey: orderKey,
      tenantId: 'tenant-a',
      variables: { ...variables, index },
    });
    expect(status).toBe(200);
    return String(body.processInstanceKey);
  });
}

describe('batchops create', () => {
  it('dry-runs a cancellation: the exact count and sample keys, and creates nothing', async () => {
    // Prepare
    const keys = await startOrders(12, { wave: 'dry' });
    const before = await api.post('/v2/batch-operations/search', {});

    // Act
    const run = await batchops([
      'create',
      'cancel',
      '--filter',
      JSON.stringify({ processDefinitionKey: orderKey }),
      '--var',
      'wave=dry',
      '--dry-run',
      '--json',
    ]);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const result = run.json();
    expect(result.countedBy).toBe('dry-run');
    expect(result.batchOperationType).toBe('CANCEL_PROCESS_INSTANCE');
    expect(result.total).toBe(12);
    expect(result.shards.reduce((sum: number, shard: { count: number }) => sum + shard.count, 0)).toBe(12);
    expect(result.sampleProcessInstanceKeys).toHaveLength(10);
    for (const key of result.sampleProcessInstanceKeys) expect(keys).toContain(key);
    expect(result.request.body.filter).toEqual({
      processDefinitionKey: orderKey,
      variables: [{ name: 'wave', value: '"dry"' }],
    });
    const after = await api.post('/v2/batch-operations/search', {});
    expect(after.body.page.totalItems).toBe(before.body.page.totalItems);
  });

  it('creates a cancellation with --yes --watch --json and exits 0 once it COMPLETED', async () => {
    // Prepare
    const keys = await startOrders(25, { wave: 'watch' });

    // Act
    const run = await batchops(
      ['create', 'cancel', '--definition', 'e2e-order', '--tenant', 'tenant-a', '--var', 'wave=watch'].concat(
        ['--reason', 'faulty release', '--yes', '--watch', '--interval', '200', '--json'],
      ),
    );

    // Assess: stdout is the final batch, progress lines and the summary went to stderr.
    expect(run.code, run.stderr).toBe(0);
    const batch = run.json();
    expect(batch.state).toBe('COMPLETED');
    expect(batch.batchOperationType).toBe('CANCEL_PROCESS_INSTANCE');
    expect(batch.operationsTotalCount).toBe(25);
    expect(batch.operationsCompletedCount).toBe(25);
    expect(batch.operationsFailedCount).toBe(0);
    expect(batch.parameters).toEqual({ reason: 'faulty release' });
    expect(run.stderr).toMatch(/items\/s/);
    expect(run.stderr).toContain(
      `Batch ${batch.batchOperationKey} COMPLETED: 25 items, 25 completed, 0 failed`,
    );
    const instance = await api.get(`/v2/process-instances/${keys[0]}`);
    expect(instance.body.state).not.toBe('ACTIVE');
  });

  it('counts a suspension through its dry run, and says so', async () => {
    const wave = await startOrders(3, { wave: 'suspend' });
    const [other] = await startOrders(1, { wave: 'other' });

    // The union of the filter's 3 matches and 2 listed keys, one of which the filter matches too: 4.
    // Without --yes and without a terminal: the count, then a refusal to go on unasked.
    const run = await batchops([
      'create',
      'suspend',
      '--var',
      'wave=suspend',
      '--instance',
      wave[0],
      '--instance',
      other,
    ]);
    const dryRun = await batchops([
      'create',
      'suspend',
      '--var',
      'wave=suspend',
      '--instance',
      wave[0],
      '--instance',
      other,
      '--dry-run',
      '--json',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('This batch would act on 4 process instance(s), counted by the dry run.');
    expect(dryRun.code, dryRun.stderr).toBe(0);
    const result = dryRun.json();
    expect(result.countedBy).toBe('dry-run');
    expect(result.total).toBe(4);
    expect([...result.sampleProcessInstanceKeys].sort()).toEqual([...wave, other].sort());
    expect(result.batchOperationType).toBe('SUSPEND_PROCESS_INSTANCE');
    expect(result.request).toEqual({
      method: 'POST',
      path: '/v2/process-instances/suspension',
      body: {
        filter: { variables: [{ name: 'wave', value: '"suspend"' }] },
        processInstanceKeys: [wave[0], other],
      },
    });
  });

  it('refuses to create without --yes when it cannot ask (--json): exit 2, nothing created', async () => {
    await startOrders(2, { wave: 'confirm' });
    const before = await api.post('/v2/batch-operations/search', {});

    const run = await batchops(['create', 'cancel', '--var', 'wave=confirm', '--json']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Start CANCEL_PROCESS_INSTANCE batch against 2 process instance(s)');
    expect(run.stderr).toContain('pass --yes');
    expect(run.stdout).toBe('');
    const after = await api.post('/v2/batch-operations/search', {});
    expect(after.body.page.totalItems).toBe(before.body.page.totalItems);
  });
});

describe('batchops items, report, list, show', () => {
  let batchKey: string;
  let failedKeys: string[];

  beforeAll(async () => {
    // Two instances canceled beforehand: the batch fails their items (only ACTIVE ones can be canceled).
    const keys = await startOrders(8, { wave: 'report' });
    failedKeys = keys.slice(0, 2);
    for (const key of failedKeys) {
      expect((await api.post(`/v2/process-instances/${key}/cancellation`)).status).toBe(204);
    }
    const run = await batchops(['create', 'cancel', '--var', 'wave=report', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    batchKey = run.json().batchOperationKey;
    const batch = await api.finalBatch(batchKey);
    expect(batch.state).toBe('COMPLETED');
  });

  it('lists the FAILED items with their error message', async () => {
    const run = await batchops(['items', batchKey, '--state', 'FAILED', '--json']);

    expect(run.code, run.stderr).toBe(0);
    const result = run.json();
    expect(result.totalItems).toBe(2);
    expect(
      result.items.map((item: { processInstanceKey: string }) => item.processInstanceKey).sort(),
    ).toEqual([...failedKeys].sort());
    for (const item of result.items) {
      expect(item.state).toBe('FAILED');
      expect(item.errorMessage).toMatch(/only ACTIVE and SUSPENDED instances can be canceled/);
    }
  });

  it('lists every item as a table for people', async () => {
    const run = await batchops(['items', batchKey, '--all', '--limit', '3']);

    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ITEM\s+INSTANCE\s+STATE\s+PROCESSED\s+ERROR$/);
    expect(lines).toHaveLength(1 + 8 + 1);
    expect(lines.at(-1)).toBe('8 of 8 item(s)');
  });

  it('writes the report as CSV to a file', async () => {
    const file = join(outputDir, 'report.csv');

    const run = await batchops(['report', batchKey, '--format', 'csv', '--output', file, '--json']);

    expect(run.code, run.stderr).toBe(0);
    const csv = readFileSync(file, 'utf8').trimEnd().split(/\r?\n/);
    expect(csv[0]).toBe('batchOperationKey,itemKey,processInstanceKey,state,processedDate,errorMessage');
    expect(csv).toHaveLength(9);
    expect(csv.filter((line) => line.includes(',FAILED,'))).toHaveLength(2);
    expect(run.json()).toEqual({
      batchOperationKey: batchKey,
      format: 'csv',
      output: file,
      bytes: readFileSync(file).length,
    });
  });

  it('streams the report as JSON Lines to stdout', async () => {
    const run = await batchops(['report', batchKey, '--format', 'jsonl']);

    expect(run.code, run.stderr).toBe(0);
    const items = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(items).toHaveLength(8);
    expect(items.filter((item) => item.state === 'COMPLETED')).toHaveLength(6);
    expect(
      items
        .filter((item) => item.state === 'FAILED')
        .map((item) => item.processInstanceKey)
        .sort(),
    ).toEqual([...failedKeys].sort());
  });

  it('shows the batch and finds it in the list', async () => {
    const show = await batchops(['show', batchKey]);
    const list = await batchops(['list', '--type', 'CANCEL_PROCESS_INSTANCE', '--limit', '50', '--json']);

    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^Key:\\s+${batchKey}$`, 'm'));
    expect(show.stdout).toMatch(/^Items:\s+8\/8 processed, 6 completed, 2 failed$/m);
    expect(show.stdout).toMatch(/^Failed items:\s+2 × /m);
    expect(list.code, list.stderr).toBe(0);
    const listed = list
      .json()
      .items.find((item: { batchOperationKey: string }) => item.batchOperationKey === batchKey);
    expect(listed.state).toBe('COMPLETED');
  });

  it('retries the failed items as a new batch and watches it', async () => {
    const run = await batchops(['retry-failed', batchKey, '--yes', '--watch', '--interval', '200', '--json']);

    // The retried items still cannot be canceled: the new batch COMPLETED with 2 failed items.
    expect(run.code, run.stderr).toBe(0);
    const batch = run.json();
    expect(batch.batchOperationKey).not.toBe(batchKey);
    expect(batch.state).toBe('COMPLETED');
    expect(batch.operationsTotalCount).toBe(2);
    expect(batch.operationsFailedCount).toBe(2);
  });
});

describe('batchops suspend, resume, cancel and watch of a slow batch', () => {
  it('suspends, resumes and cancels a batch; watching the CANCELED batch exits 1', async () => {
    // Prepare: a rate of 2 items/s keeps the batch running while the commands act on it.
    await startOrders(60, { wave: 'controls' });
    const created = await batchops([
      'create',
      'cancel',
      '--var',
      'wave=controls',
      '--items-per-second',
      '2',
      '--yes',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const key = created.json().batchOperationKey;

    // Act and assess
    const suspended = await batchops(['suspend', key, '--json']);
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(suspended.json().state).toBe('SUSPENDED');
    const resumed = await batchops(['resume', key, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json().state).not.toBe('SUSPENDED');
    const canceled = await batchops(['cancel', key, '--yes', '--json']);
    expect(canceled.code, canceled.stderr).toBe(0);
    expect(canceled.json().state).toBe('CANCELED');
    const watched = await batchops(['watch', key, '--interval', '200', '--json']);
    expect(watched.code).toBe(1);
    expect(watched.json().state).toBe('CANCELED');
    expect(watched.stderr).toContain(`Batch ${key} CANCELED`);
  });
});

describe('batchops exit codes', () => {
  it('exits 1 when a watched batch ends FAILED (its failure threshold was crossed)', async () => {
    // Deleting running instances fails every item; a threshold of 10 % after 1 item ends the batch FAILED.
    await startOrders(5, { wave: 'threshold' });

    const run = await batchops([
      'create',
      'delete',
      '--var',
      'wave=threshold',
      '--failure-threshold',
      '10:1',
      '--yes',
      '--watch',
      '--interval',
      '200',
      '--json',
    ]);

    expect(run.code, run.stderr).toBe(1);
    const batch = run.json();
    expect(batch.state).toBe('FAILED');
    expect(batch.errors.at(-1).message).toMatch(/failed/i);
  });

  it('exits 1 for a batch COMPLETED with failed items under --fail-on-failed-items, and 0 without it', async () => {
    // Prepare: one of three instances is canceled already, so the batch's item for it fails.
    const keys = await startOrders(3, { wave: 'failed-items' });
    expect((await api.post(`/v2/process-instances/${keys[0]}/cancellation`, {})).status).toBe(204);
    const created = await batchops(['create', 'cancel', '--var', 'wave=failed-items', '--yes', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.json().batchOperationKey;

    // Act
    const strict = await batchops(['watch', key, '--fail-on-failed-items', '--interval', '200', '--json']);
    const lenient = await batchops(['watch', key, '--interval', '200', '--json']);

    // Assess
    expect(strict.json()).toMatchObject({ state: 'COMPLETED', operationsFailedCount: 1 });
    expect(strict.code).toBe(1);
    expect(lenient.code).toBe(0);
  });

  it("exits 2 before sending anything for a rate below the deployment's minimum or an instance state Camunda lacks", async () => {
    const before = await api.post('/v2/batch-operations/search', {});

    const runs = await Promise.all([
      batchops(['create', 'cancel', '--definition', 'x', '--items-per-second', '0.5', '--yes']),
      batchops(['create', 'cancel', '--definition', 'x', '--state', 'RUNNING', '--yes']),
    ]);

    expect(runs.map((run) => run.code)).toEqual([2, 2]);
    expect(runs[0].stderr).toBe(
      "batchops: --items-per-second must be at least 0.67 on this deployment: the rate is shared by its 4 shards, and each shard's chunk of 10 items must finish within 60 s\n",
    );
    expect(runs[1].stderr).toContain("argument 'RUNNING' is invalid");
    const after = await api.post('/v2/batch-operations/search', {});
    expect(after.body.page.totalItems).toBe(before.body.page.totalItems);
  });

  it('exits 2 on an unknown command, type or flag, and on a bad flag value', async () => {
    const runs = await Promise.all([
      batchops(['frobnicate']),
      batchops(['create', 'obliterate', '--definition', 'x', '--yes']),
      batchops(['create', 'cancel', '--definition', 'x', '--colour', 'red']),
      batchops(['list', '--limit', 'many']),
      batchops(['create', 'cancel', '--yes']),
    ]);

    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2, 2]);
    expect(runs[0].stderr).toContain("unknown command 'frobnicate'");
    expect(runs[1].stderr).toContain("unknown command 'obliterate'");
    expect(runs[2].stderr).toContain("unknown option '--colour'");
    expect(runs[3].stderr).toContain("--limit must be an integer of at least 1, got 'many'");
    expect(runs[4].stderr).toContain('a filter is required');
  });

  it('exits 3 when the service cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there, the connection is refused.
    const port = await freePort();
    const run = await batchops(['list'], { BATCHOPS_URL: `http://127.0.0.1:${port}` });

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        `^batchops: Cannot reach http://127\\.0\\.0\\.1:${port} \\(user demo, the local default, password \\*\\*\\*\\): ECONNREFUSED`,
      ),
    );
  });

  it('exits 1 with the problem detail in one line on an API error', async () => {
    const run = await batchops(['show', '2251799813999999']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "batchops: 404 NOT_FOUND: Batch operation with key '2251799813999999' not found (/v2/batch-operations/2251799813999999)\n",
    );
  });

  it('exits 1 with the 400 problem detail when the API refuses the filter', async () => {
    const run = await batchops(['create', 'cancel', '--filter', '{"processDefinitionIdd":"x"}', '--dry-run']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^batchops: 400 INVALID_ARGUMENT: .*processDefinitionIdd.*\n$/);
  });
});

describe('batchops seed', () => {
  it('seeds N instances across definitions, versions and tenants, with incidents and completed ones', async () => {
    const before = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionId: { $like: 'demo-*' } },
    });
    expect(before.body.page.totalItems).toBe(0);

    const run = await batchops(['seed', '--count', '60', '--json']);

    expect(run.code, run.stderr).toBe(0);
    const summary = run.json();
    expect(summary.instances).toBe(60);
    const count = async (filter: Record<string, unknown>) =>
      (
        await api.post('/v2/process-instances/search', {
          filter: { processDefinitionId: { $like: 'demo-*' }, ...filter },
        })
      ).body.page.totalItems;
    expect(await count({})).toBe(60);
    expect(summary.incidents).toBeGreaterThan(0);
    expect(await count({ hasIncident: true })).toBe(summary.incidents);
    expect(summary.completedInstances).toBeGreaterThan(0);
    expect(await count({ state: 'COMPLETED' })).toBe(summary.completedInstances);
    const ids = new Set(
      summary.definitions.map((d: { processDefinitionId: string }) => d.processDefinitionId),
    );
    expect([...ids].sort()).toEqual(['demo-invoice', 'demo-onboarding', 'demo-order']);
    const orderVersions = new Set(
      summary.definitions
        .filter((d: { processDefinitionId: string }) => d.processDefinitionId === 'demo-order')
        .map((d: { version: number }) => d.version),
    );
    expect([...orderVersions].sort()).toEqual([1, 2]);
    expect(Object.keys(summary.tenants).sort()).toEqual(['<default>', 'acme', 'globex']);
    for (const tenant of Object.keys(summary.tenants)) {
      expect(await count({ tenantId: tenant })).toBe(summary.tenants[tenant]);
    }
    expect(run.stderr).toMatch(/seeding {2}start/);
  });
});

describe('batchops --help', () => {
  it('matches its snapshot at 100 columns, generated from the command table', async () => {
    const [root, create, cancel] = await Promise.all([
      batchops(['--help']),
      batchops(['create', '--help']),
      batchops(['create', 'cancel', '--help']),
    ]);

    expect([root.code, create.code, cancel.code]).toEqual([0, 0, 0]);
    expect(root.stdout).toMatchSnapshot('batchops --help');
    expect(create.stdout).toMatchSnapshot('batchops create --help');
    expect(cancel.stdout).toMatchSnapshot('batchops create cancel --help');
  });
});
