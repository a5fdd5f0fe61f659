import type { TestProject } from 'vitest/node';
import { synthesizedStateMachineDefinition } from '../lib/synthesize.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The state machine as the CDK app synthesizes it, made once for every test file. */
    stateMachineDefinition: Record<string, unknown>;
  }
}

/** Synthesizes the stack once per run: each end-to-end file's runtime takes the same definition. */
export default function setup(project: TestProject): void {
  project.provide('stateMachineDefinition', synthesizedStateMachineDefinition());
}
