import {
  Button,
  Checkbox,
  NumberInput,
  Select,
  SelectItem,
  SelectItemGroup,
  Stack,
  TextArea,
  TextInput,
} from '@carbon/react';
import { Add, TrashCan } from '@carbon/react/icons';
import type { ProcessDefinition } from '../api/types.ts';
import {
  type ElementPair,
  migrationTargets,
  type OperationForm,
  operationProblems,
  operationSpec,
  operationsOn,
  wholeRateMinimum,
} from '../operations.ts';
import { useLimits, useProcessDefinitions } from '../queries/wizard.ts';
import { DefinitionDiagram } from './DefinitionDiagram.tsx';

const definitionLabel = (definition: ProcessDefinition) =>
  `${definition.name ?? definition.processDefinitionId} — ${definition.processDefinitionId} v${definition.version}${
    definition.tenantId && definition.tenantId !== '<default>' ? ` (${definition.tenantId})` : ''
  }`;

function TargetOptions({
  definitions,
  source,
}: {
  definitions: readonly ProcessDefinition[];
  source: ProcessDefinition;
}) {
  const { versions, others } = migrationTargets(definitions, source);
  const option = (definition: ProcessDefinition) => (
    <SelectItem
      key={definition.processDefinitionKey}
      value={definition.processDefinitionKey}
      text={definitionLabel(definition)}
    />
  );
  return (
    <>
      <SelectItemGroup label={`Other versions of ${source.processDefinitionId}`}>
        {versions.length > 0 ? versions.map(option) : <SelectItem value="" text="None deployed" disabled />}
      </SelectItemGroup>
      {others.length > 0 && (
        <SelectItemGroup label="Other processes (element ids must be mapped)">
          {others.map(option)}
        </SelectItemGroup>
      )}
    </>
  );
}

