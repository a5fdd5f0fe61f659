import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiClient, Json } from './api-client.ts';
import { CliError, EXIT, UsageError } from './errors.ts';
import { FILTER_OPTIONS, type FilterFlags, selectionFrom } from './filter.ts';
import type { CliIo } from './io.ts';
import {
  CREATE_OPTIONS,
  controlsFrom,
  FAILURE_THRESHOLD_OPTION,
  liveControlsFrom,
  OPERATIONS,
  type OperationSpec,
  PRIORITY_OPTION,
} from './operations.ts';
import { integerArg, numberArg, type OptionSpec } from './option-spec.ts';
import type { CommandResult, Output } from './render.ts';
import { DEFAULT_SEED_CONCURRENCY, DEFAULT_SEED_COUNT, seedDemoData } from './seed.ts';
import { showSeedProgress } from './seed-progress.ts';
import { DEFAULT_WATCH_INTERVAL_MS, watchBatch } from './watch.ts';

type Flags = Record<string, unknown>;

/** What a handler gets: the API (built from the connection flags on first use), the streams, --json. */
export interface CommandContext {
  readonly api: ApiClient;
  readonly io: CliIo;
  readonly json: boolean;
  /** Asks y/N on the terminal (stderr); only called where a terminal is there to answer. */
  confirm(message: string): Promise<boolean>;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
}

/**
 * A command as declared once: the program builds commander commands, `--help` and the reference in
 * docs/cli.md from these. Handlers return data; they never print it or exit.
 */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly args?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  readonly examples?: readonly string[];
  readonly run?: (context: CommandContext, args: string[], flags: Flags) => Promise<CommandResult>;
  readonly subcommands?: readonly CommandSpec[];
}

/** Flags every command takes (the program's own). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { flags: '--url <url>', description: 'service URL (env BATCHOPS_URL; default http://127.0.0.1:8080)' },
  { flags: '--token <token>', description: 'bearer token (env BATCHOPS_TOKEN)' },
  { flags: '--user <name>', description: 'Basic user (env BATCHOPS_USER; demo on a loopback URL)' },
  { flags: '--password <password>', description: 'Basic password (env BATCHOPS_PASSWORD)' },
  { flags: '--json', description: 'print data as JSON (for scripts)' },
];

const KEY_ARG: ArgumentSpec = { name: 'key', description: 'batch operation key' };
const WATCH_INTERVAL: OptionSpec = {
  flags: '--interval <ms>',
  description: 'poll interval while watching',
  parse: integerArg('--interval', 100),
  defaultValue: DEFAULT_WATCH_INTERVAL_MS,
};
// Camunda's COMPLETED says every item was processed, not that none failed: scripts that care ask.
const FAIL_ON_FAILED_ITEMS: OptionSpec = {
  flags: '--fail-on-failed-items',
  description: 'while watching: exit 1 also when the batch COMPLETED with failed items',
};
const ITEM_STATES = ['ACTIVE', 'COMPLETED', 'SKIPPED', 'CANCELED', 'FAILED'] as const;
const BATCH_STATES = [
  'CREATED',
  'ACTIVE',
  'SUSPENDED',
  'COMPLETED',
  'PARTIALLY_COMPLETED',
  'CANCELED',
  'FAILED',
] as const;

const batchPath = (key: string) => `/v2/batch-operations/${encodeURIComponent(checkKey(key))}`;

function checkKey(key: string): string {
  if (!/^\d{1,19}$/.test(key)) throw new UsageError(`a batch operation key is digits, got '${key}'`);
  return key;
}

/** The batch as a person reads it (`show`, and the end of `watch`). */
/**
 * A batch as a record; `withControls` adds how it runs (schedule, priority, rates, windows), for
 * `show` and the commands that change them (a watch's summary stays short).
 */
