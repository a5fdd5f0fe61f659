import { type BatchOperation, isFinal } from '../api/types.ts';
import { countsOf, outcomeCounts } from '../progress.ts';

/**
 * A bar that shows what happened, not only how far it got: completed items green (blue while
 * running), failed items red, what a final batch left unprocessed grey. Carbon's ProgressBar has one
 * colour and announces "Loading" until "finished", which read as a healthy or a running batch.
 */
export function CountsBar({
  label,
  total,
  completed,
  failed,
  final,
  description,
}: {
  label: string;
  total: number;
  completed: number;
  failed: number;
  final: boolean;
  description: string;
}) {
  const share = (count: number) => (total === 0 ? 0 : (100 * count) / total);
  const percent = total === 0 ? (final ? 100 : 0) : Math.min(100, Math.floor(share(completed + failed)));
  return (
    <div className={`counts-bar${final ? ' counts-bar--final' : ''}`}>
      <div
        className="counts-bar__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% · ${description}`}
        aria-busy={!final}
      >
        <span className="counts-bar__completed" style={{ width: `${share(completed)}%` }} />
        <span className="counts-bar__failed" style={{ width: `${share(failed)}%` }} />
      </div>
      <div className="counts-bar__text">
        {percent}% · {description}
      </div>
    </div>
  );
}

/** A batch's bar with its counts in words. */
export function BatchProgress({ batch, label }: { batch: BatchOperation; label: string }) {
  const counts = countsOf(batch);
  return (
    <CountsBar
      label={label}
      total={counts.total}
      completed={counts.completed}
      failed={counts.failed}
      final={isFinal(batch.state)}
      description={outcomeCounts(batch).replace(/^\d+ total, /, '')}
    />
  );
}
