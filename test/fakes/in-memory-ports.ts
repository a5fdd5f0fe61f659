import type { ChunkId } from '#domain/batch/chunk.ts';
import type { QueryPlan } from '#domain/filter/plan-query.ts';
import type { InstanceCommand } from '#domain/instance/instance-command.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { keyFromSequence, shardOf } from '#domain/keys.ts';
import { surrogateKey } from '#domain/surrogate-key.ts';
import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { ChunkSender } from '#ports/chunk-sender.ts';
import { EngineIdCollisionError, type EngineIdMap } from '#ports/engine-id-map.ts';
import type { JobStore } from '#ports/job-store.ts';
import type { KeyGenerator } from '#ports/key-generator.ts';
import type {
  BatchCommand,
  CommandResult,
  InstancePage,
  InstanceTombstone,
  KeyPage,
  ProcessInstanceStore,
} from '#ports/process-instance-store.ts';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * Process instances in memory with the DynamoDB adapter's command semantics: a command applies only
 * while the instance is in a required state and, for a batch, not yet marked by that batch. Every
 * instance of a shard is a candidate of a query (the filter evaluator decides, as it does on AWS).
 */
export class InMemoryProcessInstances implements ProcessInstanceStore {
  private readonly instances = new Map<string, ProcessInstance>();

  constructor(private readonly shardCount: number) {}

  async putInstances(instances: readonly ProcessInstance[]): Promise<void> {
    for (const instance of instances) this.instances.set(instance.processInstanceKey, copy(instance));
  }

  async getInstance(processInstanceKey: string): Promise<ProcessInstance | undefined> {
    const instance = this.instances.get(processInstanceKey);
    return instance && copy(instance);
  }

  /** In the order they were stored, not the keys' order (the port promises none). */
  async getInstances(processInstanceKeys: readonly string[]): Promise<ProcessInstance[]> {
    const wanted = new Set(processInstanceKeys);
    return [...this.instances.values()]
      .filter((instance) => wanted.has(instance.processInstanceKey))
      .map(copy);
  }

  async getTombstone(): Promise<InstanceTombstone | undefined> {
    return undefined;
  }

  async queryShard(
    _plan: unknown,
    shard: number,
    page: { cursor?: string; pageSize: number },
  ): Promise<InstancePage> {
    const inShard = this.shardInstances(shard);
    const start = Number(page.cursor ?? 0);
    const next = start + page.pageSize;
    return {
      instances: inShard.slice(start, next).map(copy),
      cursor: next < inShard.length ? String(next) : undefined,
      retries: 0,
    };
  }

  /** The index's keys: a shard's instances of the pinned definition (the only plan that decides by access). */
  async queryShardKeys(
    plan: QueryPlan,
    shard: number,
    page: { cursor?: string; pageSize: number },
  ): Promise<KeyPage> {
    const { access } = plan;
    const named = this.shardInstances(shard).filter(
      (instance) =>
        access.kind === 'shard' ||
        (access.kind === 'processDefinitionId'
          ? instance.processDefinitionId === access.processDefinitionId
          : access.keys.includes(instance.processInstanceKey)),
    );
    const start = Number(page.cursor ?? 0);
    const next = start + page.pageSize;
    return {
      keys: named.slice(start, next).map((instance) => instance.processInstanceKey),
      cursor: next < named.length ? String(next) : undefined,
      retries: 0,
    };
  }

  private shardInstances(shard: number): ProcessInstance[] {
    return [...this.instances.values()]
      .filter((instance) => shardOf(instance.processInstanceKey, this.shardCount) === shard)
      .sort((a, b) => (BigInt(a.processInstanceKey) < BigInt(b.processInstanceKey) ? -1 : 1));
  }

  async applyCommand(
    processInstanceKey: string,
    command: InstanceCommand,
    batchOperationKey?: string,
  ): Promise<CommandResult> {
    const instance = this.instances.get(processInstanceKey);
    const marked = batchOperationKey !== undefined && instance?.batchOperationIds.includes(batchOperationKey);
    if (!instance || !command.requiredStates.includes(instance.state) || marked) {
      return { applied: false, current: instance && copy(instance) };
    }
    Object.assign(instance, copy(command.set));
    if (batchOperationKey !== undefined) instance.batchOperationIds.push(batchOperationKey);
    return { applied: true };
  }

  applyBatchCommands(batchOperationKey: string, commands: readonly BatchCommand[]): Promise<CommandResult[]> {
    return Promise.all(
      commands.map(({ processInstanceKey, command }) =>
        this.applyCommand(processInstanceKey, command, batchOperationKey),
      ),
    );
  }
}

/** Keys from a counter, as the key sequence table hands them out. */
export function inMemoryKeys(first = 9_000_000): KeyGenerator {
  let next = first;
  return {
    async nextKeys(count: number): Promise<string[]> {
      return Array.from({ length: count }, () => keyFromSequence(next++));
    },
  };
}

/** A queue that keeps what was sent, in order, for the test to deliver. */
export class RecordingChunkSender implements ChunkSender {
  readonly sent: ChunkId[] = [];

  async sendChunks(chunks: readonly ChunkId[]): Promise<void> {
    this.sent.push(...chunks);
  }
}

/** Executions as names: started ones, and the tokens resumption sent back. */
export class RecordingExecutions implements BatchExecutions {
  readonly started: string[] = [];
  readonly resumed: string[] = [];

  async start(batchOperationKey: string, recoveryAttempt?: string): Promise<void> {
    this.started.push(recoveryAttempt ? `${batchOperationKey}-${recoveryAttempt}` : batchOperationKey);
  }

  async isRunning(batchOperationKey: string): Promise<boolean> {
    return this.started.includes(batchOperationKey);
  }

  async resume(taskToken: string): Promise<void> {
    this.resumed.push(taskToken);
  }
}

/** A job store without jobs: for flows over process instances, which never read jobs in bulk. */
export const NO_JOBS: JobStore = { scanJobs: () => Promise.resolve({ jobs: [] }) };

/** Engine ids by surrogate key in memory, refusing a key bound to another id as the DynamoDB adapter does. */
export class InMemoryEngineIdMap implements EngineIdMap {
  readonly ids = new Map<string, string>();

  async keysOf(kind: string, ids: readonly string[]): Promise<string[]> {
    return await Promise.all(
      ids.map((id) => {
        const key = surrogateKey(kind, id);
        const bound = this.ids.get(key);
        if (bound !== undefined && bound !== id) throw new EngineIdCollisionError(key, bound, id);
        this.ids.set(key, id);
        return key;
      }),
    );
  }

  async idsOf(keys: readonly string[]): Promise<Map<string, string>> {
    return new Map(keys.flatMap((key) => (this.ids.has(key) ? [[key, this.ids.get(key) as string]] : [])));
  }
}
