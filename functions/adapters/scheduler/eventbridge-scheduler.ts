import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { type BatchScheduler, type ScheduledEvent, scheduleNameOf } from '#ports/batch-scheduler.ts';

export interface EventBridgeSchedulerSettings {
  /** The schedule group the stack created for the batches' schedules. */
  groupName: string;
  /** The function that runs a scheduled action (functions/scheduler/run-scheduled-action.ts). */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  roleArn: string;
}

/**
 * One-time EventBridge Scheduler schedules (`at(...)`, deleted once run), named after the batch and
 * the action, invoking the scheduled-action function with the event as input. A schedule costs
 * nothing while it waits: no execution, no Lambda, no poll.
 */
export class EventBridgeBatchScheduler implements BatchScheduler {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly settings: EventBridgeSchedulerSettings,
  ) {}

  async schedule(event: ScheduledEvent, at: Date): Promise<void> {
    const schedule = {
      Name: scheduleNameOf(event),
      GroupName: this.settings.groupName,
      // Scheduler takes the time without a zone or milliseconds: yyyy-mm-ddThh:mm:ss, here in UTC.
      ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ActionAfterCompletion: 'DELETE' as const,
      Target: {
        Arn: this.settings.targetArn,
        RoleArn: this.settings.roleArn,
        Input: JSON.stringify(event),
      },
    };
    try {
      await this.scheduler.send(new CreateScheduleCommand(schedule));
    } catch (error) {
      // Scheduled before (a retried request, a recovery): it moves to the new time.
      if (!(error instanceof ConflictException)) throw error;
      await this.scheduler.send(new UpdateScheduleCommand(schedule));
    }
  }

  async unschedule(event: ScheduledEvent): Promise<void> {
    try {
      await this.scheduler.send(
        new DeleteScheduleCommand({ Name: scheduleNameOf(event), GroupName: this.settings.groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
