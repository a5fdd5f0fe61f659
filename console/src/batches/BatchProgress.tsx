import { ProgressBar } from '@carbon/react';
import type { BatchOperation } from '../api/types.ts';
import { countsOf } from '../progress.ts';

/** Carbon's progress bar with the counts in words (for screen readers and at a glance). */
export function BatchProgress({ batch, label }: { batch: BatchOperation; label: string }) {
  const counts = countsOf(batch);
  const status =
    batch.state === 'FAILED'
      ? 'error'
      : counts.percent === 100 && batch.state === 'COMPLETED'
        ? 'finished'
        : 'active';
  return (
    <ProgressBar
      label={label}
      hideLabel
      value={counts.percent}
      max={100}
      status={status}
      size="small"
      helperText={`${counts.percent}% · ${counts.completed} completed, ${counts.failed} failed, ${counts.pending} pending`}
    />
  );
}
