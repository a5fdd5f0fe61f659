import { PROGRESS_WAIT_STATE, workflowTasks } from '#resources/workflow-tasks.ts';
import type { StateMachineEvent } from '../local/step-functions-emulator.ts';

/** The top-level states of the definition: the batch's four phases (lib/workflow.ts). */
export const PHASES = ['Creation', 'Initialization', 'Execution', 'Completion'] as const;
export type Phase = (typeof PHASES)[number];

/** States of the execution phase's poll loop: their count grows with the batch's duration, not its items. */
const POLL_LOOP_STATES = new Set([
  PROGRESS_WAIT_STATE,
  workflowTasks.checkProgress.stateName,
  'All shards finished?',
]);

export interface ExecutionFigures {
  /** Enter and exit time (ms since epoch) of each phase's state. */
  phases: Partial<Record<Phase, { entered: number; exited?: number }>>;
  endedAt?: number;
  /** States entered, as Step Functions Standard bills them (each Map iteration's states too), with retries. */
  transitions: number;
  pollLoopTransitions: number;
  pollChecks: number;
}

/** Collects the events of the executions the emulator runs, by execution name (the batch key). */
export class StateMachineEvents {
  private readonly executions = new Map<string, ExecutionFigures>();

  readonly observe = (executionName: string, event: StateMachineEvent): void => {
    let figures = this.executions.get(executionName);
    if (!figures) {
      figures = { phases: {}, transitions: 0, pollLoopTransitions: 0, pollChecks: 0 };
      this.executions.set(executionName, figures);
    }
    if (event.type === 'ExecutionSucceeded' || event.type === 'ExecutionFailed')
      figures.endedAt = event.timestamp;
    if (!('state' in event)) return;
    const name = event.state.name;
    if (event.type === 'StateEntered' || event.type === 'StateRetried') {
      figures.transitions++;
      if (POLL_LOOP_STATES.has(name)) figures.pollLoopTransitions++;
      if (name === workflowTasks.checkProgress.stateName && event.type === 'StateEntered')
        figures.pollChecks++;
    }
    if (!(PHASES as readonly string[]).includes(name)) return;
    const phase = name as Phase;
    if (event.type === 'StateEntered') figures.phases[phase] = { entered: event.timestamp };
    if (event.type === 'StateExited' && figures.phases[phase]) figures.phases[phase].exited = event.timestamp;
  };

  of(executionName: string): ExecutionFigures | undefined {
    return this.executions.get(executionName);
  }
}
