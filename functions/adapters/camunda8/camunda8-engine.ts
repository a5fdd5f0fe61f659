import { type CamundaClient, ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { sentItemOutcomes } from '#adapters/sent-items.ts';
import type { BatchOperationType } from '#domain/batch/batch-operation.ts';
import { mapWithConcurrency } from '#domain/concurrency.ts';
import { EngineUnavailableError, TransientEngineError } from '#domain/errors.ts';
import { QueryFailedError } from '#domain/initialization/item-provider/matching-instance-keys.ts';
import {
  decideQueryRetry,
  type QueryRetrySettings,
} from '#domain/initialization/item-provider/query-retry-policy.ts';
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
import type { EngineReads } from '#ports/engine-reads.ts';
import {
  type Camunda8Connection,
  camunda8Client,
  camunda8ConnectionFromEnvironment,
} from './camunda8-config.ts';
import { Camunda8Reads } from './camunda8-reads.ts';
import { type ClusterAnswer, classifyClusterError } from './cluster-answers.ts';
import { ITEM_OPERATIONS, type ItemOperation, READ_NOW, WHY_NOT_PER_ITEM } from './item-operations.ts';
import { recordingRequests } from './request-records.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The largest page a Camunda 8 search returns (its secondary storage's result window, 10,000). */
export const CAMUNDA_MAX_PAGE_LIMIT = 10_000;

/** Whether a cluster of this version has the per-item endpoint (`8.10.0`, `8.9.0-alpha3`, ...). */
function atLeast(version: string, since: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.split(/[.-]/).map((part) => Number.parseInt(part, 10));
  return major > since[0] || (major === since[0] && minor >= since[1]);
}

export interface Camunda8EngineSettings {
  /**
   * How a call the client gave up on is tried again (the client retries 429, 503
   * RESOURCE_EXHAUSTED and network errors itself, CAMUNDA_SDK_HTTP_RETRY_*; this adds other 5xx and
   * a refresh of an expired token, and spaces out the client's exhausted attempts). Beyond it a
   * search fails with QueryFailedError and an item group with TransientEngineError.
   */
  readonly retry: QueryRetrySettings;
  /** Items of one group in flight at once (the client's backpressure narrows it further on 429s). */
  readonly concurrency: number;
  /** Items per search page; Camunda's largest unless a test pages in small steps. */
  readonly pageSize?: number;
}

/**
 * A call's result: its value, or the cluster's refusal; `uncertain` when an earlier attempt of the same
 * call may have landed (no answer, or a server error other than backpressure).
 */
type Outcome<T> =
  | { ok: true; value: T }
  | ({ ok: false; uncertain: boolean } & Extract<ClusterAnswer, { kind: 'refused' }>);

/**
 * The engine port on a Camunda 8 cluster's Orchestration Cluster REST API (/v2), through the official
 * client: selection by the cluster's own search read once per batch, execution by its per-item
 * endpoints. The cluster has no "only if this batch has not", so it does not mark items: the worker
 * records an item as sent before `applyItems` and asks `appliedBy` on a redelivery.
 */
export class Camunda8Engine implements Engine {
  readonly kind = 'camunda8' as const;
  readonly marksItems = false;
  readonly selectionSplit = 'whole' as const;
  private readonly pageSize: number;
  private version: Promise<string> | undefined;

  constructor(
    private readonly client: CamundaClient,
    private readonly connection: Pick<Camunda8Connection, 'authStrategy'>,
    private readonly settings: Camunda8EngineSettings,
  ) {
    this.pageSize = settings.pageSize ?? CAMUNDA_MAX_PAGE_LIMIT;
  }

  async unsupported(type: BatchOperationType): Promise<string | undefined> {
    const reason = WHY_NOT_PER_ITEM[type];
    if (reason) return reason;
    const operation = ITEM_OPERATIONS[type];
    if (!operation) return `${type} is an operation of the classic engine (Camunda 7); Camunda 8 has none`;
    const version = await this.gatewayVersion();
    return atLeast(version, operation.since)
      ? undefined
      : `the Camunda 8 cluster runs ${version}, and ${type} per item needs ${operation.since.join('.')} or later`;
  }

