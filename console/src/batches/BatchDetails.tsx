import {
  InlineLoading,
  InlineNotification,
  Link,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
} from '@carbon/react';
import { useEffect, useRef, useState } from 'react';
import { type BatchOperation, isFinal } from '../api/types.ts';
import { BatchStateTag } from '../components/BatchStateTag.tsx';
import { ProblemNotification } from '../components/ProblemNotification.tsx';
import { operationLabel } from '../operations.ts';
import {
  addSample,
  countsOf,
  formatDate,
  formatDuration,
  outcomeCounts,
  type ProgressSample,
  phaseOf,
  rateOf,
} from '../progress.ts';
import { useBatch } from '../queries/batchOperations.ts';
import { href } from '../router.ts';
import { BatchActions } from './BatchActions.tsx';
import { BatchItems } from './BatchItems.tsx';
import { BatchProgress, CountsBar } from './BatchProgress.tsx';
import { OperatorControls } from './OperatorControls.tsx';

/** One batch, live until it ends: facts, progress with rate and ETA, errors, actions, items. */
export function BatchDetails({ batchOperationKey }: { batchOperationKey: string }) {
  const batch = useBatch(batchOperationKey);
  return (
    <section aria-labelledby="batch-heading">
      <p>
        <Link href={href({ view: 'batches', page: 1, type: '', state: '' })}>← All batches</Link>
      </p>
      <h1 id="batch-heading" className="page-heading">
        Batch {batchOperationKey}
      </h1>
      {batch.isPending && <InlineLoading description="Reading the batch…" />}
      {batch.isError && !batch.data && (
        <ProblemNotification error={batch.error} context="The batch could not be read" />
      )}
      {batch.data && <Loaded batch={batch.data} refreshError={batch.isError ? batch.error : undefined} />}
    </section>
  );
}