/** Step 1: the operation and its own fields; the diagram for modification and migration. */
export function OperationStep({
  form,
  onChange,
  onDefinitionPicked,
}: {
  form: OperationForm;
  onChange: (form: OperationForm) => void;
  onDefinitionPicked: (definition: ProcessDefinition) => void;
}) {
  const spec = operationSpec(form.type);
  const limits = useLimits();
  const problems = operationProblems(form, limits.data);
  const set = (patch: Partial<OperationForm>) => onChange({ ...form, ...patch });
  const needsDefinition = spec?.fields.includes('moveInstructions') || spec?.fields.includes('migrationPlan');
  const definitions = useProcessDefinitions();
  const migration = spec?.type === 'MIGRATE_PROCESS_INSTANCE';
  const pairsField = migration ? 'mappingInstructions' : 'moveInstructions';
  const pairs = form[pairsField];
  const setPairs = (next: ElementPair[]) => set({ [pairsField]: next });
  const source = definitions.data?.find(
    (definition) => definition.processDefinitionKey === form.sourceDefinitionKey,
  );

  return (
    <Stack gap={6}>
      <Select
        id="operation-type"
        labelText="Operation"
        value={form.type}
        onChange={(event) => set({ type: event.target.value as OperationForm['type'] })}
        helperText={spec?.description ?? 'What every matching instance gets done to it.'}
      >
        <SelectItem value="" text="Choose an operation" />
        {operationsOn(limits.data?.engine).map((operation) => (
          <SelectItem key={operation.type} value={operation.type} text={operation.label} />
        ))}
      </Select>

      {spec?.fields.includes('reason') && (
        <TextInput
          id="operation-reason"
          labelText="Cancellation reason (optional)"
          value={form.reason}
          invalid={Boolean(problems.reason)}
          invalidText={problems.reason}
          onChange={(event) => set({ reason: event.target.value })}
        />
      )}
      {spec?.fields.includes('retries') && (
        <NumberInput
          id="operation-retries"
          label={spec.type === 'UPDATE_JOB' ? 'Retries (optional)' : 'Retries'}
          allowEmpty
          min={spec.type === 'UPDATE_JOB' ? 0 : 1}
          value={form.retries}
          invalid={Boolean(problems.retries)}
          invalidText={problems.retries}
          onChange={(event) => set({ retries: (event.target as HTMLInputElement).value })}
        />
      )}
      {spec?.fields.includes('timeout') && (
        <NumberInput
          id="operation-timeout"
          label="Timeout in ms (optional)"
          allowEmpty
          min={1}
          value={form.timeout}
          invalid={Boolean(problems.timeout)}
          invalidText={problems.timeout}
          onChange={(event) => set({ timeout: (event.target as HTMLInputElement).value })}
        />
      )}
      {spec?.fields.includes('topicName') && (
        <TextInput
          id="operation-topic"
          labelText="Topic (job type, optional)"
          value={form.topicName}
          onChange={(event) => set({ topicName: event.target.value })}
        />
      )}
      {spec?.fields.includes('startInstructions') && (
        <TextInput
          id="operation-start-elements"
          labelText="Start at elements (ids, comma separated)"
          value={form.startElementIds}
          invalid={Boolean(problems.startInstructions)}
          invalidText={problems.startInstructions}
          onChange={(event) => set({ startElementIds: event.target.value })}
        />
      )}
      {spec?.fields.includes('variables') && (
        <TextArea
          id="operation-variables"
          labelText="Variables (JSON object)"
          placeholder='{"approved": true}'
          value={form.variables}
          invalid={Boolean(problems.variables)}
          invalidText={problems.variables}
          onChange={(event) => set({ variables: event.target.value })}
        />
      )}
      {spec?.fields.includes('skipCustomListeners') && (
        <Checkbox
          id="operation-skip-listeners"
          labelText="Skip custom listeners"
          checked={form.skipCustomListeners}
          onChange={(_, { checked }) => set({ skipCustomListeners: checked })}
        />
      )}

      {needsDefinition && (
        <>
          <Select
            id="operation-source-definition"
            labelText={migration ? 'Migrate from definition' : 'Process definition'}
            value={form.sourceDefinitionKey}
            onChange={(event) => {
              const definition = definitions.data?.find(
                (candidate) => candidate.processDefinitionKey === event.target.value,
              );
              set({ sourceDefinitionKey: event.target.value });
              if (definition) onDefinitionPicked(definition);
            }}
          >
            <SelectItem
              value=""
              text={definitions.isPending ? 'Loading definitions…' : 'Choose a definition'}
            />
            {definitions.data?.map((definition) => (
              <SelectItem
                key={definition.processDefinitionKey}
                value={definition.processDefinitionKey}
                text={definitionLabel(definition)}
              />
            ))}
          </Select>
          {migration && (
            <Select
              id="operation-target-definition"
              labelText="Target definition and version"
              value={form.targetProcessDefinitionKey}
              onChange={(event) => set({ targetProcessDefinitionKey: event.target.value })}
            >
              <SelectItem value="" text={source ? 'Choose the target' : 'Choose the source first'} />
              {source && <TargetOptions definitions={definitions.data ?? []} source={source} />}
            </Select>
          )}
          {form.sourceDefinitionKey && (
            <DefinitionDiagram
              processDefinitionKey={form.sourceDefinitionKey}
              picks={migration ? 'source' : 'either'}
              listId="source-elements"
              pairs={pairs}
              onPairsChange={setPairs}
            />
          )}
          {migration && form.targetProcessDefinitionKey && (
            <DefinitionDiagram
              processDefinitionKey={form.targetProcessDefinitionKey}
              picks="target"
              listId="target-elements"
              pairs={pairs}
              onPairsChange={setPairs}
            />
          )}
          <fieldset>
            <legend className="cds--label">
              {migration ? 'Element mappings (source → target)' : 'Move instructions (source → target)'}
            </legend>
            {pairs.map((pair, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the list the operator edits
              <div className="pair-row" key={index}>
                <TextInput
                  id={`pair-source-${index}`}
                  labelText={`Source element ${index + 1}`}
                  list="source-elements"
                  value={pair.sourceElementId}
                  onChange={(event) =>
                    setPairs(
                      pairs.map((row, at) =>
                        at === index ? { ...row, sourceElementId: event.target.value } : row,
                      ),
                    )
                  }
                />
                <TextInput
                  id={`pair-target-${index}`}
                  labelText={`Target element ${index + 1}`}
                  list={migration ? 'target-elements' : 'source-elements'}
                  value={pair.targetElementId}
                  onChange={(event) =>
                    setPairs(
                      pairs.map((row, at) =>
                        at === index ? { ...row, targetElementId: event.target.value } : row,
                      ),
                    )
                  }
                />
                <Button
                  kind="ghost"
                  hasIconOnly
                  renderIcon={TrashCan}
                  iconDescription={`Remove row ${index + 1}`}
                  disabled={pairs.length === 1}
                  onClick={() => setPairs(pairs.filter((_, at) => at !== index))}
                />
              </div>
            ))}
            <Button
              kind="tertiary"
              size="sm"
              renderIcon={Add}
              onClick={() => setPairs([...pairs, { sourceElementId: '', targetElementId: '' }])}
            >
              Add a row
            </Button>
            {(problems.moveInstructions ?? problems.migrationPlan) && (
              <p className="wizard__reason">{problems.moveInstructions ?? problems.migrationPlan}</p>
            )}
          </fieldset>
        </>
      )}

      {spec && spec.selects === 'instances' && (
        <NumberInput
          id="operation-rate"
          label="Rate limit in items per second (optional)"
          helperText={`Spreads the work over time; empty runs as fast as the shards go.${
            limits.data
              ? ` At least ${wholeRateMinimum(limits.data)} on this deployment: the rate is shared by ${limits.data.shardCount} shards, each finishing its chunk of ${limits.data.chunkSize} items within ${limits.data.maxPacedChunkSeconds} s.`
              : ''
          }`}
          allowEmpty
          min={wholeRateMinimum(limits.data)}
          value={form.itemsPerSecond}
          invalid={Boolean(problems.itemsPerSecond)}
          invalidText={problems.itemsPerSecond}
          onChange={(event) => set({ itemsPerSecond: (event.target as HTMLInputElement).value })}
        />
      )}
    </Stack>
  );
}
