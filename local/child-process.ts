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
