import { logger } from '#commons/logger.ts';
import { type BatchScheduler, type ScheduledEvent, scheduleNameOf } from '#ports/batch-scheduler.ts';

/** How often the timer looks for schedules that are due (ms of real time). */
const TICK_MS = 100;

/**
 * The embedded runtime's stand-in for EventBridge Scheduler: schedules kept in memory, fired by a
 * timer once the service's clock (`now`, which a test may move) has passed their time. A restart
 * loses them: the recovery sweep at start-up schedules them again from the batches' records.
 */
export class TimerScheduler implements BatchScheduler {
  private readonly due = new Map<string, { event: ScheduledEvent; at: number }>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly now: () => Date,
    private readonly run: (event: ScheduledEvent) => Promise<unknown>,
  ) {}

  schedule(event: ScheduledEvent, at: Date): Promise<void> {
    this.due.set(scheduleNameOf(event), { event, at: at.getTime() });
    return Promise.resolve();
  }

  unschedule(event: ScheduledEvent): Promise<void> {
    this.due.delete(scheduleNameOf(event));
    return Promise.resolve();
  }

  start(): void {
    this.timer = setInterval(() => this.fire(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private fire(): void {
    const now = this.now().getTime();
    for (const [name, { event, at }] of this.due) {
      if (at > now) continue;
      this.due.delete(name);
      this.run(event).catch((error: unknown) =>
        logger.error('Scheduled action failed', { ...event, error: String(error) }),
      );
    }
  }
}
