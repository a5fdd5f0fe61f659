import type { ChildProcess } from 'node:child_process';

/** Stops a child process and waits until it is gone; SIGKILL if it ignores SIGTERM. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Polls until `probe` succeeds or the deadline passes, then fails with `what` in the message. The
 * default deadline covers a JVM (DynamoDB Local) starting on a busy 2-core machine, where 30 s was
 * seen to pass, and stays within the tests' 120 s hook timeout.
 */
export async function waitUntilReady(
  what: string,
  probe: () => Promise<unknown>,
  timeoutMs = 90_000,
  /** Why waiting is pointless (say, the child process exited), checked before each try: fails at once. */
  gaveUp: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const reason = gaveUp();
    if (reason) throw new Error(`${what} will not become ready: ${reason}`);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * A server in a child process that can be stopped and started again (a test's engine, the benchmark's
 * target): the tail of its output kept for the error of a start that does not become ready, which is
 * stopped rather than left running.
 */
export class ChildServer {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    private readonly name: string,
    private readonly graceMs: number,
  ) {}

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the child (`launch`) and waits until `ready` succeeds, at most `timeoutMs`. */
  async start(launch: () => ChildProcess, ready: () => Promise<void>, timeoutMs: number): Promise<void> {
    if (this.child) throw new Error(`${this.name} is running already`);
    const child = launch();
    this.child = child;
    this.output = '';
    const keep = (data: Buffer) => {
      this.output = (this.output + data.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await waitUntilReady(this.name, ready, timeoutMs, () =>
        child.exitCode === null ? undefined : `it exited with ${child.exitCode}`,
      );
    } catch (error) {
      await this.stop();
      throw new Error(`${(error as Error).message} (its last output: ${this.output})`);
    }
  }

  /** Stops the child (SIGTERM, SIGKILL after the grace) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await stopChild(child, this.graceMs);
  }
}