function batchRecord(batch: Json, withControls = false): Output {
  const processed = Number(batch.operationsCompletedCount) + Number(batch.operationsFailedCount);
  return {
    view: 'record',
    data: batch,
    fields: [
      ['Key', batch.batchOperationKey],
      ['Type', batch.batchOperationType],
      ['State', batch.state],
      [
        'Items',
        `${processed}/${batch.operationsTotalCount} processed, ${batch.operationsCompletedCount} completed, ${batch.operationsFailedCount} failed`,
      ],
      ['Started', batch.startDate],
      ['Ended', batch.endDate],
      ['Parameters', batch.parameters],
      ['Stalled since', batch.stalledSince],
      [
        'Waiting for the engine',
        batch.waitingForEngine &&
          `since ${batch.waitingForEngine.since} (${batch.waitingForEngine.attempts} attempts): ${batch.waitingForEngine.reason}`,
      ],
      ...(withControls ? controlRows(batch) : []),
      ...(batch.errors ?? []).map(
        (error: Json) =>
          [`Error (shard ${error.partitionId})`, `${error.type}: ${error.message}`] as [string, unknown],
      ),
      ...(batch.itemErrorSummary ?? []).map(
        (line: Json) => [`Failed items`, `${line.count} × ${line.errorMessage}`] as [string, unknown],
      ),
    ],
  };
}

/** How a batch runs: its schedule, priority, rate limit and measured rate, estimated end, windows. */
function controlRows(batch: Json): [string, unknown][] {
  return [
    ['Scheduled for', batch.scheduledFor],
    ['Priority', batch.priority],
    ['Rate limit', batch.itemsPerSecond === undefined ? undefined : `${batch.itemsPerSecond} items/s`],
    [
      'Current rate',
      batch.currentItemsPerSecond === null || batch.currentItemsPerSecond === undefined
        ? undefined
        : `${batch.currentItemsPerSecond} items/s`,
    ],
    ['Estimated end', batch.estimatedEndDate],
    ...(batch.windows ?? []).map(
      (window: Json) =>
        ['Window', `${window.days.join(',')} ${window.from}-${window.to} ${window.timeZone}`] as [
          string,
          unknown,
        ],
    ),
    ['Paused by its window since', batch.windowPausedAt],
  ];
}

/** Exit code of a watched batch: 0 only when it COMPLETED (and, with --fail-on-failed-items, none failed). */
function finalExitCode(batch: Json, flags: Flags): number {
  if (batch.state !== 'COMPLETED') return EXIT.failed;
  return flags.failOnFailedItems && Number(batch.operationsFailedCount) > 0 ? EXIT.failed : EXIT.ok;
}

async function watched(context: CommandContext, key: string, flags: Flags): Promise<CommandResult> {
  const batch = await watchBatch(context.api, context.io, key, {
    json: context.json,
    intervalMs: Number(flags.interval ?? DEFAULT_WATCH_INTERVAL_MS),
  });
  return { output: batchRecord(batch), exitCode: finalExitCode(batch, flags) };
}

/** How many items a creation would hold: the type's dry run where the API has one, else a search count. */
export async function countFor(
  api: ApiClient,
  operation: OperationSpec,
  body: Record<string, unknown>,
): Promise<Json> {
  if (operation.dryRunPath) {
    const dryRun = await api.post(operation.dryRunPath, body, { accept: [404, 405] });
    if (dryRun.status === 200) return { countedBy: 'dry-run', ...dryRun.body };
  }
  // The batch acts on the union of the filter's matches and the listed keys (a missing key is a failed item).
  const keys = [...new Set((body.processInstanceKeys as string[] | undefined) ?? [])];
  const filter = body.filter as Record<string, unknown> | undefined;
  let total = keys.length;
  let approximate = false;
  const sample = [...keys];
  if (filter) {
    const search = await api.post(operation.countPath, { filter, page: { limit: 10 } });
    total += Number(search.body.page?.totalItems ?? 0);
    approximate = search.body.page?.hasMoreTotalItems === true;
    sample.push(
      ...(search.body.items ?? []).map((item: Json) => String(item.processInstanceKey ?? item.jobKey)),
    );
    if (keys.length > 0 && !Object.hasOwn(filter, 'processInstanceKey')) {
      const overlap = await api.post(operation.countPath, {
        filter: { ...filter, processInstanceKey: { $in: keys } },
        page: { limit: 1 },
      });
      total -= Number(overlap.body.page?.totalItems ?? 0);
    } else if (keys.length > 0) approximate = true;
  }
  return {
    countedBy: 'search',
    batchOperationType: operation.batchOperationType,
    total,
    approximate,
    sampleProcessInstanceKeys: [...new Set(sample)].slice(0, 10),
  };
}

function describeCount(count: Json, operation: OperationSpec): string {
  const what = operation.filterKind === 'job' ? 'job(s)' : 'process instance(s)';
  const how =
    count.countedBy === 'dry-run'
      ? 'counted by the dry run'
      : `counted by ${operation.countPath} (no dry run for this type)`;
  return `${count.approximate ? 'about ' : ''}${count.total} ${what}, ${how}`;
}

