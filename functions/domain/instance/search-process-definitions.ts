import { z } from 'zod';
import type { DefinitionSummary, ProcessDefinitionStore } from '../../ports/instance-store.ts';
import { DEFAULT_PAGE_LIMIT, pageResult, searchPageSchema } from '../search-page.ts';
import {
  compareSortKeys,
  decodeCursor,
  encodeCursor,
  matchesString,
  type SortValue,
  stringFilterSchema,
} from '../search-support.ts';

/** Definitions read per store page. */
const PAGE_SIZE = 500;

const STRING_FIELDS = [
  'processDefinitionKey',
  'processDefinitionId',
  'name',
  'resourceName',
  'versionTag',
  'tenantId',
] as const satisfies readonly (keyof DefinitionSummary)[];
const SORT_FIELDS = [...STRING_FIELDS, 'version'] as const;

/** Camunda's process definition search request. */
export const processDefinitionSearchSchema = z
  .object({
    filter: z
      .object({
        ...Object.fromEntries(STRING_FIELDS.map((field) => [field, stringFilterSchema.optional()])),
        version: z.number().int().optional(),
        isLatestVersion: z.boolean().optional(),
        hasStartForm: z.boolean().optional(),
      } as Record<(typeof STRING_FIELDS)[number], z.ZodOptional<typeof stringFilterSchema>> & {
        version: z.ZodOptional<z.ZodNumber>;
        isLatestVersion: z.ZodOptional<z.ZodBoolean>;
        hasStartForm: z.ZodOptional<z.ZodBoolean>;
      })
      .strict()
      .optional(),
    sort: z
      .array(z.object({ field: z.enum(SORT_FIELDS), order: z.enum(['ASC', 'DESC']).optional() }).strict())
      .optional(),
    page: searchPageSchema.optional(),
  })
  .strict();
export type ProcessDefinitionSearch = z.infer<typeof processDefinitionSearchSchema>;

/** A definition as Camunda 8's ProcessDefinitionResult shows it (absent optional fields omitted). */
export function toProcessDefinitionResult(definition: DefinitionSummary) {
  return {
    processDefinitionKey: definition.processDefinitionKey,
    processDefinitionId: definition.processDefinitionId,
    ...(definition.name ? { name: definition.name } : {}),
    resourceName: definition.resourceName,
    version: definition.version,
    ...(definition.versionTag ? { versionTag: definition.versionTag } : {}),
    tenantId: definition.tenantId,
    // Start forms (Camunda Forms linked to the start event) are not read from deployments.
    hasStartForm: false,
  };
}

/**
 * Camunda's process definition search. Definitions are few next to instances, and whether one is
 * the latest version of its id in its tenant needs all of them: every definition's summary is read
 * (without its BPMN), then filtered, sorted (then by key) and paged.
 */
export async function searchProcessDefinitions(
  store: ProcessDefinitionStore,
  request: ProcessDefinitionSearch,
) {
  const all: DefinitionSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listDefinitions({ cursor, limit: PAGE_SIZE });
    all.push(...page.definitions);
    cursor = page.cursor;
  } while (cursor);
  const latest = new Map<string, number>();
  for (const definition of all) {
    const id = `${definition.tenantId}\u0000${definition.processDefinitionId}`;
    latest.set(id, Math.max(latest.get(id) ?? 0, definition.version));
  }
  const filter = request.filter ?? {};
  const matching = all.filter(
    (definition) =>
      STRING_FIELDS.every((field) => matchesString(filter[field], definition[field])) &&
      (filter.version === undefined || definition.version === filter.version) &&
      (filter.hasStartForm === undefined || filter.hasStartForm === false) &&
      (filter.isLatestVersion === undefined ||
        (latest.get(`${definition.tenantId}\u0000${definition.processDefinitionId}`) ===
          definition.version) ===
          filter.isLatestVersion),
  );
  const sort = [...(request.sort ?? []), { field: 'processDefinitionKey' as const, order: 'ASC' as const }];
  const descending = sort.map((entry) => entry.order === 'DESC');
  const sortKey = (definition: DefinitionSummary): SortValue[] =>
    sort.map(({ field }) => definition[field] ?? null);
  const sorted = matching
    .map((definition) => ({ key: sortKey(definition), definition }))
    .sort((a, b) => compareSortKeys(a.key, b.key, descending));
  const after = request.page?.after ? decodeCursor(request.page.after) : undefined;
  const remaining = after
    ? sorted.filter((entry) => compareSortKeys(entry.key, after, descending) > 0)
    : sorted;
  const from = request.page?.from ?? 0;
  const selected = remaining.slice(from, from + (request.page?.limit ?? DEFAULT_PAGE_LIMIT));
  return {
    items: selected.map(({ definition }) => toProcessDefinitionResult(definition)),
    page: pageResult(
      matching.length,
      selected.length > 0
        ? { start: encodeCursor(selected[0].key), end: encodeCursor(selected[selected.length - 1].key) }
        : undefined,
    ),
  };
}
