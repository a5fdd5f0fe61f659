import { type SentItemResult, settledOutcome } from '#adapters/sent-items.ts';
import { type InstanceScope, isInScope } from '#domain/authorization/permissions.ts';
import type { BatchOperationType } from '#domain/batch/batch-operation.ts';
import { mapWithConcurrency } from '#domain/concurrency.ts';
import { EngineUnavailableError, InvalidArgumentError, TransientEngineError } from '#domain/errors.ts';
import { QueryFailedError } from '#domain/initialization/item-provider/matching-instance-keys.ts';
import {
  decideQueryRetry,
  type QueryRetrySettings,
} from '#domain/initialization/item-provider/query-retry-policy.ts';
import { MAX_PROCESS_INSTANCE_KEYS } from '#domain/limits.ts';
import { migrationParametersSchema } from '#domain/operations/migrate-process-instance.ts';
import type {
  Engine,
  EngineBatch,
  EngineItem,
  EngineItemResult,
  EngineSelection,
  InstanceRef,
  SelectionPart,
  SelectionStats,
} from '#ports/engine.ts';
import type { EngineIdMap } from '#ports/engine-id-map.ts';
import { type Camunda7Connection, camunda7ConnectionFromEnvironment } from './camunda7-config.ts';
import { Camunda7Reads } from './camunda7-reads.ts';
import { classifyEngineAnswer, type EngineAnswer } from './engine-answers.ts';
import { Camunda7Keys } from './engine-keys.ts';
import {
  type Camunda7Dto,
  type EngineOutcome,
  type EngineRead,
  type EngineRequest,
  ITEM_OPERATIONS,
  type ItemCall,
  type ItemOperation,
} from './item-operations.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Entries per query page: Camunda 7's default `queryMaxResultsLimit` is unlimited, 1,000 keeps a page small. */
export const CAMUNDA7_PAGE_SIZE = 1000;

export interface Camunda7EngineSettings {
  /** How a call that met a transient fault is tried again; beyond it a query fails with QueryFailedError, an item group with TransientEngineError. */
  readonly retry: QueryRetrySettings;
  /** Item requests of one group in flight at once. */
  readonly concurrency: number;
  /** Entries per query page (a test pages in small steps). */
  readonly pageSize?: number;
}

type Refusal = Extract<EngineAnswer, { kind: 'refused' }>;

/**
 * The engine port on a Camunda 7 engine (or Operaton, CIB seven) through its REST API: selection by
 * the engine's own query language read once per batch, execution by its synchronous per-item
 * endpoints, each item's outcome with the engine's message. The engine has no "only if this batch has
 * not", so it does not mark items: the worker records an item as sent before `applyItems` and asks
 * `appliedBy` on a redelivery. The engine's ids are strings; the items it selects carry their numeric
 * surrogate keys (engine-keys.ts), which apply, appliedBy and describeInstances turn back into ids.
 */
export class Camunda7Engine implements Engine {
  readonly kind = 'camunda7' as const;
  readonly marksItems = false;
  readonly selectionSplit = 'whole' as const;
  private readonly pageSize: number;
  private readonly authorization: string;
  private reachable: Promise<void> | undefined;
  private readonly keys: Camunda7Keys;

  constructor(
    private readonly connection: Camunda7Connection,
    private readonly settings: Camunda7EngineSettings,
    ids: EngineIdMap,
  ) {
    this.keys = new Camunda7Keys(ids);
    this.pageSize = settings.pageSize ?? CAMUNDA7_PAGE_SIZE;
    this.authorization = `Basic ${Buffer.from(`${connection.username}:${connection.password}`).toString('base64')}`;
  }

  /**
   * Why the adapter cannot run the type; for a type it runs, the engine is asked once whether it takes
   * this service's credentials, so that wrong ones refuse a batch at creation (EngineUnavailableError).
   */
  async unsupported(type: BatchOperationType): Promise<string | undefined> {
    if (!ITEM_OPERATIONS[type]) {
      return `the Camunda 7 adapter runs ${Object.keys(ITEM_OPERATIONS).join(', ')} per item, not ${type}`;
    }
    this.reachable ??= this.call('service', { method: 'GET', path: '/version' }).then(
      () => undefined,
      (error: unknown) => {
        this.reachable = undefined;
        throw error;
      },
    );
    await this.reachable;
    return undefined;
  }

