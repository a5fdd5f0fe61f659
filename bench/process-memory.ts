import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** A process of the run and what it is, told by its command line. */
interface TrackedProcess {
  pid: number;
  role: string;
}

const ROLES: [RegExp, string][] = [
  [/DynamoDBLocal/, 'DynamoDB Local (Java)'],
  [/dynamodb-local-process/, 'DynamoDB Local guardian (Node)'],
  [/fauxqs-process/, 'SQS emulator (fauxqs)'],
];

/**
 * Peak resident memory of every process of the run (this one, "service", and its emulator
 * descendants), per measured window. At a window's start each process's high-water mark (VmHWM) is
 * reset through /proc/<pid>/clear_refs; at its end VmHWM is read. VmRSS is sampled meanwhile too, in
 * case the reset is refused, and the larger figure is reported. Linux only, values in MiB.
 */
export class ProcessMemory {
  private processes: TrackedProcess[] = [];
  private sampled = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.processes = [{ pid: process.pid, role: 'service' }, ...descendants(process.pid)];
    this.sampled = new Map();
    for (const { pid } of this.processes) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // Not allowed here: sampling alone gives the peak.
      }
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
  }

  /** Peak RSS per role in MiB since `start()`. */
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    const peaks: Record<string, number> = {};
    for (const { pid, role } of this.processes) {
      const peakKb = Math.max(this.sampled.get(pid) ?? 0, statusField(pid, 'VmHWM') ?? 0);
      peaks[role] = Math.round(peakKb / 102.4) / 10;
    }
    return peaks;
  }

  private sample(): void {
    for (const { pid } of this.processes) {
      const rss = statusField(pid, 'VmRSS');
      if (rss !== undefined) this.sampled.set(pid, Math.max(this.sampled.get(pid) ?? 0, rss));
    }
  }
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The emulator processes below `root`, found through /proc's parent links. */
function descendants(root: number): TrackedProcess[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the parent pid follows the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const below = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent))
      if (parent === root) return true;
    return false;
  };
  const found: TrackedProcess[] = [];
  for (const pid of parents.keys()) {
    if (!below(pid)) continue;
    let commandLine = '';
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    const role = ROLES.find(([pattern]) => pattern.test(commandLine))?.[1];
    if (role) found.push({ pid, role });
  }
  return found;
}
