import { MultiBar, type SingleBar } from 'cli-progress';
import type { ApiClient, Json } from './api-client.ts';
import { CliError, EXIT } from './errors.ts';
import { type CliIo, terminalColumns, wantsLiveProgress } from './io.ts';

const PROGRAM = 'batchops';

export const FINAL_STATES = ['COMPLETED', 'PARTIALLY_COMPLETED', 'CANCELED', 'FAILED'] as const;
/** Default poll interval of `watch`: a batch's counters move once per chunk, so faster shows nothing new. */
export const DEFAULT_WATCH_INTERVAL_MS = 1000;
/** Rate and ETA are measured over this window, so a pause (suspension) fades out of the rate. */
const RATE_WINDOW_MS = 15_000;
/** Per-shard bars need room: below this width only the batch's bar is drawn. */
const WIDE_TERMINAL_COLUMNS = 120;

export interface Progress {
  key: string;
  state: string;
  total: number;
  completed: number;
  failed: number;
  /** Items per second over the last RATE_WINDOW_MS, once two polls apart have been seen. */
  rate?: number;
  /** Seconds left at that rate. */
  etaSeconds?: number;
}

/** Processed items over time: the rate and ETA of a batch from its successive polls. */
export class RateMeter {
  private readonly samples: { at: number; processed: number }[] = [];

  add(at: number, processed: number): void {
    this.samples.push({ at, processed });
    while (this.samples.length > 2 && at - this.samples[1].at >= RATE_WINDOW_MS) this.samples.shift();
  }

  rate(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? Math.max(0, (last.processed - first.processed) / seconds) : undefined;
  }
}

export function progressOf(batch: Json, measured: number | undefined): Progress {
  // Counts arrive in steps (a report a second per shard): a step can read faster than the batch may
  // go, and a rate above its own limit (the itemsPerSecond extension) is never the truth.
  const limit = Number(batch.itemsPerSecond ?? 0);
  const rate = measured !== undefined && limit > 0 ? Math.min(measured, limit) : measured;
  const total = Number(batch.operationsTotalCount ?? 0);
  const completed = Number(batch.operationsCompletedCount ?? 0);
  const failed = Number(batch.operationsFailedCount ?? 0);
  const remaining = Math.max(0, total - completed - failed);
  return {
    key: String(batch.batchOperationKey),
    state: String(batch.state),
    total,
    completed,
    failed,
    rate,
    etaSeconds: rate && rate > 0 ? remaining / rate : undefined,
  };
}

export function isFinal(state: unknown): boolean {
  return (FINAL_STATES as readonly unknown[]).includes(state);
}

/** `2m05s`, `17s`, `-` */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** One plain line per update (no terminal, CI, --json). */
export function progressLine(progress: Progress): string {
  const processed = progress.completed + progress.failed;
  const percent = progress.total > 0 ? Math.floor((processed / progress.total) * 100) : 0;
  return [
    `batch ${progress.key}`,
    progress.state,
    `${processed}/${progress.total} (${percent}%)`,
    `completed ${progress.completed}`,
    `failed ${progress.failed}`,
    `${progress.rate === undefined ? '-' : progress.rate.toFixed(1)} items/s`,
    `ETA ${duration(progress.etaSeconds)}`,
  ].join('  ');
}

interface ProgressView {
  update(progress: Progress, batch: Json): void;
  stop(): void;
}

/** A shard's progress, as the batch response's `shards[]` extension lists it. */
function shardsOf(batch: Json): { shard: string; total: number; done: number; state: string }[] {
  if (!Array.isArray(batch.shards)) return [];
  return batch.shards.map((shard: Json, index: number) => ({
    shard: String(shard.shard ?? shard.partitionId ?? index),
    total: Number(shard.totalCount ?? shard.operationsTotalCount ?? 0),
    done:
      Number(shard.completedCount ?? shard.operationsCompletedCount ?? 0) +
      Number(shard.failedCount ?? shard.operationsFailedCount ?? 0),
    state: String(shard.state ?? ''),
  }));
}

/** The bar's length bounds: it takes the room the text leaves on the line, within these. */
const BAR_MIN = 10;
const BAR_MAX = 40;

interface BarPayload {
  label: string;
  details: string;
  /** A line of text instead of a bar (the shards' errors). */
  text?: string;
}

/**
 * One bar line fitted to the terminal: `label ███░░░ 42% | 42/100 | details`, the bar taking the
 * room the text leaves (cli-progress would cut a line longer than the terminal).
 */
function fittedBar(
  progress: number,
  value: number,
  total: number,
  maxWidth: number,
  payload: BarPayload,
): string {
  const left = payload.label ? ` ${payload.label} ` : ' ';
  const right = ` ${Math.floor(progress * 100)}% | ${value}/${total}${payload.details ? ` | ${payload.details}` : ''}`;
  const size = Math.max(BAR_MIN, Math.min(BAR_MAX, maxWidth - 1 - left.length - right.length));
  const complete = Math.max(0, Math.min(size, Math.round(progress * size)));
  return `${left}${'█'.repeat(complete)}${'░'.repeat(size - complete)}${right}`;
}