  async *selectItems(
    selection: EngineSelection,
    _part: SelectionPart,
    stats: SelectionStats,
  ): AsyncGenerator<EngineItem> {
    const operation = this.operationOf(selection.batchOperationType);
    // A job batch names its jobs by a filter only (Camunda's JobBatchUpdateRequest), as in the built-in engine.
    const listed = new Set(operation.items === 'jobs' ? [] : (selection.processInstanceKeys ?? []));
    // Listed keys are items as given, unread: one that does not exist fails with the cluster's 404.
    for (const key of listed) yield { itemKey: key, processInstanceKey: key };
    if (selection.filter === undefined) return;
    let after: string | undefined;
    for (;;) {
      const page = await this.search(operation, selection.filter, after, stats);
      for (const item of page.items) if (!listed.has(item.itemKey)) yield item;
      if (page.items.length < this.pageSize || !page.endCursor) return;
      after = page.endCursor;
    }
  }

  async applyItems(batch: EngineBatch, items: readonly EngineItem[]): Promise<EngineItemResult[]> {
    const operation = this.operationOf(batch.batchOperationType);
    return await sentItemOutcomes(
      items,
      this.settings.concurrency,
      async (item) => {
        const outcome = await this.call('item', () => operation.apply(this.client, batch.parameters, item));
        if (outcome.ok) {
          return outcome.value
            ? { state: 'FAILED', errorMessage: outcome.value.refused, errorClass: 'INVALID_STATE' }
            : { state: 'COMPLETED' };
        }
        const { detail, errorClass, uncertain } = outcome;
        return { state: 'FAILED', errorMessage: detail, errorClass, uncertain };
      },
      (item) => this.applied(operation, batch, item),
    );
  }

  async appliedBy(batch: EngineBatch, items: readonly EngineItem[]): Promise<boolean[]> {
    const operation = this.operationOf(batch.batchOperationType);
    return await mapWithConcurrency(items, this.settings.concurrency, (item) =>
      this.applied(operation, batch, item),
    );
  }

  /**
   * The definition and tenant of the instances among the keys, by one search of the cluster (the
   * worker asks for a group of at most 25; a key the cluster does not know is left out). A search the
   * cluster refuses is the service's own problem (its credentials): EngineUnavailableError.
   */
  async describeInstances(processInstanceKeys: readonly string[]): Promise<Map<string, InstanceRef>> {
    const keys = [...new Set(processInstanceKeys)];
    if (keys.length === 0) return new Map();
    const outcome = await this.call('service', () =>
      this.client.searchProcessInstances(
        {
          filter: { processInstanceKey: { $in: keys.map((key) => ProcessInstanceKey.assumeExists(key)) } },
          page: { limit: keys.length },
        },
        READ_NOW,
      ),
    );
    if (!outcome.ok)
      throw new EngineUnavailableError(
        `The Camunda 8 cluster refused to describe instances: ${outcome.detail}`,
      );
    return new Map(
      outcome.value.items.map((instance) => [
        String(instance.processInstanceKey),
        { processDefinitionId: String(instance.processDefinitionId), tenantId: String(instance.tenantId) },
      ]),
    );
  }

  /** The console's and the CLI's reads of the cluster's records, through this adapter's client and retries. */
  reads(): EngineReads {
    return new Camunda8Reads(this.client, (op) => this.call('service', op));
  }

  /** Whether the item shows the operation's effect; a read the cluster refuses (say 403) shows none. */
  private async applied(operation: ItemOperation, batch: EngineBatch, item: EngineItem): Promise<boolean> {
    const outcome = await this.call('item', () => operation.applied(this.client, batch.parameters, item));
    return outcome.ok && outcome.value;
  }

  private operationOf(type: BatchOperationType): ItemOperation {
    const operation = ITEM_OPERATIONS[type];
    if (!operation) throw new EngineUnavailableError(`The Camunda 8 engine cannot run ${type} per item`);
    return operation;
  }

  private gatewayVersion(): Promise<string> {
    this.version ??= this.call('service', () => this.client.getTopology())
      .then((outcome) => {
        if (!outcome.ok)
          throw new EngineUnavailableError(`The Camunda 8 cluster refused its topology: ${outcome.detail}`);
        return outcome.value.gatewayVersion;
      })
      .catch((error: unknown) => {
        this.version = undefined;
        throw error;
      });
    return this.version;
  }