function Loaded({ batch, refreshError }: { batch: BatchOperation; refreshError?: unknown }) {
  const samples = useRef<ProgressSample[]>([]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const at = Date.now();
    samples.current = addSample(samples.current, { at, processed: countsOf(batch).processed });
    setNow(at);
  }, [batch]);
  const rate = rateOf(batch, samples.current, now);
  const { batchOperationKey, state, batchOperationType, errors, itemErrorSummary, parameters, ...rest } =
    batch;

  return (
    <>
      {refreshError !== undefined && (
        <ProblemNotification
          error={refreshError}
          context="The last refresh failed (showing the previous answer)"
        />
      )}
      <div className="two-columns">
        <div>
          <dl className="facts" aria-label="Batch facts">
            <dt>State</dt>
            <dd>
              <BatchStateTag state={state} />
            </dd>
            <dt>Type</dt>
            <dd>
              {operationLabel(batchOperationType)} ({batchOperationType})
            </dd>
            <dt>Phase</dt>
            <dd data-testid="batch-phase">{phaseOf(batch)}</dd>
            <dt>Created by</dt>
            <dd>
              {batch.actorId
                ? `${batch.actorId}${batch.actorType ? ` (${batch.actorType})` : ''}`
                : 'not reported by the API (actorId is null)'}
            </dd>
            <dt>Started</dt>
            <dd>{formatDate(batch.startDate)}</dd>
            <dt>Ended</dt>
            <dd>{formatDate(batch.endDate)}</dd>
            {batch.stalledSince && (
              <>
                <dt>Stalled since</dt>
                <dd>{formatDate(batch.stalledSince)}</dd>
              </>
            )}
            {batch.waitingForEngine && (
              <>
                <dt>Waiting for the engine</dt>
                <dd data-testid="batch-engine-wait">
                  since {formatDate(batch.waitingForEngine.since)}, {batch.waitingForEngine.attempts}{' '}
                  {batch.waitingForEngine.attempts === 1 ? 'attempt' : 'attempts'}:{' '}
                  {batch.waitingForEngine.reason}
                </dd>
              </>
            )}
          </dl>
        </div>
        <div>
          <BatchProgress batch={batch} label="Progress" />
          <dl className="facts" aria-label="Progress">
            <dt>Items</dt>
            <dd data-testid="batch-counts">{outcomeCounts(batch)}</dd>
            <dt>Rate</dt>
            <dd>
              {rate
                ? `${rate.itemsPerSecond.toFixed(1)} items/s`
                : isFinal(state)
                  ? averageRate(batch)
                  : 'measuring…'}
            </dd>
            <dt>Estimated end</dt>
            <dd>
              {rate?.estimatedEnd
                ? `${rate.estimatedEnd.toLocaleTimeString()} (in ${formatDuration(rate.estimatedEnd.getTime() - now)})`
                : isFinal(state)
                  ? `ended after ${formatDuration(Date.parse(batch.endDate ?? batch.startDate) - Date.parse(batch.startDate))}`
                  : state === 'SUSPENDED'
                    ? 'none while suspended'
                    : 'measuring…'}
            </dd>
          </dl>
        </div>
      </div>
      {!isFinal(state) && (
        <p className="cds--label" aria-live="off">
          Live: refreshed every second while the batch runs.
        </p>
      )}
      <BatchActions batch={batch} />
      <OperatorControls batch={batch} />

      <h2 className="section-heading">Shards</h2>
      {errors.length === 0 ? (
        <p>No shard failed.</p>
      ) : (
        errors.map((error) => (
          <InlineNotification
            key={`${error.partitionId}-${error.type}`}
            kind="error"
            role="alert"
            lowContrast
            hideCloseButton
            title={
              error.partitionId >= 0 ? `Shard ${error.partitionId}: ${error.type}` : `Batch: ${error.type}`
            }
            subtitle={error.message}
          />
        ))
      )}
      {batch.shards && batch.shards.length > 0 && (
        <TableContainer>
          <Table aria-label="Progress per shard" size="sm">
            <TableHead>
              <TableRow>
                <TableHeader>Shard</TableHeader>
                <TableHeader>State</TableHeader>
                <TableHeader>Progress</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {batch.shards.map((shard) => {
                const done = shard.operationsCompletedCount + shard.operationsFailedCount;
                return (
                  <TableRow key={shard.shard}>
                    <TableCell>{shard.shard}</TableCell>
                    <TableCell>{shard.state}</TableCell>
                    <TableCell>
                      <CountsBar
                        label={`Shard ${shard.shard}`}
                        total={shard.operationsTotalCount}
                        completed={shard.operationsCompletedCount}
                        failed={shard.operationsFailedCount}
                        final={isFinal(state) || shard.state === 'FAILED'}
                        description={`${done} of ${shard.operationsTotalCount} (${shard.operationsFailedCount} failed)`}
                      />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      )}

      <h2 className="section-heading">Failures by cause</h2>
      {itemErrorSummary && itemErrorSummary.length > 0 ? (
        <TableContainer>
          <Table aria-label="Failed items grouped by error message" size="sm">
            <TableHead>
              <TableRow>
                <TableHeader>Error message</TableHeader>
                <TableHeader>Items</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {itemErrorSummary.map((group) => (
                <TableRow key={group.errorMessage}>
                  <TableCell>{group.errorMessage}</TableCell>
                  <TableCell>{group.count}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      ) : (
        <div className="empty-state">No item failed{isFinal(state) ? '' : ' so far'}.</div>
      )}

      <h2 className="section-heading">Items</h2>
      <BatchItems batchOperationKey={batchOperationKey} live={!isFinal(state)} />

      <h2 className="section-heading">Every field of the API response</h2>
      <dl className="facts" aria-label="API response">
        <dt>batchOperationKey</dt>
        <dd>{batchOperationKey}</dd>
        <dt>state</dt>
        <dd>{state}</dd>
        <dt>batchOperationType</dt>
        <dd>{batchOperationType}</dd>
        {Object.entries(rest).map(([field, value]) => (
          <Fact key={field} field={field} value={value} />
        ))}
        <dt>errors</dt>
        <dd>{JSON.stringify(errors)}</dd>
        <dt>itemErrorSummary</dt>
        <dd>{JSON.stringify(itemErrorSummary ?? null)}</dd>
        {parameters && <Fact field="parameters" value={parameters} />}
      </dl>
    </>
  );
}

function Fact({ field, value }: { field: string; value: unknown }) {
  return (
    <>
      <dt>{field}</dt>
      <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
    </>
  );
}

/** A finished batch's items per second over its whole run. */
function averageRate(batch: BatchOperation): string {
  const seconds = (Date.parse(batch.endDate ?? batch.startDate) - Date.parse(batch.startDate)) / 1000;
  const { processed } = countsOf(batch);
  return seconds > 0 && processed > 0 ? `${(processed / seconds).toFixed(1)} items/s on average` : '—';
}
