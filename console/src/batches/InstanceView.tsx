import { InlineLoading, Link } from '@carbon/react';
import { useQuery } from '@tanstack/react-query';
import { getProcessInstance } from '../api/getProcessInstance.ts';
import { ProblemNotification } from '../components/ProblemNotification.tsx';
import { queryKeys } from '../queries/keys.ts';

/** A process instance as GET /v2/process-instances/{key} returns it (where an item's key links to). */
export function InstanceView({ processInstanceKey }: { processInstanceKey: string }) {
  const instance = useQuery({
    queryKey: queryKeys.instance(processInstanceKey),
    queryFn: () => getProcessInstance(processInstanceKey),
  });
  return (
    <section aria-labelledby="instance-heading">
      <p>
        <Link
          href="#"
          onClick={(event) => {
            event.preventDefault();
            window.history.back();
          }}
        >
          ← Back
        </Link>
      </p>
      <h1 id="instance-heading" className="page-heading">
        Process instance {instance.data?.processInstanceEngineId ?? processInstanceKey}
      </h1>
      {instance.isPending && <InlineLoading description="Reading the instance…" />}
      {instance.isError && (
        <ProblemNotification error={instance.error} context="The instance could not be read" />
      )}
      {instance.data && (
        <dl className="facts">
          {Object.entries(instance.data).map(([field, value]) => (
            <div key={field} style={{ display: 'contents' }}>
              <dt>{field}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