/**
 * A rate below the deployment's minimum (GET /v2/extensions/limits) is a bad flag value, refused
 * before counting or asking. A service without the extension leaves the check to the creation.
 */
async function checkRate(api: ApiClient, flags: Flags): Promise<void> {
  if (flags.itemsPerSecond === undefined) return;
  const limits = await api.get('/v2/extensions/limits', { accept: [404] });
  const minimum = limits.status === 200 ? Number(limits.body.itemsPerSecondMinimum) : undefined;
  if (minimum !== undefined && Number(flags.itemsPerSecond) < minimum)
    throw new UsageError(
      `--items-per-second must be at least ${minimum} on this deployment: the rate is shared by its ${limits.body.shardCount} shards, and each shard's chunk of ${limits.body.chunkSize} items must finish within ${limits.body.maxPacedChunkSeconds} s`,
    );
}

/** Asks before acting, unless --yes; where nobody can answer (--json, no terminal) that is a usage error. */
function confirmOrRefuse(context: CommandContext, flags: Flags, question: string): Promise<boolean> {
  if (flags.yes) return Promise.resolve(true);
  if (context.json || !context.io.stdinIsTTY) {
    throw new UsageError(
      `${question.replace(/\?$/, '')}: confirmation needed, pass --yes (no terminal to ask, or --json)`,
    );
  }
  return context.confirm(question);
}

/** A flag's long name (`--start-at`), by which an operation's own flag takes the place of a common one. */
const longName = (option: OptionSpec) => /--[\w-]+/.exec(option.flags)?.[0];

function createCommand(operation: OperationSpec): CommandSpec {
  const own = new Set(operation.options.map(longName));
  // Restart's own --start-at names its start elements: a restart is not scheduled from the CLI.
  const common = CREATE_OPTIONS.filter((option) => !own.has(longName(option)));
  return {
    name: operation.name,
    summary: `${operation.summary} [${operation.batchOperationType}]`,
    options: [
      ...FILTER_OPTIONS[operation.filterKind],
      ...operation.options,
      ...common,
      FAIL_ON_FAILED_ITEMS,
      WATCH_INTERVAL,
    ],
    run: async (context, _args, flags) => {
      const selection = selectionFrom(flags as FilterFlags);
      if (operation.filterKind === 'job' && selection.processInstanceKeys) {
        throw new UsageError(`create ${operation.name} selects jobs by filter only`);
      }
      const body = {
        ...selection,
        ...controlsFrom(flags, !own.has('--start-at')),
        ...operation.parameters(flags),
      };
      await checkRate(context.api, flags);
      const needsCount = flags.dryRun === true || flags.yes !== true;
      const count = needsCount ? await countFor(context.api, operation, body) : undefined;
      if (flags.dryRun) {
        return {
          output: {
            view: 'record',
            data: { ...count, request: { method: 'POST', path: operation.path, body } },
            fields: [
              ['Type', operation.batchOperationType],
              ['Would act on', describeCount(count, operation)],
              ['Per shard', count.shards?.map((shard: Json) => `${shard.shard}:${shard.count}`).join(' ')],
              ['Sample keys', (count.sampleProcessInstanceKeys ?? []).join(' ')],
              ['Request', `POST ${operation.path} ${JSON.stringify(body)}`],
            ],
          },
        };
      }
      if (count) {
        context.io.stderr.write(`This batch would act on ${describeCount(count, operation)}.\n`);
        if (count.total === 0)
          context.io.stderr.write('Nothing matches the filter; the batch would complete empty.\n');
      }
      const question = `Start ${operation.batchOperationType} batch against ${count?.approximate ? 'approximately ' : ''}${count?.total} ${operation.filterKind === 'job' ? 'job(s)' : 'process instance(s)'}?`;
      if (!(await confirmOrRefuse(context, flags, question))) {
        context.io.stderr.write('Aborted: nothing was created.\n');
        return { output: { view: 'none' }, exitCode: EXIT.failed };
      }
      const headers: Record<string, string> = flags.idempotencyKey
        ? { 'idempotency-key': String(flags.idempotencyKey) }
        : {};
      const created = (await context.api.post(operation.path, body, { headers })).body;
      context.io.stderr.write(
        `Created batch ${created.batchOperationKey} (${created.batchOperationType}).\n`,
      );
      if (flags.watch) return watched(context, String(created.batchOperationKey), flags);
      return {
        output: {
          view: 'record',
          data: created,
          fields: [
            ['Key', created.batchOperationKey],
            ['Type', created.batchOperationType],
          ],
        },
      };
    },
  };
}

