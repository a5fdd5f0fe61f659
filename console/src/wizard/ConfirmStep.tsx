import { Button, CodeSnippet, InlineLoading, Stack, Tag, Toggle } from '@carbon/react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { dryRunBatch } from '../api/dryRunBatch.ts';
import { apiUrl } from '../api/http.ts';
import { searchProcessInstances } from '../api/searchProcessInstances.ts';
import type { CreatedBatch } from '../api/types.ts';
import { ProblemNotification } from '../components/ProblemNotification.tsx';
import type { OperationSpec } from '../operations.ts';
import { useCreateBatch } from '../queries/wizard.ts';
import type { Preview } from './Wizard.tsx';

/** Up to this many previewed instances the console keeps every key, to compare them with the batch's items. */
export const PREVIEW_KEYS_MAX = 1000;

/** The exact call, as an operator would put it into a script. */
export function restCall(spec: OperationSpec, body: unknown) {
  const json = JSON.stringify(body, null, 2);
  return {
    http: `POST ${spec.path}\ncontent-type: application/json\n\n${json}`,
    curl: `curl -s -u "$BATCHOPS_USER:$BATCHOPS_PASSWORD" -H 'content-type: application/json' \\\n  '${new URL(apiUrl(spec.path), window.location.href).href}' \\\n  -d '${JSON.stringify(body).replace(/'/g, "'\\''")}'`,
  };
}

/** Step 3: what the batch will act on, the REST call, and the one button that creates it. */
export function ConfirmStep({
  spec,
  body,
  onCreated,
  onFailed,
  onBack,
}: {
  spec: OperationSpec;
  body: Record<string, unknown>;
  onCreated: (batch: CreatedBatch, preview: Preview) => void;
  onFailed: (error: unknown, preview: Preview) => void;
  onBack: () => void;
}) {
  const [showCall, setShowCall] = useState(false);
  // A fresh count at confirmation (not the cached one of the filter step): this is the preview.
  const preview = useQuery({
    queryKey: ['confirmation', spec.type, body],
    gcTime: 0,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    queryFn: async (): Promise<Preview> => {
      if (!spec.dryRun) return {};
      const dryRun = await dryRunBatch(spec.dryRun, body);
      if (dryRun.total === 0 || dryRun.total > PREVIEW_KEYS_MAX) return { dryRun };
      const found = await searchProcessInstances({
        filter: body.filter,
        page: { limit: PREVIEW_KEYS_MAX },
        sort: [{ field: 'processInstanceKey', order: 'ASC' }],
      });
      return { dryRun, keys: found.items.map((instance) => instance.processInstanceKey) };
    },
  });
  const create = useCreateBatch();
  const call = restCall(spec, body);
  const dryRun = preview.data?.dryRun;

  return (
    <Stack gap={6}>
      <h2 className="section-heading">Confirm: {spec.label}</h2>
      {preview.isPending && <InlineLoading description="Counting the instances this batch will act on…" />}
      {preview.isError && <ProblemNotification error={preview.error} context="Preview" />}
      {preview.data && !dryRun && (
        <p>This operation has no dry run; the batch counts its items when it runs.</p>
      )}
      {dryRun && (
        <>
          <p className="wizard__count" data-testid="confirm-count">
            {dryRun.total.toLocaleString()} instance{dryRun.total === 1 ? '' : 's'} will be processed.
          </p>
          <section aria-labelledby="shard-spread">
            <h3 id="shard-spread" className="cds--label">
              Spread over shards
            </h3>
            <ul className="shards">
              {dryRun.shards.map((shard) => (
                <li key={shard.shard}>
                  Shard {shard.shard}: {shard.count.toLocaleString()}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="sample-keys">
            <h3 id="sample-keys" className="cds--label">
              Sample of the instance keys (the first {dryRun.sampleProcessInstanceKeys.length} in key order)
            </h3>
            <div>
              {dryRun.sampleProcessInstanceKeys.map((key) => (
                <Tag key={key} type="cool-gray" size="sm">
                  {key}
                </Tag>
              ))}
            </div>
          </section>
          <p>
            {preview.data?.keys
              ? `The console keeps these ${dryRun.total} keys and checks, once the batch has its items, that it holds exactly them.`
              : `The console checks, once the batch has its items, that it holds ${dryRun.total} of them.`}
          </p>
        </>
      )}
      <Toggle
        id="show-rest-call"
        labelText="The exact REST call"
        labelA="Hidden"
        labelB="Shown"
        toggled={showCall}
        onToggle={setShowCall}
      />
      {showCall && (
        <section aria-label="REST call">
          <CodeSnippet type="multi" feedback="Copied" copyText={call.http} aria-label="HTTP request">
            {call.http}
          </CodeSnippet>
          <CodeSnippet type="multi" feedback="Copied" copyText={call.curl} aria-label="curl command">
            {call.curl}
          </CodeSnippet>
        </section>
      )}
      {create.isError && <ProblemNotification error={create.error} context="Creation" />}
      <div className="wizard__footer">
        <Button kind="secondary" onClick={onBack} disabled={create.isPending}>
          Back
        </Button>
        <Button
          kind={
            spec.type === 'DELETE_PROCESS_INSTANCE' || spec.type === 'CANCEL_PROCESS_INSTANCE'
              ? 'danger'
              : 'primary'
          }
          disabled={!preview.data || create.isPending || dryRun?.total === 0}
          onClick={() => {
            const kept = preview.data ?? {};
            create.mutate(
              { path: spec.path, body },
              { onSuccess: (batch) => onCreated(batch, kept), onError: (error) => onFailed(error, kept) },
            );
          }}
        >
          {create.isPending
            ? 'Creating…'
            : `Create the batch${dryRun ? ` for ${dryRun.total.toLocaleString()} instances` : ''}`}
        </Button>
      </div>
    </Stack>
  );
}
