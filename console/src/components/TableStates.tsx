import { DataTableSkeleton } from '@carbon/react';
import type { ReactNode } from 'react';
import { ProblemNotification } from './ProblemNotification.tsx';

export type TableState = 'loading' | 'error' | 'empty' | 'content';

/** Exactly one state per table, derived in one place. */
export function tableStateOf(query: {
  isPending: boolean;
  isError: boolean;
  data?: { items: unknown[] };
}): TableState {
  if (query.isPending) return 'loading';
  if (query.isError && !query.data) return 'error';
  return query.data && query.data.items.length > 0 ? 'content' : 'empty';
}

export function TableStates({
  state,
  error,
  columns,
  empty,
  children,
  label,
}: {
  state: TableState;
  error: unknown;
  columns: number;
  empty: ReactNode;
  children: ReactNode;
  label: string;
}) {
  if (state === 'loading')
    return (
      <DataTableSkeleton
        columnCount={columns}
        rowCount={3}
        showHeader={false}
        showToolbar={false}
        aria-label={`${label}: loading`}
      />
    );
  if (state === 'error') return <ProblemNotification error={error} context={`${label} could not be read`} />;
  if (state === 'empty') return <div className="empty-state">{empty}</div>;
  return <>{children}</>;
}
