/** Query keys shared by the hooks, so a mutation invalidates exactly what it changed. */
export const queryKeys = {
  batches: ['batch-operations'] as const,
  batchList: (query: unknown) => ['batch-operations', 'list', query] as const,
  batch: (key: string) => ['batch-operations', 'one', key] as const,
  batchItems: (key: string, query: unknown) => ['batch-operations', 'items', key, query] as const,
  definitions: ['process-definitions'] as const,
  definitionXml: (key: string) => ['process-definitions', 'xml', key] as const,
  elementCounts: (key: string, elements: readonly string[]) =>
    ['process-definitions', 'counts', key, elements] as const,
  dryRun: (operation: string, body: unknown) => ['dry-run', operation, body] as const,
  instance: (key: string) => ['process-instances', key] as const,
  limits: ['limits'] as const,
};

/** How often live views poll while a batch runs. */
export const LIVE_POLL_MS = 1000;