/** Suspend, resume or cancel a batch, then re-read it until the new state shows ("accepted" is not "changed"). */
function controlCommand(
  name: 'suspend' | 'resume' | 'cancel',
  segment: string,
  expected: readonly string[],
  summary: string,
): CommandSpec {
  return {
    name,
    summary,
    args: [KEY_ARG],
    options: name === 'cancel' ? [{ flags: '-y, --yes', description: 'cancel without asking' }] : [],
    run: async (context, [key], flags) => {
      if (
        name === 'cancel' &&
        !(await confirmOrRefuse(context, flags, `Cancel batch ${key}? Its unprocessed items will not run`))
      ) {
        context.io.stderr.write('Aborted: the batch was not canceled.\n');
        return { output: { view: 'none' }, exitCode: EXIT.failed };
      }
      await context.api.post(`${batchPath(key)}/${segment}`);
      const deadline = Date.now() + 15_000;
      let batch: Json = (await context.api.get(batchPath(key))).body;
      while (!expected.includes(batch.state) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        batch = (await context.api.get(batchPath(key))).body;
      }
      if (!expected.includes(batch.state)) {
        throw new CliError(
          `The ${name} request was accepted but batch ${key} is still ${batch.state}`,
          EXIT.failed,
        );
      }
      context.io.stderr.write(`Batch ${key} is ${batch.state}.\n`);
      return { output: batchRecord(batch) };
    },
  };
}

// A Camunda 7 engine's items show the ids its users know, which the answers carry beside the numeric keys.
const ITEM_COLUMNS = [
  { header: 'ITEM', value: (item: Json) => item.itemEngineId ?? item.itemKey },
  { header: 'INSTANCE', value: (item: Json) => item.processInstanceEngineId ?? item.processInstanceKey },
  { header: 'STATE', value: (item: Json) => item.state },
  { header: 'PROCESSED', value: (item: Json) => item.processedDate },
  { header: 'ERROR', value: (item: Json) => item.errorMessage },
];

const BATCH_COLUMNS = [
  { header: 'KEY', value: (batch: Json) => batch.batchOperationKey },
  { header: 'TYPE', value: (batch: Json) => batch.batchOperationType },
  { header: 'STATE', value: (batch: Json) => batch.state },
  {
    header: 'PROCESSED',
    value: (batch: Json) =>
      `${Number(batch.operationsCompletedCount) + Number(batch.operationsFailedCount)}/${batch.operationsTotalCount}`,
  },
  { header: 'FAILED', value: (batch: Json) => batch.operationsFailedCount },
  { header: 'STARTED', value: (batch: Json) => batch.startDate },
  { header: 'ENDED', value: (batch: Json) => batch.endDate },
];

