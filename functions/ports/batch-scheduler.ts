/** What a schedule does when its time comes: start a scheduled batch, or resume one its window paused. */
export type ScheduledAction = 'start' | 'resume';

export interface ScheduledEvent {
  batchOperationKey: string;
  action: ScheduledAction;
}

/**
 * One-time schedules of a batch's own actions (on AWS: EventBridge Scheduler; embedded: a timer), so
 * that a batch waiting for its time holds no execution, no Lambda and no poll. One schedule per batch
 * and action; scheduling again moves it.
 */
export interface BatchScheduler {
  schedule(event: ScheduledEvent, at: Date): Promise<void>;
  /** Removes the schedule, if there is one. */
  unschedule(event: ScheduledEvent): Promise<void>;
}

/** A schedule's name: one per batch and action. */
export const scheduleNameOf = ({ batchOperationKey, action }: ScheduledEvent) =>
  `batch-${batchOperationKey}-${action}`;
