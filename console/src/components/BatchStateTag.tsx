import { Tag } from '@carbon/react';
import type { BatchState, ItemState } from '../api/types.ts';

const COLORS: Record<
  string,
  'blue' | 'green' | 'red' | 'magenta' | 'gray' | 'warm-gray' | 'purple' | 'teal'
> = {
  CREATED: 'gray',
  ACTIVE: 'blue',
  SUSPENDED: 'purple',
  COMPLETED: 'green',
  PARTIALLY_COMPLETED: 'magenta',
  CANCELED: 'warm-gray',
  FAILED: 'red',
  SKIPPED: 'teal',
};

const WORDS: Record<string, string> = { ACTIVE: 'Active', PARTIALLY_COMPLETED: 'Partially completed' };

/** A state as text and colour (never colour alone), announced as a status. */
export function BatchStateTag({ state, item = false }: { state: BatchState | ItemState; item?: boolean }) {
  const word =
    item && state === 'ACTIVE' ? 'Pending' : (WORDS[state] ?? state.charAt(0) + state.slice(1).toLowerCase());
  return (
    <span role="status" aria-label={`State: ${state}`}>
      <Tag type={COLORS[state] ?? 'gray'} size="sm" title={state}>
        {word}
      </Tag>
    </span>
  );
}