  /** One page of the batch's items from the cluster's search, with the retry policy; QueryFailedError beyond it. */
  private async search(
    operation: ItemOperation,
    filter: unknown,
    after: string | undefined,
    stats: SelectionStats,
  ): Promise<{ items: EngineItem[]; endCursor?: string }> {
    const page = { limit: this.pageSize, ...(after ? { after } : {}) };
    let outcome: Outcome<{ items: EngineItem[]; endCursor?: string }>;
    try {
      outcome = await this.call(
        'service',
        async () => {
          // The batch's filter is Camunda's own filter language, validated at creation: passed through.
          const found =
            operation.items === 'jobs'
              ? await this.client.searchJobs({ filter: filter as never, page }, READ_NOW)
              : await this.client.searchProcessInstances({ filter: filter as never, page }, READ_NOW);
          return {
            items: found.items.map((entry) => ({
              itemKey: String('jobKey' in entry ? entry.jobKey : entry.processInstanceKey),
              processInstanceKey: String(entry.processInstanceKey),
            })),
            endCursor: found.page.endCursor ?? undefined,
          };
        },
        () => stats.queryRetries++,
      );
    } catch (error) {
      if (error instanceof TransientEngineError) throw new QueryFailedError(error.message);
      throw error;
    }
    if (!outcome.ok)
      throw new QueryFailedError(`The Camunda 8 cluster refused the search: ${outcome.detail}`);
    return outcome.value;
  }

  /**
   * One call with the classification of its answer: a value, or the cluster's refusal; a transient
   * fault is tried again with the retry policy and then thrown as TransientEngineError; a refusal of
   * the service itself is EngineUnavailableError. A 401 with OAuth first fetches a new token once
   * (the token may have expired or been revoked since the client cached it).
   */
  private async call<T>(
    call: 'item' | 'service',
    op: () => Promise<T>,
    onRetry?: () => void,
  ): Promise<Outcome<T>> {
    let refreshed = false;
    let uncertain = false;
    for (let retriesSoFar = 0; ; ) {
      const { record, result } = recordingRequests(op);
      let answer: ClusterAnswer;
      try {
        return { ok: true, value: await result };
      } catch (error) {
        answer = classifyClusterError(error, call);
      }
      // Requests the client retried by itself after no answer count as well as this layer's retries.
      uncertain ||= record.unanswered > 0;
      if (answer.kind === 'refused') return { ok: false, uncertain, ...answer };
      if (answer.kind === 'unavailable') {
        if (this.connection.authStrategy === 'OAUTH' && !refreshed && answer.status === 401) {
          refreshed = true;
          await this.client.forceAuthRefresh().catch(() => undefined);
          continue;
        }
        throw new EngineUnavailableError(`The Camunda 8 cluster refused this service: ${answer.detail}`);
      }
      uncertain ||= answer.maybeLanded;
      const decision = decideQueryRetry(this.settings.retry, { retryable: true, retriesSoFar });
      if (!decision.retry) {
        throw new TransientEngineError(
          `The Camunda 8 cluster could not take the call (${decision.reason}): ${answer.detail}`,
        );
      }
      retriesSoFar++;
      onRetry?.();
      // The cluster's Retry-After is honoured up to the policy's longest wait; beyond that the retries run out sooner.
      await sleep(Math.min(Math.max(decision.delayMs, record.retryAfterMs), this.settings.retry.maxDelayMs));
    }
  }
}

/**
 * The Camunda 8 engine of a deployment with ENGINE=camunda8: the connection from the CAMUNDA_*
 * variables (throws naming what is missing), the retry policy and concurrency from the service's
 * own configuration.
 */
export function camunda8EngineFromEnvironment(
  env: Record<string, string | undefined>,
  settings: Camunda8EngineSettings,
): Camunda8Engine {
  const connection = camunda8ConnectionFromEnvironment(env);
  // The client lets 16 calls through at a time unless told otherwise; the worker's concurrency is meant.
  const clientEnv = {
    CAMUNDA_SDK_BACKPRESSURE_INITIAL_MAX: String(settings.concurrency),
    ...connection.clientEnv,
  };
  return new Camunda8Engine(camunda8Client({ ...connection, clientEnv }), connection, settings);
}