  /**
   * A selection in Camunda 7's terms: the filter is the body of the type's query (e.g. a process
   * instance query: `processDefinitionKey`, `businessKey`, `activityIdIn`, `variables`, `withIncident`,
   * `suspended`, `tenantIdIn`, ...), which the engine itself checks when the batch reads it; the listed
   * instances by the engine's ids or the keys this service answered for them. Paging and sorting are the adapter's own.
   */
  validateSelection(
    type: BatchOperationType,
    selection: Omit<EngineSelection, 'batchOperationType'>,
  ): Omit<EngineSelection, 'batchOperationType'> {
    const operation = this.operationOf(type);
    const { filter, processInstanceKeys } = selection;
    if ((filter === undefined || filter === null) && processInstanceKeys === undefined) {
      throw new InvalidArgumentError(
        `filter or processInstanceKeys is required: name the items by a Camunda 7 query (${operation.query.path}) or list process instance ids`,
      );
    }
    if (filter !== undefined && filter !== null) {
      if (typeof filter !== 'object' || Array.isArray(filter) || Object.keys(filter).length === 0) {
        throw new InvalidArgumentError(
          `filter must be a non-empty Camunda 7 query object (the body of POST ${operation.query.path}), e.g. {"processDefinitionKey": "order"}`,
        );
      }
      const paging = ['sorting', 'firstResult', 'maxResults'].filter((field) => field in filter);
      if (paging.length > 0) {
        throw new InvalidArgumentError(
          `filter must not hold ${paging.join(', ')}: the service pages through the query in its own stable order`,
        );
      }
    }
    if (processInstanceKeys !== undefined) {
      if (!operation.itemsAreInstances) {
        throw new InvalidArgumentError(
          `processInstanceKeys cannot name the items of ${type}: use filter (a Camunda 7 query)`,
        );
      }
      if (processInstanceKeys.length === 0 || processInstanceKeys.length > MAX_PROCESS_INSTANCE_KEYS) {
        throw new InvalidArgumentError(
          `processInstanceKeys must list 1 to ${MAX_PROCESS_INSTANCE_KEYS} process instance ids, got ${processInstanceKeys.length}`,
        );
      }
    }
    return {
      ...(filter !== undefined && filter !== null ? { filter } : {}),
      ...(processInstanceKeys ? { processInstanceKeys: [...new Set(processInstanceKeys)] } : {}),
    };
  }

  /**
   * A migration's target is a process definition id of the engine: one it does not know is a 400 with
   * its own message, and so is one outside the creator's scope (its definition id or tenant), which
   * the creator may not move instances into. The other types' parameters name activities, which the
   * engine checks per item.
   */
  async validateParameters(
    type: BatchOperationType,
    parameters: Record<string, unknown>,
    scope: InstanceScope,
  ): Promise<void> {
    if (type !== 'MIGRATE_PROCESS_INSTANCE') return;
    const targetKey = migrationParametersSchema.parse(parameters).migrationPlan.targetProcessDefinitionKey;
    const target = await this.keys.idOf(targetKey);
    const outcome = await this.call('service', {
      method: 'GET',
      path: `/process-definition/${encodeURIComponent(target)}`,
    });
    const invalid = (why: string) =>
      new InvalidArgumentError(
        `migrationPlan.targetProcessDefinitionKey must be the id of a process definition on the Camunda 7 engine (such as 'order:2:8f3c…'): ${why}`,
      );
    if (!outcome.ok) throw invalid(outcome.detail);
    const definition = await this.reads().getProcessDefinition(targetKey);
    if (!definition || !isInScope(scope, definition))
      throw invalid(`no process definition '${targetKey}' that you may migrate instances into exists`);
  }

  /**
   * Listed instance ids first, unread (one that does not exist fails its item with the engine's 404),
   * then the query's entries that were not listed: their union, each once, as Camunda 7 unions a list
   * of instances with a query. Pages by firstResult/maxResults in the order of the item id. Each item
   * carries the surrogate keys of its ids, remembered before it is yielded.
   */
  async *selectItems(
    selection: EngineSelection,
    _part: SelectionPart,
    stats: SelectionStats,
  ): AsyncGenerator<EngineItem> {
    const operation = this.operationOf(selection.batchOperationType);
    const listed = new Set(await this.listedIds(operation, selection));
    yield* await this.withKeys([...listed].map((id) => ({ itemKey: id, processInstanceKey: id })));
    if (selection.filter === undefined) return;
    const { query } = operation;
    const body = {
      ...(selection.filter as Record<string, unknown>),
      sorting: [{ sortBy: query.sortBy, sortOrder: 'asc' }],
    };
    for (let firstResult = 0; ; firstResult += this.pageSize) {
      const entries = await this.queryPage(
        `${query.path}?firstResult=${firstResult}&maxResults=${this.pageSize}`,
        body,
        stats,
      );
      yield* await this.withKeys(
        entries
          .map((entry) => ({
            itemKey: String(entry.id),
            processInstanceKey: String(entry[query.instanceField]),
          }))
          .filter((item) => !listed.has(item.itemKey)),
      );
      if (entries.length < this.pageSize) return;
    }
  }

