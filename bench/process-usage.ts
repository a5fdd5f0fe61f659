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
  // An engine benchmark's target: a second runtime (local/runtime-process.ts) or the Operaton engine.
  [/bin\/start\.ts/, 'runtime (Node)'],
  [/operaton-test-engine\.jar/, 'Operaton engine (Java)'],
];
/** A second runtime's processes, its emulators included, are the target's: named apart from the service's. */
const TARGET_RUNTIME = /bin\/start\.ts/;

/** What every process of the run used in one measured window, per role. */
export interface WindowUsage {
  /** Peak resident memory, MiB. */
  peakRssMiB: Record<string, number>;
  /** Processor time (user and system), seconds: tells which process a window's time went to. */
  cpuSeconds: Record<string, number>;
}

/**
 * Peak resident memory and processor time of every process of the run (this one, "service", and its
 * emulator descendants), per measured window. At a window's start each process's high-water mark
 * (VmHWM) is reset through /proc/<pid>/clear_refs; at its end VmHWM is read. VmRSS is sampled
 * meanwhile too, in case the reset is refused, and the larger figure is reported. Processor time is
 * the difference of /proc/<pid>/stat's utime and stime over the window. Linux only.
 */
export class ProcessUsage {
  private processes: TrackedProcess[] = [];
  private sampled = new Map<number, number>();
  private cpuAtStart = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.processes = [{ pid: process.pid, role: 'service' }, ...descendants(process.pid)];
    this.sampled = new Map();
    this.cpuAtStart = new Map(this.processes.map(({ pid }) => [pid, cpuTicks(pid) ?? 0]));
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

  /** Peak RSS and processor time per role since `start()`. */
  stop(): WindowUsage {
    clearInterval(this.timer);
    this.sample();
    const usage: WindowUsage = { peakRssMiB: {}, cpuSeconds: {} };
    for (const { pid, role } of this.processes) {
      const peakKb = Math.max(this.sampled.get(pid) ?? 0, statusField(pid, 'VmHWM') ?? 0);
      usage.peakRssMiB[role] = Math.round(peakKb / 102.4) / 10;
      const ticks = (cpuTicks(pid) ?? 0) - (this.cpuAtStart.get(pid) ?? 0);
      usage.cpuSeconds[role] = Math.round((ticks / TICKS_PER_SECOND) * 10) / 10;
    }
    return usage;
  }

  private sample(): void {
    for (const { pid } of this.processes) {
      const rss = statusField(pid, 'VmRSS');
      if (rss !== undefined) this.sampled.set(pid, Math.max(this.sampled.get(pid) ?? 0, rss));
    }
  }
}

/** Linux's USER_HZ: /proc reports processor time in these ticks (100 on every common kernel). */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in ticks. */
function cpuTicks(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : undefined;
}

/** /proc/<pid>/stat's fields after the command name (state first), or undefined once it ended. */
function statFields(pid: number | string): string[] | undefined {
  try {
    // The command name may hold spaces and parentheses: the fields follow the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
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
    const fields = statFields(entry);
    // Undefined: the process ended meanwhile.
    if (fields) parents.set(Number(entry), Number(fields[1]));
  }
  const below = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent))
      if (parent === root) return true;
    return false;
  };
  const found: TrackedProcess[] = [];
  for (const pid of parents.keys()) {
    if (!below(pid)) continue;
    const commandLine = commandLineOf(pid);
    const role = ROLES.find(([pattern]) => pattern.test(commandLine))?.[1];
    if (!role) continue;
    let inTarget = false;
    for (let at: number | undefined = pid; at !== undefined && at !== root; at = parents.get(at))
      inTarget ||= TARGET_RUNTIME.test(commandLineOf(at));
    found.push({ pid, role: inTarget ? `target ${role}` : role });
  }
  return found;
}

/** A process's command line, '' once it ended. */
function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
