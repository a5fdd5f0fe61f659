import { InvalidStateError } from '../errors.ts';
import type { Job } from '../job/job.ts';
import { type FlowNode, isWaitNode, startEventOf, successorsOf } from './flow-model.ts';
import type { ElementInstance, ProcessInstance } from './process-instance.ts';

/** What one step of the engine needs: the process's flow, the time, and fresh keys. */
export interface FlowContext {
  nodes: readonly FlowNode[];
  now: string;
  nextKey: () => string;
}

/** An instance after a step, and the jobs its tokens created on the way. */
export interface FlowResult {
  instance: ProcessInstance;
  jobs: Job[];
}

/** More element activations than this in one step is a loop deployment should have refused. */
const MAX_ACTIVATIONS_PER_STEP = 10_000;

/**
 * Moves tokens along sequence flows until each waits at a task or is consumed. Service tasks create
 * a job, user and receive tasks wait, exclusive gateways take their default flow or else the first,
 * other nodes send a token down every outgoing flow, and a scope (subprocess or process) completes
 * once no token is left in it: the process then ends COMPLETED with an end date. Element instances
 * are kept for the elements a token waited at (tasks, subprocesses), not for events and gateways it
 * passed.
 */
class TokenFlow {
  private readonly byId: Map<string, FlowNode>;
  private readonly instance: ProcessInstance;
  private readonly elementInstances: ElementInstance[];
  private readonly jobs: Job[] = [];
  private readonly arrivals: string[] = [];
  private readonly scopesToCheck = new Set<string | undefined>();
  private activations = 0;

  constructor(
    private readonly context: FlowContext,
    instance: ProcessInstance,
  ) {
    this.byId = new Map(context.nodes.map((node) => [node.id, node]));
    this.elementInstances = instance.elementInstances.map((element) => ({ ...element }));
    this.instance = { ...instance, elementInstances: this.elementInstances };
  }

  /** Tokens at the process's none start event, or at the given elements (start instructions). */
  start(elementIds: readonly string[]): FlowResult {
    if (elementIds.length === 0) {
      const start = startEventOf(this.context.nodes);
      if (start) this.arrivals.push(start.id);
    }
    for (const elementId of elementIds) {
      this.enterScopesOf(this.node(elementId));
      this.arrivals.push(elementId);
    }
    this.scopesToCheck.add(undefined);
    return this.run();
  }

  /** The element instance's work is done (its job completed): its token moves on. */
  complete(elementInstanceKey: string): FlowResult {
    const element = this.elementInstances.find(
      (candidate) => candidate.elementInstanceKey === elementInstanceKey && candidate.state === 'ACTIVE',
    );
    if (!element) {
      throw new InvalidStateError(
        `Expected to complete element instance '${elementInstanceKey}' of process instance '${this.instance.processInstanceKey}', but it is not active`,
      );
    }
    element.state = 'COMPLETED';
    this.leave(this.node(element.elementId));
    return this.run();
  }

  private run(): FlowResult {
    for (;;) {
      const arrival = this.arrivals.shift();
      if (arrival !== undefined) {
        this.enter(this.node(arrival));
        continue;
      }
      // Scopes are checked only once no token is in flight, so a token still on its way keeps its scope open.
      const scopeId = this.nextScopeToComplete();
      if (scopeId === null) break;
      this.completeScope(scopeId);
    }
    return { instance: this.instance, jobs: this.jobs };
  }

  private enter(node: FlowNode): void {
    if (++this.activations > MAX_ACTIVATIONS_PER_STEP) {
      throw new InvalidStateError(
        `Process instance '${this.instance.processInstanceKey}' activated more than ${MAX_ACTIVATIONS_PER_STEP} elements in one step at '${node.id}'`,
      );
    }
    switch (node.kind) {
      case 'serviceTask': {
        const element = this.activate(node);
        this.jobs.push(this.jobFor(node, element));
        return;
      }
      case 'userTask':
      case 'receiveTask':
        this.activate(node);
        return;
      case 'subProcess': {
        this.activate(node);
        const start = startEventOf(this.context.nodes, node.id);
        if (start) this.arrivals.push(start.id);
        else this.scopesToCheck.add(node.id);
        return;
      }
      case 'endEvent':
        this.scopesToCheck.add(node.scopeId);
        return;
      default:
        this.leave(node);
    }
  }

  private leave(node: FlowNode): void {
    const targets = successorsOf(node);
    if (targets.length === 0) this.scopesToCheck.add(node.scopeId);
    this.arrivals.push(...targets);
  }