  /**
   * The union's size by the engine's `/count` endpoints: the listed ids, plus the query's count, less
   * the listed ids the query matches too (one count of the query narrowed to them). The sample: the
   * smallest of the listed ids and the query's first page, which holds the query's smallest: the
   * engine's ids, which people know (the dry run is an extension no Camunda 8 client reads).
   */
  async countItems(
    selection: EngineSelection,
    sampleSize: number,
    stats: SelectionStats,
  ): Promise<{ total: number; sample: string[] }> {
    const operation = this.operationOf(selection.batchOperationType);
    const listed = await this.listedIds(operation, selection);
    const smallest = (keys: Iterable<string>) => [...new Set(keys)].sort().slice(0, sampleSize);
    if (selection.filter === undefined) return { total: listed.length, sample: smallest(listed) };
    const filter = selection.filter as Record<string, unknown>;
    const { query } = operation;
    const count = async (body: unknown) =>
      Number(
        ((await this.queryValue(`${query.path}/count`, body, stats)) as Camunda7Dto['CountResultDto']).count,
      );
    const narrowed = Array.isArray(filter.processInstanceIds)
      ? listed.filter((key) => (filter.processInstanceIds as unknown[]).includes(key))
      : listed;
    const [matching, overlap, first] = await Promise.all([
      count(filter),
      narrowed.length === 0 ? 0 : count({ ...filter, processInstanceIds: narrowed }),
      this.queryPage(
        `${query.path}?firstResult=0&maxResults=${sampleSize}`,
        { ...filter, sorting: [{ sortBy: query.sortBy, sortOrder: 'asc' }] },
        stats,
      ),
    ]);
    return {
      total: listed.length + matching - overlap,
      sample: smallest([...listed, ...first.map((entry) => String(entry.id))]),
    };
  }

  /**
   * The group's items in the parts the operation's endpoints take (one item each, or the instances of
   * one definition): each part in one call; a part refused as a whole is sent again one item at a time,
   * so that the item the engine refuses fails with its reason and the others are done.
   */
  async applyItems(keyed: EngineBatch, keyedItems: readonly EngineItem[]): Promise<EngineItemResult[]> {
    const operation = this.operationOf(keyed.batchOperationType);
    const [batch, items] = await Promise.all([this.engineBatch(keyed), this.withIds(keyedItems)]);
    const read = this.reader();
    const sent = new Map<EngineItem, SentItemResult>();
    const parts = await operation.calls(read, batch, items);
    await mapWithConcurrency(parts, this.settings.concurrency, async (part) => {
      const whole = await this.send(operation, batch, part.call, part.items);
      if (whole.state === 'COMPLETED' || part.items.length === 1) {
        for (const item of part.items) sent.set(item, whole);
        return;
      }
      for (const item of part.items) {
        const alone = await this.send(operation, batch, part.call, [item]);
        sent.set(item, { ...alone, uncertain: Boolean(alone.uncertain || whole.uncertain) });
      }
    });
    return await mapWithConcurrency(items, this.settings.concurrency, async (item) => {
      const outcome = sent.get(item);
      if (!outcome) throw new Error(`No call covered item ${item.itemKey}`);
      return await settledOutcome(outcome, () => this.applied(operation, batch, item));
    });
  }

  /**
   * One call for some items. An attempt that got no answer may have landed: before sending again, the
   * items are read, and if each shows the operation's effect the call is done (a restart is not
   * idempotent: a second call would start a second instance).
   */
  private async send(
    operation: ItemOperation,
    batch: EngineBatch,
    call: ItemCall,
    items: readonly EngineItem[],
  ): Promise<SentItemResult> {
    const request = await call(items);
    if (!('method' in request)) {
      return { state: 'FAILED', errorMessage: request.detail, errorClass: request.errorClass };
    }
    const outcome = await this.call('item', request, {
      landed: async () =>
        (
          await mapWithConcurrency(items, this.settings.concurrency, (item) =>
            this.applied(operation, batch, item),
          )
        ).every(Boolean),
    });
    if (outcome.ok) return { state: 'COMPLETED' };
    const { detail, errorClass, uncertain } = outcome;
    return { state: 'FAILED', errorMessage: detail, errorClass, uncertain };
  }

