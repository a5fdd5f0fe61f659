import { Button, InlineNotification, NumberInput } from '@carbon/react';
import { useState } from 'react';
import { type BatchOperation, isFinal } from '../api/types.ts';
import { ProblemNotification } from '../components/ProblemNotification.tsx';
import { formatDate } from '../progress.ts';
import { useBatchControl } from '../queries/batchOperations.ts';

/**
 * How the batch runs and the operator's live controls: its schedule (and "Start now"), its
 * maintenance windows, its priority in the engine's budget and its rate limit, changed while it runs
 * (PATCH /v2/extensions/batch-operations/{key}) without suspending it.
 */
export function OperatorControls({ batch }: { batch: BatchOperation }) {
  const control = useBatchControl(batch.batchOperationKey);
  const [rate, setRate] = useState<number | undefined>(batch.itemsPerSecond);
  const [priority, setPriority] = useState<number>(batch.priority ?? 10);
  const live = !isFinal(batch.state);
  return (
    <section aria-labelledby="controls-heading">
      <h2 id="controls-heading" className="section-heading">
        Schedule, windows and live controls
      </h2>
      <dl className="facts" aria-label="How the batch runs">
        <dt>Scheduled for</dt>
        <dd data-testid="batch-scheduled-for">
          {batch.scheduledFor ? formatDate(batch.scheduledFor) : 'not scheduled: started at creation'}
        </dd>
        <dt>Maintenance windows</dt>
        <dd data-testid="batch-windows">
          {batch.windows?.length
            ? batch.windows
                .map((window) => `${window.days.join(',')} ${window.from}–${window.to} ${window.timeZone}`)
                .join('; ')
            : 'none: runs at any time'}
        </dd>
        {batch.windowPausedAt && (
          <>
            <dt>Paused by its window since</dt>
            <dd>{formatDate(batch.windowPausedAt)}</dd>
          </>
        )}
        <dt>Priority</dt>
        <dd data-testid="batch-priority">{batch.priority ?? 10}</dd>
        <dt>Rate limit</dt>
        <dd>{batch.itemsPerSecond ? `${batch.itemsPerSecond} items/s` : 'none'}</dd>
        <dt>Measured by the workers</dt>
        <dd data-testid="batch-current-rate">
          {typeof batch.currentItemsPerSecond === 'number' ? `${batch.currentItemsPerSecond} items/s` : '—'}
        </dd>
      </dl>
      {batch.scheduledFor && batch.state === 'CREATED' && (
        <Button
          kind="secondary"
          size="sm"
          disabled={control.isPending}
          onClick={() => control.mutate({ start: true })}
        >
          Start now
        </Button>
      )}
      {live && (
        <form
          className="live-controls"
          aria-label="Live controls"
          onSubmit={(event) => {
            event.preventDefault();
            control.mutate({ controls: { ...(rate ? { itemsPerSecond: rate } : {}), priority } });
          }}
        >
          <NumberInput
            id="live-rate"
            label="Rate limit (items/s)"
            min={0}
            step={1}
            allowEmpty
            value={rate ?? ''}
            onChange={(_event, { value }) => setRate(value === '' ? undefined : Number(value))}
          />
          <NumberInput
            id="live-priority"
            label="Priority (1–100)"
            min={1}
            max={100}
            value={priority}
            onChange={(_event, { value }) => setPriority(Number(value))}
          />
          <Button type="submit" size="sm" disabled={control.isPending}>
            Apply without suspending
          </Button>
        </form>
      )}
      {control.isSuccess && (
        <InlineNotification
          kind="success"
          role="status"
          lowContrast
          hideCloseButton
          title="Applied"
          subtitle="The workers take it within a second; the measured rate follows."
        />
      )}
      {control.isError && <ProblemNotification error={control.error} context="The change was refused" />}
    </section>
  );
}
