import { Button, InlineLoading, InlineNotification, Link, Stack } from '@carbon/react';
import { useQuery } from '@tanstack/react-query';
import { searchBatchOperationItems } from '../api/searchBatchOperationItems.ts';
import { isFinal } from '../api/types.ts';
import { ProblemNotification } from '../components/ProblemNotification.tsx';
import type { OperationSpec } from '../operations.ts';
import { checkPreview } from '../preview-check.ts';
import { useBatch } from '../queries/batchOperations.ts';
import { href } from '../router.ts';
import type { Preview } from './Wizard.tsx';

/** Step 4: the new batch's key and link, or the API's problem; then the preview check. */
export function ResultStep({
  spec,
  result,
  onRestart,
}: {
  spec: OperationSpec;
  result: { batch?: { batchOperationKey: string }; error?: unknown; preview: Preview };
  onRestart: () => void;
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
          {result.preview.dryRun && (
            <PreviewCheckView batchOperationKey={result.batch.batchOperationKey} preview={result.preview} />
          )}
        </>
      ) : (
        <ProblemNotification error={result.error} context="The batch was not created" />
      )}
      <div>
        <Button kind="tertiary" onClick={onRestart}>
          Start another batch
        </Button>
      </div>
    </Stack>
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