  async appliedBy(keyed: EngineBatch, keyedItems: readonly EngineItem[]): Promise<boolean[]> {
    const operation = this.operationOf(keyed.batchOperationType);
    const [batch, items] = await Promise.all([this.engineBatch(keyed), this.withIds(keyedItems)]);
    return await mapWithConcurrency(items, this.settings.concurrency, (item) =>
      this.applied(operation, batch, item),
    );
  }

  /**
   * The definition (Camunda 7's definition key, the BPMN process id) and tenant of the instances
   * among the keys (or ids), by one historic query (it knows running and finished instances alike).
   */
  async describeInstances(processInstanceKeys: readonly string[]): Promise<Map<string, InstanceRef>> {
    const asked = [...new Set(processInstanceKeys)];
    if (asked.length === 0) return new Map();
    const ids = await this.keys.idsOf(asked);
    const keyOf = new Map(ids.map((id, i) => [id, asked[i]]));
    const outcome = await this.call('service', {
      method: 'POST',
      path: `/history/process-instance?maxResults=${ids.length}`,
      body: { processInstanceIds: ids } satisfies Camunda7Dto['HistoricProcessInstanceQueryDto'],
    });
    if (!outcome.ok)
      throw new EngineUnavailableError(
        `The Camunda 7 engine refused to describe instances: ${outcome.detail}`,
      );
    return new Map(
      (outcome.value as Camunda7Dto['HistoricProcessInstanceDto'][]).map((instance) => [
        keyOf.get(String(instance.id)) ?? String(instance.id),
        {
          processDefinitionId: String(instance.processDefinitionKey),
          tenantId: instance.tenantId ?? '<default>',
        },
      ]),
    );
  }

  async engineIdsOf(keys: readonly string[]): Promise<string[]> {
    return await this.keys.idsOf(keys);
  }

  /** The console's and the CLI's reads of this engine (functions/ports/engine-reads.ts), through its calls. */
  reads(): Camunda7Reads {
    return new Camunda7Reads(async (request) => {
      const outcome = await this.call('service', request);
      if (outcome.ok) return outcome;
      const { status, detail, errorClass } = outcome;
      return { ok: false, status, detail, errorClass };
    }, this.keys);
  }

  /** The instances a selection lists, as engine ids (a listed key this service answered is its id). */
  private async listedIds(operation: ItemOperation, selection: EngineSelection): Promise<string[]> {
    return operation.itemsAreInstances ? await this.keys.idsOf(selection.processInstanceKeys ?? []) : [];
  }

  /** Items named by the engine's ids, as the batch stores them: by their surrogate keys. */
  private async withKeys(items: readonly EngineItem[]): Promise<EngineItem[]> {
    const keys = await this.keys.keysOf(items.flatMap((item) => [item.itemKey, item.processInstanceKey]));
    return items.map((_, i) => ({ itemKey: keys[2 * i], processInstanceKey: keys[2 * i + 1] }));
  }

  /** A batch's items as the engine names them: one read of the map for the group. */
  private async withIds(items: readonly EngineItem[]): Promise<EngineItem[]> {
    const ids = await this.keys.idsOf(items.flatMap((item) => [item.itemKey, item.processInstanceKey]));
    return items.map((_, i) => ({ itemKey: ids[2 * i], processInstanceKey: ids[2 * i + 1] }));
  }

  /** The batch as the engine's endpoints take it: a migration's target by its definition id. */
  private async engineBatch(batch: EngineBatch): Promise<EngineBatch> {
    if (batch.batchOperationType !== 'MIGRATE_PROCESS_INSTANCE') return batch;
    const parameters = batch.parameters as { migrationPlan: Record<string, unknown> };
    const target = await this.keys.idOf(
      migrationParametersSchema.parse(parameters).migrationPlan.targetProcessDefinitionKey,
    );
    return {
      ...batch,
      parameters: {
        ...parameters,
        migrationPlan: { ...parameters.migrationPlan, targetProcessDefinitionKey: target },
      },
    };
  }

  /** Whether the item shows the operation's effect; a read the engine refuses shows none. */
  private async applied(operation: ItemOperation, batch: EngineBatch, item: EngineItem): Promise<boolean> {
    return await operation.applied(this.reader(), batch, item);
  }

