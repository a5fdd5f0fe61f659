import { z } from 'zod';
import type { EngineStore, IncidentAccess } from '../../ports/engine-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import { DEFAULT_PAGE_LIMIT, pageResult, searchPageSchema } from '../search-page.ts';
import {
  compareSortKeys,
  decodeCursor,
  encodeCursor,
  equalityOf,
  insertBounded,
  matchesString,
  type SortValue,
  stringFilterSchema,
} from '../search-support.ts';
import { INCIDENT_STATES, type Incident } from './incident.ts';

/** Incidents read per store page. */
const PAGE_SIZE = 500;

const FIELDS = [
  'incidentKey',
  'processDefinitionKey',
  'processDefinitionId',
  'processInstanceKey',
  'errorType',
  'errorMessage',
  'elementId',
  'elementInstanceKey',
  'creationTime',
  'state',
  'jobKey',
  'tenantId',
] as const satisfies readonly (keyof Incident)[];
type Field = (typeof FIELDS)[number];

/** Camunda's incident search request: filter on the incident's fields, sort, page. */
export const incidentSearchSchema = z
  .object({
    filter: z
      .object(
        Object.fromEntries(FIELDS.map((field) => [field, stringFilterSchema.optional()])) as Record<
          Field,
          z.ZodOptional<typeof stringFilterSchema>
        >,
      )
      .strict()
      .optional(),
    sort: z
      .array(z.object({ field: z.enum(FIELDS), order: z.enum(['ASC', 'DESC']).optional() }).strict())
      .optional(),
    page: searchPageSchema.optional(),
  })
  .strict();
export type IncidentSearch = z.infer<typeof incidentSearchSchema>;

/**
 * Camunda's incident search. Candidates come from the narrowest index a filter pins (one instance's
 * incidents, or one state's; otherwise a scan), are matched here, and only the best `from + limit`
 * in sort order are kept (then by incident key), never the whole result set.
 */
export async function searchIncidents(engine: EngineStore, request: IncidentSearch) {
  const filter = request.filter ?? {};
  const state = equalityOf(filter.state);
  if (state !== undefined && !(INCIDENT_STATES as readonly string[]).includes(state)) {
    throw new InvalidArgumentError(
      `filter.state must be one of ${INCIDENT_STATES.join(', ')}, got '${state}'`,
    );
  }
  const processInstanceKey = equalityOf(filter.processInstanceKey);
  const access: IncidentAccess = processInstanceKey
    ? { kind: 'processInstance', processInstanceKey }
    : state
      ? { kind: 'state', state: state as Incident['state'] }
      : { kind: 'all' };
  const sort = [...(request.sort ?? []), { field: 'incidentKey' as const, order: 'ASC' as const }];
  const descending = sort.map((entry) => entry.order === 'DESC');
  const sortKey = (incident: Incident): SortValue[] => sort.map(({ field }) => incident[field] ?? null);
  const compare = (a: SortValue[], b: SortValue[]) => compareSortKeys(a, b, descending);
  const limit = request.page?.limit ?? DEFAULT_PAGE_LIMIT;
  const from = request.page?.from ?? 0;
  const after = request.page?.after ? decodeCursor(request.page.after) : undefined;
  const best: { key: SortValue[]; incident: Incident }[] = [];
  let matched = 0;
  let cursor: string | undefined;
  do {
    const page = await engine.queryIncidents(access, { cursor, limit: PAGE_SIZE });
    for (const incident of page.incidents) {
      if (!FIELDS.every((field) => matchesString(filter[field], incident[field]))) continue;
      matched++;
      const key = sortKey(incident);
      if (after && compare(key, after) <= 0) continue;
      insertBounded(best, { key, incident }, from + limit, (a, b) => compare(a.key, b.key));
    }
    cursor = page.cursor;
  } while (cursor);
  const selected = best.slice(from);
  return {
    items: selected.map(({ incident }) => incident),
    page: pageResult(
      matched,
      selected.length > 0
        ? { start: encodeCursor(selected[0].key), end: encodeCursor(selected[selected.length - 1].key) }
        : undefined,
    ),
  };
}