  /** A scope marked for checking that is still open and has no active element instance left; null if none. */
  private nextScopeToComplete(): string | undefined | null {
    for (const scopeId of this.scopesToCheck) {
      this.scopesToCheck.delete(scopeId);
      // A suspended instance's tokens move only by a modification, which may also end it.
      const running = this.instance.state === 'ACTIVE' || this.instance.state === 'SUSPENDED';
      const open = scopeId === undefined ? running : this.activeElement(scopeId);
      const busy = this.elementInstances.some(
        (element) => element.state === 'ACTIVE' && this.byId.get(element.elementId)?.scopeId === scopeId,
      );
      if (open && !busy) return scopeId;
    }
    return null;
  }

  private completeScope(scopeId: string | undefined): void {
    if (scopeId === undefined) {
      this.instance.state = 'COMPLETED';
      this.instance.endDate = this.context.now;
      if (this.instance.suspendedDate) this.instance.suspendedDate = null;
      return;
    }
    const element = this.activeElement(scopeId);
    if (element) element.state = 'COMPLETED';
    this.leave(this.node(scopeId));
  }

  /** Start instructions inside subprocesses open the enclosing subprocesses first, outermost first. */
  private enterScopesOf(node: FlowNode): void {
    if (!node.scopeId) return;
    const scope = this.node(node.scopeId);
    this.enterScopesOf(scope);
    if (!this.activeElement(scope.id)) this.activate(scope);
  }

  private activate(node: FlowNode): ElementInstance {
    const element: ElementInstance = {
      elementInstanceKey: this.context.nextKey(),
      elementId: node.id,
      state: 'ACTIVE',
    };
    this.elementInstances.push(element);
    return element;
  }

  private activeElement(elementId: string): ElementInstance | undefined {
    return this.elementInstances.find(
      (element) => element.elementId === elementId && element.state === 'ACTIVE',
    );
  }

  private jobFor(node: FlowNode, element: ElementInstance): Job {
    const retries = node.jobRetries ?? 3;
    return {
      jobKey: this.context.nextKey(),
      type: node.jobType ?? node.id,
      state: 'ACTIVATABLE',
      retries,
      processInstanceKey: this.instance.processInstanceKey,
      processDefinitionKey: this.instance.processDefinitionKey,
      processDefinitionId: this.instance.processDefinitionId,
      processDefinitionVersion: this.instance.processDefinitionVersion,
      elementId: node.id,
      elementInstanceKey: element.elementInstanceKey,
      tenantId: this.instance.tenantId,
      creationTime: this.context.now,
      hasFailedWithRetriesLeft: false,
      revision: 0,
    };
  }

  private node(id: string): FlowNode {
    const node = this.byId.get(id);
    if (!node) {
      throw new InvalidStateError(
        `Process instance '${this.instance.processInstanceKey}' reached element '${id}', which its process definition does not have`,
      );
    }
    return node;
  }
}

/** A new instance's tokens: at the none start event, or at the start instructions' elements. */
export function startTokens(
  context: FlowContext,
  instance: ProcessInstance,
  startElementIds: readonly string[] = [],
): FlowResult {
  return new TokenFlow(context, instance).start(startElementIds);
}

/** The token of an element instance moves on (its job completed). */
export function completeElement(
  context: FlowContext,
  instance: ProcessInstance,
  elementInstanceKey: string,
): FlowResult {
  return new TokenFlow(context, instance).complete(elementInstanceKey);
}

/**
 * Runs a step twice: first counting the keys it takes, then with exactly that many allocated. Steps
 * are pure, so both runs take the same path, and no key is wasted.
 */
export async function withAllocatedKeys<T>(
  allocate: (count: number) => Promise<string[]>,
  step: (nextKey: () => string) => T,
): Promise<T> {
  let count = 0;
  step(() => String(count++));
  const keys = count > 0 ? await allocate(count) : [];
  let next = 0;
  return step(() => keys[next++]);
}

/** Where a new instance's first token waits (the first element a test or client sees it at). */
export function initialWaitElementId(nodes: readonly FlowNode[]): string | undefined {
  const probe: ProcessInstance = {
    processInstanceKey: '0',
    processDefinitionKey: '0',
    processDefinitionId: '',
    processDefinitionVersion: 0,
    tenantId: '',
    state: 'ACTIVE',
    startDate: '',
    hasIncident: false,
    variables: {},
    tags: [],
    elementInstances: [],
    batchOperationIds: [],
  };
  let key = 0;
  const { instance } = startTokens({ nodes, now: '', nextKey: () => String(key++) }, probe);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  return instance.elementInstances.find((element) => {
    const node = byId.get(element.elementId);
    return node !== undefined && isWaitNode(node);
  })?.elementId;
}
