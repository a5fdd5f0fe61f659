/** Lambda invocations per function: how many and how long, as Lambda bills them (per ms, rounded up). */
export interface InvocationCount {
  invocations: number;
  billedMs: number;
}

export type InvocationCounts = Record<string, InvocationCount>;

export class InvocationRecorder {
  private counts: InvocationCounts = {};

  readonly observe = (functionName: string, durationMs: number): void => {
    this.counts[functionName] ??= { invocations: 0, billedMs: 0 };
    this.counts[functionName].invocations++;
    this.counts[functionName].billedMs += Math.ceil(durationMs);
  };

  take(): InvocationCounts {
    const taken = this.counts;
    this.counts = {};
    return taken;
  }
}
