import { Button, ProgressIndicator, ProgressStep } from '@carbon/react';
import { useState } from 'react';
import type { CreatedBatch, DryRunResult } from '../api/types.ts';
import {
  buildCamunda7Selection,
  buildFilter,
  emptyFilterForm,
  type FilterForm,
  requestBody,
} from '../filter.ts';
import {
  emptyOperationForm,
  firstOperationProblem,
  type OperationForm,
  operationParameters,
  operationSpec,
} from '../operations.ts';
import { useLimits } from '../queries/wizard.ts';
import { ConfirmStep } from './ConfirmStep.tsx';
import { FilterStep } from './FilterStep.tsx';
import { OperationStep } from './OperationStep.tsx';
import { ResultStep } from './ResultStep.tsx';

const STEPS = ['Operation', 'Filter', 'Confirm', 'Result'] as const;

/** What the confirmation showed, kept to compare with what the batch actually holds. */
export interface Preview {
  dryRun?: DryRunResult;
  /** Every previewed key, when the preview had at most PREVIEW_KEYS_MAX of them. */
  keys?: string[];
}

/** Operation → filter with a live count → confirmation with the exact REST call → result. */
export function Wizard() {
  const [step, setStep] = useState(0);
  const [operation, setOperation] = useState<OperationForm>(emptyOperationForm);
  const [filterForm, setFilterForm] = useState<FilterForm>(emptyFilterForm);
  const [filterReady, setFilterReady] = useState<string | undefined>(
    'Waiting for the count of matching instances',
  );
  const [created, setCreated] = useState<{ batch?: CreatedBatch; error?: unknown; preview: Preview }>();

  const spec = operationSpec(operation.type);
  const limits = useLimits();
  // A Camunda 7 engine's batches name their items in its own query language.
  const camunda7 = limits.data?.engine === 'camunda7';
  const filter = (camunda7 ? buildCamunda7Selection : buildFilter)(filterForm, spec?.selects);
  const body = spec && filter.filter ? requestBody(filter, operationParameters(operation)) : undefined;

  const operationProblem = firstOperationProblem(operation, limits.data);
  const blocked = step === 0 ? operationProblem : step === 1 ? (filter.problem ?? filterReady) : undefined;

  const restart = () => {
    setStep(0);
    setOperation(emptyOperationForm());
    setFilterForm(emptyFilterForm());
    setCreated(undefined);
  };

  return (
    <section aria-labelledby="wizard-heading">
      <h1 id="wizard-heading" className="page-heading">
        New batch operation
      </h1>
      <ProgressIndicator currentIndex={step} className="wizard__steps" spaceEqually>
        {STEPS.map((label, index) => (
          <ProgressStep
            key={label}
            label={label}
            complete={index < step}
            current={index === step}
            disabled={index > step}
          />
        ))}
      </ProgressIndicator>
      {step === 0 && (
        <OperationStep
          form={operation}
          onChange={setOperation}
          // A definition picked by key becomes the filter's definition, its tenant included: an id and
          // version alone match every tenant's deployment of it, which the plan does not fit.
          onDefinitionPicked={(definition) =>
            setFilterForm((current) =>
              camunda7
                ? // Camunda 7's process instance query names one definition version by its id.
                  {
                    ...current,
                    camunda7Query: JSON.stringify({
                      processDefinitionId:
                        definition.processDefinitionEngineId ?? definition.processDefinitionKey,
                    }),
                  }
                : {
                    ...current,
                    processDefinitionId: definition.processDefinitionId,
                    processDefinitionVersion: String(definition.version),
                    tenantId: definition.tenantId,
                  },
            )
          }
        />
      )}
      {step === 1 && spec && (
        <FilterStep
          spec={spec}
          form={filterForm}
          onChange={setFilterForm}
          body={body}
          onReadyChange={setFilterReady}
        />
      )}
      {step === 2 && spec && body && (
        <ConfirmStep
          spec={spec}
          body={body}
          onCreated={(batch, preview) => {
            setCreated({ batch, preview });
            setStep(3);
          }}
          onFailed={(error, preview) => {
            setCreated({ error, preview });
            setStep(3);
          }}
          onBack={() => setStep(1)}
        />
      )}
      {step === 3 && spec && created && (
        <ResultStep
          spec={spec}
          result={created}
          onRestart={restart}
          onEdit={() => {
            // A refused creation keeps every input: the operator corrects the one the API named.
            setCreated(undefined);
            setStep(0);
          }}
        />
      )}
      {step < 2 && (
        <div className="wizard__footer">
          <Button kind="secondary" disabled={step === 0} onClick={() => setStep(step - 1)}>
            Back
          </Button>
          <Button
            kind="primary"
            disabled={blocked !== undefined}
            aria-describedby={blocked ? 'next-reason' : undefined}
            onClick={() => setStep(step + 1)}
          >
            Next
          </Button>
          {blocked && (
            <span
              id="next-reason"
              // Before any input the reason is a hint, not an error.
              className={operation.type === '' ? 'wizard__hint' : 'wizard__reason'}
              aria-live="polite"
            >
              {blocked}
            </span>
          )}
        </div>
      )}
    </section>
  );
}
