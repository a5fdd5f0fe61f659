import { Button, InlineLoading, InlineNotification, Link, Stack } from '@carbon/react';
import { useQuery } from '@tanstack/react-query';
import { searchBatchOperationItems } from '../api/searchBatchOperationItems.ts';
import { isFinal } from '../api/types.ts';
import { ProblemNotification } from '../components/ProblemNotification.tsx';
import type { OperationSpec } from '../operations.ts';
import { checkPreview } from '../preview-check.ts';
import { countsOf, outcomeCounts } from '../progress.ts';
import { useBatch } from '../queries/batchOperations.ts';
import { href } from '../router.ts';
import type { Preview } from './Wizard.tsx';

/** Step 4: the new batch's key and link, or the API's problem; then the preview check. */
export function ResultStep({
  spec,
  result,
  onRestart,
  onEdit,
}: {
  spec: OperationSpec;
  result: { batch?: { batchOperationKey: string }; error?: unknown; preview: Preview };
  onRestart: () => void;
  /** Back to the first step with every input kept. */
  onEdit: () => void;
}) {
  return (
    <Stack gap={6}>
      {result.batch ? (
        <>
          <InlineNotification
            kind="success"
            role="status"
            lowContrast
            hideCloseButton
            title="Batch created"
            subtitle={`${spec.label}: batch ${result.batch.batchOperationKey}`}
          />
          <p>
            <Link href={href({ view: 'batch', key: result.batch.batchOperationKey })}>
              Open batch {result.batch.batchOperationKey}
            </Link>
          </p>
          <LiveOutcome batchOperationKey={result.batch.batchOperationKey} />
          {result.preview.dryRun && (
            <PreviewCheckView batchOperationKey={result.batch.batchOperationKey} preview={result.preview} />
          )}
        </>
      ) : (
        <ProblemNotification error={result.error} context="The batch was not created" />
      )}
      <div className="wizard__footer">
        {!result.batch && (
          <Button kind="primary" onClick={onEdit}>
            Change the inputs
          </Button>
        )}
        <Button kind="tertiary" onClick={onRestart}>
          Start another batch
        </Button>
      </div>
    </Stack>
  );
}

/**
 * The batch's counts as they come, failures first: a preview that matched says nothing about how
 * many items the engine refuses, and an operator who sees failures early can cancel the rest.
 */
function LiveOutcome({ batchOperationKey }: { batchOperationKey: string }) {
  const batch = useBatch(batchOperationKey);
  if (!batch.data) return null;
  const counts = countsOf(batch.data);
  const summary = `${outcomeCounts(batch.data)} (${batch.data.state})`;
  if (counts.failed > 0)
    return (
      <InlineNotification
        kind={isFinal(batch.data.state) ? 'error' : 'warning'}
        role="alert"
        lowContrast
        hideCloseButton
        title={`${counts.failed} of ${counts.processed} processed item${counts.processed === 1 ? '' : 's'} failed${
          isFinal(batch.data.state) ? '' : ' so far'
        }`}
        subtitle={`${summary}. Open the batch for the failures by cause; cancel it to stop the rest.`}
      />
    );
  return (
    <p role="status" data-testid="result-counts">
      {summary}
    </p>
  );
}

function PreviewCheckView({ batchOperationKey, preview }: { batchOperationKey: string; preview: Preview }) {
  const batch = useBatch(batchOperationKey);
  // Items are fixed once initialization ended; a final batch certainly has all of them.
  const ready = batch.data !== undefined && isFinal(batch.data.state);
  const check = useQuery({
    queryKey: ['preview-check', batchOperationKey],
    enabled: ready,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      const total = batch.data?.operationsTotalCount ?? 0;
      let keys: string[] | undefined;
      if (preview.keys) {
        keys = [];
        let after: string | undefined;
        do {
          const page = await searchBatchOperationItems({
            filter: { batchOperationKey },
            page: { limit: 1000, ...(after ? { after } : {}) },
          });
          keys.push(...page.items.map((item) => item.processInstanceKey));
          after = page.items.length > 0 && page.page.endCursor ? page.page.endCursor : undefined;
        } while (after && keys.length < total);
      }
      return checkPreview({ total: preview.dryRun?.total ?? 0, keys: preview.keys }, { total, keys });
    },
  });
  if (check.data)
    return (
      <InlineNotification
        kind={check.data.exact ? 'info' : 'warning'}
        role="status"
        lowContrast
        hideCloseButton
        title={check.data.exact ? 'Same as previewed' : 'Changed since the preview'}
        subtitle={check.data.message}
      />
    );
  if (check.isError) return <ProblemNotification error={check.error} context="Preview check" />;
  return (
    <InlineLoading
      description={`Comparing with the preview once the batch has ended (${
        batch.data
          ? `${batch.data.operationsTotalCount} items so far, ${batch.data.state}`
          : 'reading the batch'
      })…`}
    />
  );
}
