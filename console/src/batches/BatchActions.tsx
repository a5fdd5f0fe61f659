import { Button, InlineNotification, Link, Modal } from '@carbon/react';
import { Download, Pause, Play, Renew, StopOutline } from '@carbon/react/icons';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { getBatchOperationReport, type ReportFormat } from '../api/getBatchOperationReport.ts';
import { type BatchOperation, isFinal } from '../api/types.ts';
import { ProblemNotification } from '../components/ProblemNotification.tsx';
import { type BatchAction, useBatchAction, useRetryFailedItems } from '../queries/batchOperations.ts';
import { href } from '../router.ts';

type Pending = BatchAction | 'retry' | ReportFormat;

const QUESTIONS: Record<
  Pending,
  { heading: string; body: (batch: BatchOperation) => string; button: string; danger?: boolean }
> = {
  suspend: {
    heading: 'Suspend this batch?',
    body: () => 'No further chunk runs (the one in flight per shard finishes). It can be resumed later.',
    button: 'Suspend',
  },
  resume: {
    heading: 'Resume this batch?',
    body: () => 'The chunks still pending are sent again.',
    button: 'Resume',
  },
  cancel: {
    heading: 'Cancel this batch?',
    body: (batch) =>
      `No further item is processed: its ${Math.max(0, batch.operationsTotalCount - batch.operationsCompletedCount - batch.operationsFailedCount)} pending items become CANCELED. This cannot be undone.`,
    button: 'Cancel the batch',
    danger: true,
  },
  retry: {
    heading: 'Retry the failed items?',
    body: (batch) =>
      `A new batch of the same operation runs over the ${batch.operationsFailedCount} items that FAILED.`,
    button: 'Create the retry batch',
  },
  csv: {
    heading: 'Download the report as CSV?',
    body: (batch) => `Every item of the batch (${batch.operationsTotalCount}), one line each.`,
    button: 'Download CSV',
  },
  jsonl: {
    heading: 'Download the report as JSON Lines?',
    body: (batch) => `Every item of the batch (${batch.operationsTotalCount}), one JSON object per line.`,
    button: 'Download JSONL',
  },
};

/** The actions the batch's state allows, each confirmed in a dialog, each showing the API's answer. */
export function BatchActions({ batch }: { batch: BatchOperation }) {
  const [pending, setPending] = useState<Pending>();
  const action = useBatchAction(batch.batchOperationKey);
  const retry = useRetryFailedItems(batch.batchOperationKey);
  const download = useMutation({
    mutationFn: async (format: ReportFormat) => {
      const blob = await getBatchOperationReport(batch.batchOperationKey, format);
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = `batch-${batch.batchOperationKey}.${format}`;
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      return { format, bytes: blob.size };
    },
  });
  const running = batch.state === 'CREATED' || batch.state === 'ACTIVE';
  const final = isFinal(batch.state);
  const reset = () => {
    action.reset();
    retry.reset();
    download.reset();
  };

  const run = (what: Pending) => {
    reset();
    if (what === 'retry') retry.mutate();
    else if (what === 'csv' || what === 'jsonl') download.mutate(what);
    else action.mutate(what);
  };

  return (
    <section aria-label="Actions">
      <div className="actions">
        {running && (
          <Button
            kind="secondary"
            renderIcon={Pause}
            onClick={() => setPending('suspend')}
            disabled={action.isPending}
          >
            Suspend
          </Button>
        )}
        {batch.state === 'SUSPENDED' && (
          <Button
            kind="secondary"
            renderIcon={Play}
            onClick={() => setPending('resume')}
            disabled={action.isPending}
          >
            Resume
          </Button>
        )}
        {!final && (
          <Button
            kind="danger--tertiary"
            renderIcon={StopOutline}
            onClick={() => setPending('cancel')}
            disabled={action.isPending}
          >
            Cancel batch
          </Button>
        )}
        {final && batch.operationsFailedCount > 0 && (
          <Button
            kind="primary"
            renderIcon={Renew}
            onClick={() => setPending('retry')}
            disabled={retry.isPending}
          >
            Retry failed items
          </Button>
        )}
        <Button kind="tertiary" renderIcon={Download} onClick={() => setPending('csv')}>
          Report CSV
        </Button>
        <Button kind="tertiary" renderIcon={Download} onClick={() => setPending('jsonl')}>
          Report JSONL
        </Button>
      </div>
      {pending && (
        <Modal
          open
          danger={QUESTIONS[pending].danger}
          modalHeading={QUESTIONS[pending].heading}
          primaryButtonText={QUESTIONS[pending].button}
          secondaryButtonText="Keep it as it is"
          onRequestClose={() => setPending(undefined)}
          onRequestSubmit={() => {
            run(pending);
            setPending(undefined);
          }}
        >
          <p>{QUESTIONS[pending].body(batch)}</p>
        </Modal>
      )}
      {action.isPending && <p role="status">Waiting for the batch to show the new state…</p>}
      {action.isError && (
        <ProblemNotification error={action.error} context={`The ${action.variables} was refused`} />
      )}
      {action.data && (
        <InlineNotification
          kind={action.data.confirmed ? 'success' : 'warning'}
          role="status"
          lowContrast
          title={
            action.data.confirmed
              ? `${action.data.action} accepted`
              : `${action.data.action} accepted, state not shown yet`
          }
          subtitle={`The API answered 204; the batch is now ${action.data.batch.state}.`}
          onCloseButtonClick={() => action.reset()}
        />
      )}
      {retry.isError && <ProblemNotification error={retry.error} context="The retry was refused" />}
      {retry.data && (
        <>
          <InlineNotification
            kind="success"
            role="status"
            lowContrast
            title="Retry batch created"
            subtitle={`The API answered with batch ${retry.data.batchOperationKey} (${retry.data.batchOperationType}).`}
            onCloseButtonClick={() => retry.reset()}
          />
          <p>
            <Link href={href({ view: 'batch', key: retry.data.batchOperationKey })}>
              Open retry batch {retry.data.batchOperationKey}
            </Link>
          </p>
        </>
      )}
      {download.isError && (
        <ProblemNotification error={download.error} context="The report could not be downloaded" />
      )}
      {download.data && (
        <InlineNotification
          kind="success"
          role="status"
          lowContrast
          title="Report downloaded"
          subtitle={`${download.data.format.toUpperCase()}, ${download.data.bytes} bytes`}
          onCloseButtonClick={() => download.reset()}
        />
      )}
    </section>
  );
}