/** The live bar (cli-progress) on stderr, with one bar per shard below it on a wide terminal. */
function barView(io: CliIo): ProgressView {
  const wide = terminalColumns(io) >= WIDE_TERMINAL_COLUMNS;
  const multibar = new MultiBar({
    stream: io.stderr,
    format: (_options, params, payload: BarPayload) =>
      payload.text !== undefined
        ? payload.text.slice(0, Math.max(0, params.maxWidth - 1))
        : fittedBar(params.progress, params.value, params.total, params.maxWidth, payload),
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    emptyOnZero: true,
    forceRedraw: true,
    // The bar is drawn only where a person watches it (see wantsLiveProgress).
    noTTYOutput: false,
  });
  let bar: SingleBar | undefined;
  let errorLine: SingleBar | undefined;
  const shardBars = new Map<string, SingleBar>();
  return {
    update(progress, batch) {
      const processed = progress.completed + progress.failed;
      const final = isFinal(progress.state);
      // An empty batch that ended is done: show it full rather than at 0 of 0.
      const total = progress.total === 0 && final ? 1 : progress.total;
      const value = progress.total === 0 && final ? 1 : processed;
      const rate = progress.rate === undefined ? '-' : progress.rate.toFixed(1);
      const eta = final ? '0s' : duration(progress.etaSeconds);
      const payload: BarPayload = wide
        ? {
            label: `batch ${progress.key}`,
            details: `${rate} items/s | ETA ${eta} | completed ${progress.completed} failed ${progress.failed} | ${progress.state}`,
          }
        : {
            label: '',
            details: `${rate}/s | ETA ${eta} | ok ${progress.completed} failed ${progress.failed} | ${progress.state}`,
          };
      if (!bar) bar = multibar.create(total, value, payload);
      else {
        bar.setTotal(total);
        bar.update(value, payload);
      }
      if (!wide) return;
      const errors: Json[] = Array.isArray(batch.errors) ? batch.errors : [];
      if (errors.length > 0) {
        const text = `   errors: ${errors
          .map(
            (error) =>
              `${error.partitionId === -1 ? 'batch' : `shard ${error.partitionId}`} ${error.type}: ${error.message}`,
          )
          .join('; ')}`;
        const payload: BarPayload = { label: '', details: '', text };
        if (errorLine) errorLine.update(0, payload);
        else errorLine = multibar.create(1, 0, payload);
      }
      for (const shard of shardsOf(batch)) {
        const shardPayload: BarPayload = { label: `  shard ${shard.shard}`, details: shard.state };
        const existing = shardBars.get(shard.shard);
        if (existing) {
          existing.setTotal(shard.total);
          existing.update(shard.done, shardPayload);
        } else shardBars.set(shard.shard, multibar.create(shard.total, shard.done, shardPayload));
      }
    },
    stop() {
      multibar.stop();
    },
  };
}

/** One line per change (state or counts) on stderr. */
function lineView(io: CliIo): ProgressView {
  let last = '';
  return {
    update(progress) {
      const signature = `${progress.state}:${progress.total}:${progress.completed}:${progress.failed}`;
      if (signature === last) return;
      last = signature;
      io.stderr.write(`${new Date().toISOString()}  ${progressLine(progress)}\n`);
    },
    stop() {},
  };
}

export interface WatchOptions {
  json: boolean;
  intervalMs: number;
}

/**
 * Polls a batch until it is final, drawing its progress; ends with a summary line on stderr and
 * returns the final batch. Ctrl-C stops watching (the batch keeps running) with exit code 130.
 */
export async function watchBatch(
  api: ApiClient,
  io: CliIo,
  key: string,
  options: WatchOptions,
): Promise<Json> {
  const view = wantsLiveProgress(io, options.json) ? barView(io) : lineView(io);
  const meter = new RateMeter();
  const started = Date.now();
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.once('SIGINT', onInterrupt);
  let batch: Json;
  try {
    for (;;) {
      batch = (await api.get(`/v2/batch-operations/${encodeURIComponent(key)}`)).body;
      const now = Date.now();
      meter.add(now, Number(batch.operationsCompletedCount ?? 0) + Number(batch.operationsFailedCount ?? 0));
      view.update(progressOf(batch, meter.rate()), batch);
      if (isFinal(batch.state)) break;
      await pause(options.intervalMs, interrupted.signal);
      if (interrupted.signal.aborted) {
        throw new CliError(
          `Stopped watching; batch ${key} keeps running (${PROGRAM}: watch ${key} to follow it again)`,
          EXIT.interrupted,
        );
      }
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    view.stop();
  }
  const progress = progressOf(batch, undefined);
  io.stderr.write(
    `Batch ${progress.key} ${progress.state}: ${progress.total} items, ${progress.completed} completed, ${progress.failed} failed (watched ${duration((Date.now() - started) / 1000)})\n`,
  );
  return batch;
}

/** Waits `ms`, or less when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
