import { z } from 'zod';
import type { DefinitionSummary, ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { searchPageSchema } from '../search-page.ts';
import {
  isDescending,
  matchesString,
  PageSelection,
  type SortValue,
  sortSchema,
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
    sort: sortSchema(SORT_FIELDS),
    page: searchPageSchema.optional(),
  })
  .strict();
export type ProcessDefinitionSearch = z.infer<typeof processDefinitionSearchSchema>;

/** A definition as Camunda 8.10's ProcessDefinitionResult shows it (absent values null). */
export function toProcessDefinitionResult(definition: DefinitionSummary) {
  return {
    processDefinitionKey: definition.processDefinitionKey,
    processDefinitionId: definition.processDefinitionId,
    name: definition.name ?? null,
    resourceName: definition.resourceName,
    version: definition.version,
    versionTag: definition.versionTag ?? null,
    tenantId: definition.tenantId,
    // Start forms (Camunda Forms linked to the start event) are not read from deployments.
    hasStartForm: false,
    // Definitions are never deleted here, so every one is ACTIVE (Camunda 8.10 adds DRAINING, DELETED).
    state: 'ACTIVE' as const,
  };
}

/**
 * Camunda's process definition search. Definitions are few next to instances, and whether one is
 * the latest version of its id in its tenant needs all of them: every definition's summary is read
 * (without its BPMN), then filtered, sorted (then by key) and paged.
 */
export async function searchProcessDefinitions(
  store: Pick<ProcessDefinitionStore, 'listDefinitions'>,
  request: ProcessDefinitionSearch,
  /** Only what the caller may read counts, in the page and in the total. */
  visible: (definition: DefinitionSummary) => boolean = () => true,
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
      visible(definition) &&
      STRING_FIELDS.every((field) => matchesString(filter[field], definition[field])) &&
      (filter.version === undefined || definition.version === filter.version) &&
      (filter.hasStartForm === undefined || filter.hasStartForm === false) &&
      (filter.isLatestVersion === undefined ||
        (latest.get(`${definition.tenantId}\u0000${definition.processDefinitionId}`) ===
          definition.version) ===
          filter.isLatestVersion),
  );
  const sort = [...(request.sort ?? []), { field: 'processDefinitionKey' as const, order: 'ASC' as const }];
  const descending = sort.map((entry) => isDescending(entry.order));
  const sortKey = (definition: DefinitionSummary): SortValue[] =>
    sort.map(({ field }) => definition[field] ?? null);
  const selection = new PageSelection<DefinitionSummary>(request.page, descending);
  for (const definition of matching) selection.offer(sortKey(definition), definition);
  const { values, page } = selection.result();
  return { items: values.map(toProcessDefinitionResult), page };
}