  /** Reads of the engine for an operation: a GET, or a POST of a query body; refusals are answers. */
  private reader(): EngineRead {
    return async (path, body): Promise<EngineOutcome> => {
      const outcome = await this.call(
        'item',
        body === undefined ? { method: 'GET', path } : { method: 'POST', path, body },
      );
      if (outcome.ok) return outcome;
      const { status, detail, errorClass } = outcome;
      return { ok: false, status, detail, errorClass };
    };
  }

  private operationOf(type: BatchOperationType): ItemOperation {
    const operation = ITEM_OPERATIONS[type];
    if (!operation) throw new EngineUnavailableError(`The Camunda 7 engine cannot run ${type} per item`);
    return operation;
  }

  /** One page of a query, with the retry policy; QueryFailedError when refused or beyond the policy. */
  private async queryPage(path: string, body: unknown, stats: SelectionStats): Promise<QueryEntry[]> {
    return asEntries(await this.queryValue(path, body, stats));
  }

  /** The answer of a query (a page or a count), with the retry policy; QueryFailedError when refused or beyond it. */
  private async queryValue(path: string, body: unknown, stats: SelectionStats): Promise<unknown> {
    let outcome: Awaited<ReturnType<Camunda7Engine['call']>>;
    try {
      outcome = await this.call(
        'service',
        { method: 'POST', path, body },
        { onRetry: () => stats.queryRetries++ },
      );
    } catch (error) {
      if (error instanceof TransientEngineError) throw new QueryFailedError(error.message);
      throw error;
    }
    if (!outcome.ok) throw new QueryFailedError(`The Camunda 7 engine refused the query: ${outcome.detail}`);
    return outcome.value;
  }

  /**
   * One request with its answer classified: the body, or the engine's refusal; a transient fault is
   * tried again with the retry policy and then thrown as TransientEngineError; a refusal of the service
   * itself is EngineUnavailableError. `uncertain` when an earlier attempt got no answer and may have
   * landed; `landed` is asked before a request is sent again after such an attempt.
   */
  private async call(
    call: 'item' | 'service',
    request: EngineRequest,
    options: { onRetry?: () => void; landed?: () => Promise<boolean> } = {},
  ): Promise<{ ok: true; value: unknown } | ({ ok: false; uncertain: boolean } & Refusal)> {
    let uncertain = false;
    for (let retriesSoFar = 0; ; ) {
      let answer: EngineAnswer;
      try {
        const response = await fetch(`${this.connection.restUrl}${request.path}`, {
          method: request.method,
          headers: {
            authorization: this.authorization,
            accept: 'application/json',
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        });
        const text = await response.text();
        answer = classifyEngineAnswer(response.status, parseBody(text), call);
      } catch (error) {
        uncertain = true;
        answer = { kind: 'transient', detail: `no answer from ${this.connection.restUrl}: ${String(error)}` };
      }
      if (answer.kind === 'ok') return { ok: true, value: answer.body };
      if (answer.kind === 'refused') return { ok: false, uncertain, ...answer };
      if (answer.kind === 'unavailable') {
        throw new EngineUnavailableError(
          `The Camunda 7 engine refused this service (HTTP ${answer.status}): ${answer.detail}`,
        );
      }
      const decision = decideQueryRetry(this.settings.retry, { retryable: true, retriesSoFar });
      if (!decision.retry) {
        throw new TransientEngineError(
          `The Camunda 7 engine could not take the call (${decision.reason}): ${answer.detail}`,
        );
      }
      retriesSoFar++;
      options.onRetry?.();
      await sleep(decision.delayMs);
      if (uncertain && (await options.landed?.())) return { ok: true, value: undefined };
    }
  }
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An entry of a query's page: its id and, for a job or an external task, its instance's (the other fields unread). */
type QueryEntry = Pick<Camunda7Dto['JobDto'], 'id' | 'processInstanceId'>;

function asEntries(value: unknown): QueryEntry[] {
  return Array.isArray(value) ? (value as QueryEntry[]) : [];
}

/**
 * The Camunda 7 engine of a deployment with ENGINE=camunda7: the connection from the CAMUNDA7_*
 * variables (throws naming what is missing), the retry policy and concurrency from the service's own
 * configuration.
 */
export function camunda7EngineFromEnvironment(
  env: Record<string, string | undefined>,
  settings: Camunda7EngineSettings,
  ids: EngineIdMap,
): Camunda7Engine {
  return new Camunda7Engine(camunda7ConnectionFromEnvironment(env), settings, ids);
}