/** Every command of `batchops`, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'create',
    summary: 'create a batch operation over a filter (asks first; --dry-run, --yes, --watch)',
    subcommands: OPERATIONS.map(createCommand),
    examples: [
      `batchops create cancel --definition demo-order --version 1 --dry-run`,
      `batchops create resolve-incidents --filter '{"hasIncident":true}' --yes --watch`,
    ],
  },
  {
    name: 'list',
    summary: 'list batch operations, newest first',
    options: [
      { flags: '--state <state>', description: 'only batches in this state', choices: BATCH_STATES },
      { flags: '--type <type>', description: 'only batches of this batchOperationType' },
      {
        flags: '--limit <n>',
        description: 'at most this many',
        parse: integerArg('--limit', 1),
        defaultValue: 20,
      },
    ],
    run: async (context, _args, flags) => {
      const filter: Json = {};
      if (flags.state) filter.state = flags.state;
      if (flags.type) filter.operationType = flags.type;
      const { body } = await context.api.post('/v2/batch-operations/search', {
        filter,
        sort: [{ field: 'startDate', order: 'DESC' }],
        page: { limit: flags.limit },
      });
      return {
        output: {
          view: 'table',
          data: body,
          rows: body.items,
          columns: BATCH_COLUMNS,
          footer: `${body.items.length} of ${body.page.totalItems}${body.page.hasMoreTotalItems ? '+' : ''} batch operation(s)`,
        },
      };
    },
  },
  {
    name: 'show',
    summary: 'show one batch operation: state, counts, errors',
    args: [KEY_ARG],
    run: async (context, [key]) => ({
      output: batchRecord((await context.api.get(batchPath(key))).body, true),
    }),
  },
  {
    name: 'items',
    summary: "list a batch operation's items",
    args: [KEY_ARG],
    options: [
      { flags: '--state <state>', description: 'only items in this state', choices: ITEM_STATES },
      {
        flags: '--limit <n>',
        description: 'items per page',
        parse: integerArg('--limit', 1),
        defaultValue: 50,
      },
      { flags: '--all', description: 'every item, page after page' },
    ],
    run: async (context, [key], flags) => {
      checkKey(key);
      const filter: Json = { batchOperationKey: key, ...(flags.state ? { state: flags.state } : {}) };
      const items: Json[] = [];
      let after: string | undefined;
      let totalItems = 0;
      do {
        const { body } = await context.api.post('/v2/batch-operation-items/search', {
          filter,
          page: { limit: flags.limit, ...(after ? { after } : {}) },
        });
        items.push(...body.items);
        totalItems = body.page.totalItems;
        after = flags.all && body.items.length > 0 ? (body.page.endCursor ?? undefined) : undefined;
      } while (after);
      return {
        output: {
          view: 'table',
          data: { items, totalItems },
          rows: items,
          columns: ITEM_COLUMNS,
          footer: `${items.length} of ${totalItems} item(s)`,
        },
      };
    },
  },
  {
    name: 'report',
    summary: 'download the completion report of every item (CSV or JSON Lines)',
    args: [KEY_ARG],
    options: [
      {
        flags: '--format <format>',
        description: 'report format',
        choices: ['csv', 'jsonl'],
        defaultValue: 'csv',
      },
      { flags: '-o, --output <file>', description: 'write to this file instead of stdout' },
    ],
    run: async (context, [key], flags) => {
      const path = `/v2/extensions/batch-operations/${encodeURIComponent(checkKey(key))}/report?format=${flags.format}`;
      const response = await context.api.stream(path, {
        accept: flags.format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      });
      if (!response.body) throw new CliError('The report response had no body', EXIT.failed);
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      if (!flags.output) {
        await pipeline(body, context.io.stdout, { end: false });
        return { output: { view: 'none' } };
      }
      let bytes = 0;
      body.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      await pipeline(body, createWriteStream(String(flags.output)));
      context.io.stderr.write(
        `Wrote the ${flags.format} report of batch ${key} to ${flags.output} (${bytes} bytes).\n`,
      );
      return {
        output: {
          view: 'none',
          data: { batchOperationKey: key, format: flags.format, output: flags.output, bytes },
        },
      };
    },
  },
  controlCommand('suspend', 'suspension', ['SUSPENDED'], 'suspend a running batch operation'),
  controlCommand(
    'resume',
    'resumption',
    ['ACTIVE', 'CREATED', 'COMPLETED', 'PARTIALLY_COMPLETED', 'FAILED'],
    'resume a suspended batch operation',
  ),
  controlCommand('cancel', 'cancellation', ['CANCELED'], 'cancel a batch operation (asks first)'),
  {
    name: 'set',
    summary: 'change a running batch live: its rate, priority or failure threshold (no suspension)',
    args: [KEY_ARG],
    options: [
      {
        flags: '--rate <n>',
        description: 'new rate limit of the whole batch, items per second',
        parse: numberArg('--rate'),
      },
      PRIORITY_OPTION,
      FAILURE_THRESHOLD_OPTION,
    ],
    examples: ['batchops set 2251799813685373 --rate 50 --priority 40'],
    run: async (context, [key], flags) => {
      checkKey(key);
      const changes = liveControlsFrom(flags);
      if (Object.keys(changes).length === 0)
        throw new UsageError('batchops set takes at least one of --rate, --priority, --failure-threshold');
      await context.api.patch(`/v2/extensions/batch-operations/${key}`, changes);
      context.io.stderr.write(`Batch ${key} changed: ${JSON.stringify(changes)}.\n`);
      return { output: batchRecord((await context.api.get(batchPath(key))).body, true) };
    },
  },
  {
    name: 'start',
    summary: 'start a scheduled batch now instead of at its --start-at time',
    args: [KEY_ARG],
    run: async (context, [key]) => {
      checkKey(key);
      await context.api.post(`/v2/extensions/batch-operations/${key}/start`);
      context.io.stderr.write(`Batch ${key} started.\n`);
      return { output: batchRecord((await context.api.get(batchPath(key))).body, true) };
    },
  },
  {
    name: 'retry-failed',
    summary: "create a new batch over a finished batch's FAILED items (asks first)",
    args: [KEY_ARG],
    options: [
      // Every creation flag but the dry run, which a retry does not have.
      ...CREATE_OPTIONS.filter((option) => !option.flags.startsWith('--dry-run')),
      FAIL_ON_FAILED_ITEMS,
      WATCH_INTERVAL,
    ],
    run: async (context, [key], flags) => {
      checkKey(key);
      await checkRate(context.api, flags);
      if (!flags.yes) {
        const { body } = await context.api.post('/v2/batch-operation-items/search', {
          filter: { batchOperationKey: key, state: 'FAILED' },
          page: { limit: 1 },
        });
        context.io.stderr.write(`Batch ${key} has ${body.page.totalItems} FAILED item(s).\n`);
        if (
          !(await confirmOrRefuse(
            context,
            flags,
            `Retry ${body.page.totalItems} failed item(s) of batch ${key}?`,
          ))
        ) {
          context.io.stderr.write('Aborted: nothing was created.\n');
          return { output: { view: 'none' }, exitCode: EXIT.failed };
        }
      }
      const headers: Record<string, string> = flags.idempotencyKey
        ? { 'idempotency-key': String(flags.idempotencyKey) }
        : {};
      const created = (
        await context.api.post(
          `/v2/extensions/batch-operations/${key}/failed-items-retry`,
          controlsFrom(flags),
          { headers },
        )
      ).body;
      context.io.stderr.write(
        `Created batch ${created.batchOperationKey} (${created.batchOperationType}).\n`,
      );
      if (flags.watch) return watched(context, String(created.batchOperationKey), flags);
      return {
        output: {
          view: 'record',
          data: created,
          fields: [
            ['Key', created.batchOperationKey],
            ['Type', created.batchOperationType],
          ],
        },
      };
    },
  },
  {
    name: 'watch',
    summary: 'follow a batch operation to its end: progress bar, items/s, ETA (exit 0 only if COMPLETED)',
    args: [KEY_ARG],
    options: [FAIL_ON_FAILED_ITEMS, WATCH_INTERVAL],
    run: (context, [key], flags) => watched(context, checkKey(key), flags),
  },
  {
    name: 'seed',
    summary:
      'fill a deployment with demo data: definitions, versions, tenants, incidents, completed instances',
    options: [
      {
        flags: '-n, --count <n>',
        description: 'process instances to start',
        parse: integerArg('--count', 1),
        defaultValue: DEFAULT_SEED_COUNT,
      },
      {
        flags: '--concurrency <n>',
        description: 'requests in flight',
        parse: integerArg('--concurrency', 1),
        defaultValue: DEFAULT_SEED_CONCURRENCY,
      },
      {
        flags: '--random-seed <n>',
        description: 'seed of the plan (same seed, same data)',
        parse: integerArg('--random-seed', 0),
        defaultValue: 17,
      },
    ],
    run: async (context, _args, flags) => {
      const progress = showSeedProgress(context.io, context.json);
      let summary: Awaited<ReturnType<typeof seedDemoData>>;
      try {
        summary = await seedDemoData(context.api, {
          count: Number(flags.count),
          concurrency: Number(flags.concurrency),
          randomSeed: Number(flags.randomSeed),
          onProgress: progress.update,
        });
      } finally {
        progress.stop();
      }
      context.io.stderr.write(
        `Seeded ${summary.instances} instances in ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.incidents} with an incident, ${summary.completedInstances} completed.\n`,
      );
      return {
        output: {
          view: 'table',
          data: summary,
          rows: summary.definitions,
          columns: [
            { header: 'DEFINITION', value: (row: Json) => row.processDefinitionId },
            { header: 'VERSION', value: (row: Json) => row.version },
            { header: 'TENANT', value: (row: Json) => row.tenantId },
            { header: 'KEY', value: (row: Json) => row.processDefinitionKey },
            { header: 'INSTANCES', value: (row: Json) => row.instances },
          ],
          footer: `${summary.instances} instances, ${summary.incidents} with incidents, ${summary.jobsCompleted} jobs completed (${summary.completedInstances} instances COMPLETED)`,
        },
      };
    },
  },
];
