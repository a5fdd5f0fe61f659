import { InlineNotification } from '@carbon/react';
import { ApiError } from '../api/http.ts';

/** An API failure as its problem detail: the title as the heading, the detail below it. */
export function ProblemNotification({ error, context }: { error: unknown; context?: string }) {
  const problem =
    error instanceof ApiError
      ? error.problem
      : {
          title: 'UNEXPECTED_ERROR',
          status: 0,
          detail: error instanceof Error ? error.message : String(error),
        };
  const subtitle = [problem.detail, problem.status ? `(HTTP ${problem.status})` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <InlineNotification
      kind="error"
      role="alert"
      lowContrast
      hideCloseButton
      title={context ? `${context}: ${problem.title}` : problem.title}
      subtitle={subtitle}
    />
  );
}
