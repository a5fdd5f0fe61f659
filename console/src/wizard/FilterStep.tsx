import { Button, InlineLoading, Select, SelectItem, Stack, TextArea, TextInput } from '@carbon/react';
import { Add, TrashCan } from '@carbon/react/icons';
import { useEffect } from 'react';
import { ProblemNotification } from '../components/ProblemNotification.tsx';
import { type FilterForm, INSTANCE_STATES } from '../filter.ts';
import { CAMUNDA7_QUERIES, type OperationSpec } from '../operations.ts';
import { useDryRun, useLimits } from '../queries/wizard.ts';
import { useDebounced } from './useDebounced.ts';

/** Step 2: the filter, with the number of matching instances (a dry run) following every change. */
export function FilterStep({
  spec,
  form,
  onChange,
  body,
  onReadyChange,
}: {
  spec: OperationSpec;
  form: FilterForm;
  onChange: (form: FilterForm) => void;
  body: Record<string, unknown> | undefined;
  onReadyChange: (reason: string | undefined) => void;
}) {
  const set = (patch: Partial<FilterForm>) => onChange({ ...form, ...patch });
  const settledBody = useDebounced(body, 300);
  const dryRun = useDryRun(spec.dryRun, settledBody);
  const settled = JSON.stringify(settledBody) === JSON.stringify(body);
  const jobs = spec.selects === 'jobs';

  let reason: string | undefined;
  if (!spec.dryRun) reason = undefined;
  else if (!settled || dryRun.isFetching || (body && !dryRun.data && !dryRun.isError))
    reason = 'Waiting for the count of matching instances';
  else if (dryRun.isError) reason = 'The API refused this request (see the message above)';
  else if (dryRun.data?.total === 0) reason = 'No instance matches this filter';
  useEffect(() => onReadyChange(reason), [reason, onReadyChange]);

  const camunda7 = useLimits().data?.engine === 'camunda7';
  return camunda7 ? (
    <Stack gap={6}>
      <TextArea
        id="filter-camunda7-query"
        labelText={`Camunda 7 query (the body of ${CAMUNDA7_QUERIES[spec.type] ?? "the engine's query"})`}
        helperText={`The engine selects the items, e.g. {"processDefinitionKey": "order", "businessKeyLike": "A-%"}; paging and sorting are the service's own.`}
        rows={5}
        value={form.camunda7Query}
        onChange={(event) => set({ camunda7Query: event.target.value })}
      />
      {!jobs && (
        <TextArea
          id="filter-camunda7-ids"
          labelText="Process instance ids (in union with the query)"
          rows={2}
          value={form.processInstanceKeys}
          onChange={(event) => set({ processInstanceKeys: event.target.value })}
        />
      )}
      <MatchCount spec={spec} body={body} dryRun={dryRun} settled={settled} />
    </Stack>
  ) : (
    <Stack gap={6}>
      <div className="two-columns">
        <TextInput
          id="filter-definition-id"
          labelText="Process definition id"
          value={form.processDefinitionId}
          onChange={(event) => set({ processDefinitionId: event.target.value })}
        />
        <TextInput
          id="filter-definition-version"
          labelText="Version (empty: every version)"
          inputMode="numeric"
          value={form.processDefinitionVersion}
          onChange={(event) => set({ processDefinitionVersion: event.target.value })}
        />
        {!jobs && (
          <Select
            id="filter-state"
            labelText="Instance state"
            value={form.state}
            onChange={(event) => set({ state: event.target.value as FilterForm['state'] })}
          >
            <SelectItem value="" text="Any state" />
            {INSTANCE_STATES.map((state) => (
              <SelectItem key={state} value={state} text={state} />
            ))}
          </Select>
        )}
        {!jobs && (
          <Select
            id="filter-incident"
            labelText="Has incident"
            value={form.hasIncident}
            onChange={(event) => set({ hasIncident: event.target.value as FilterForm['hasIncident'] })}
          >
            <SelectItem value="" text="Either" />
            <SelectItem value="true" text="With an incident" />
            <SelectItem value="false" text="Without incident" />
          </Select>
        )}
        <TextInput
          id="filter-tenant"
          labelText="Tenant id"
          value={form.tenantId}
          onChange={(event) => set({ tenantId: event.target.value })}
        />
        {jobs && (
          <TextInput
            id="filter-job-type"
            labelText="Job type"
            value={form.jobType}
            onChange={(event) => set({ jobType: event.target.value })}
          />
        )}
        {!jobs && (
          <>
            <TextInput
              id="filter-start-from"
              type="datetime-local"
              labelText="Started from"
              value={form.startFrom}
              onChange={(event) => set({ startFrom: event.target.value })}
            />
            <TextInput
              id="filter-start-to"
              type="datetime-local"
              labelText="Started until"
              value={form.startTo}
              onChange={(event) => set({ startTo: event.target.value })}
            />
            <TextInput
              id="filter-end-from"
              type="datetime-local"
              labelText="Ended from"
              value={form.endFrom}
              onChange={(event) => set({ endFrom: event.target.value })}
            />
            <TextInput
              id="filter-end-to"
              type="datetime-local"
              labelText="Ended until"
              value={form.endTo}
              onChange={(event) => set({ endTo: event.target.value })}
            />
          </>
        )}
      </div>
      {!jobs && (
        <fieldset>
          <legend className="cds--label">Variables (all must match)</legend>
          {form.variables.map((condition, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the list the operator edits
            <div className="pair-row" key={index}>
              <TextInput
                id={`filter-variable-name-${index}`}
                labelText={`Variable ${index + 1} name`}
                value={condition.name}
                onChange={(event) =>
                  set({
                    variables: form.variables.map((row, at) =>
                      at === index ? { ...row, name: event.target.value } : row,
                    ),
                  })
                }
              />
              <TextInput
                id={`filter-variable-value-${index}`}
                labelText={`Variable ${index + 1} value (JSON, e.g. "EU" or 42)`}
                value={condition.value}
                onChange={(event) =>
                  set({
                    variables: form.variables.map((row, at) =>
                      at === index ? { ...row, value: event.target.value } : row,
                    ),
                  })
                }
              />
              <Button
                kind="ghost"
                hasIconOnly
                renderIcon={TrashCan}
                iconDescription={`Remove variable ${index + 1}`}
                onClick={() => set({ variables: form.variables.filter((_, at) => at !== index) })}
              />
            </div>
          ))}
          <Button
            kind="tertiary"
            size="sm"
            renderIcon={Add}
            onClick={() => set({ variables: [...form.variables, { name: '', value: '' }] })}
          >
            Add a variable condition
          </Button>
        </fieldset>
      )}
      <TextArea
        id="filter-keys"
        labelText="Process instance keys (optional; separated by spaces, commas or lines)"
        rows={2}
        value={form.processInstanceKeys}
        onChange={(event) => set({ processInstanceKeys: event.target.value })}
      />

      <MatchCount spec={spec} body={body} dryRun={dryRun} settled={settled} />
    </Stack>
  );
}

/** How many instances the filter matches: the dry run's count, its refusal, or that it is counting. */
function MatchCount({
  spec,
  body,
  dryRun,
  settled,
}: {
  spec: OperationSpec;
  body: Record<string, unknown> | undefined;
  dryRun: ReturnType<typeof useDryRun>;
  settled: boolean;
}) {
  return (
    <section aria-label="Matching instances" className="wizard__count">
      {!spec.dryRun ? (
        <p>This operation has no dry run: the count is known once the batch runs.</p>
      ) : !body ? (
        <p>Narrow the filter down to see how many instances match.</p>
      ) : dryRun.isError ? (
        <ProblemNotification error={dryRun.error} context="Dry run" />
      ) : dryRun.data && settled && !dryRun.isFetching ? (
        <output aria-live="polite" data-testid="match-count">
          {dryRun.data.total.toLocaleString()} matching instance{dryRun.data.total === 1 ? '' : 's'}
        </output>
      ) : (
        <InlineLoading
          description={dryRun.data ? `${dryRun.data.total} matching… counting again` : 'Counting…'}
        />
      )}
    </section>
  );
}
