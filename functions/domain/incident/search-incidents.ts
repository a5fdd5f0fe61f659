import { z } from 'zod';
import type { EngineStore, IncidentAccess } from '#ports/engine-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import { searchPageSchema } from '../search-page.ts';
import {
  equalityOf,
  isDescending,
  matchesString,
  PageSelection,
  type SortValue,
  sortSchema,
  stringFilterSchema,
} from '../search-support.ts';
import { INCIDENT_STATES, type Incident, toIncidentResult } from './incident.ts';

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
    sort: sortSchema(FIELDS),
    page: searchPageSchema.optional(),
  })
  .strict();
export type IncidentSearch = z.infer<typeof incidentSearchSchema>;

/**
 * Camunda's incident search. Candidates come from the narrowest index a filter pins (one instance's
 * incidents, or one state's; otherwise a scan), are matched here, and only the best `from + limit`
 * in sort order are kept (then by incident key), never the whole result set.
 */
export async function searchIncidents(
  engine: EngineStore,
  request: IncidentSearch,
  /** Only what the caller may read counts, in the page and in the total. */
  visible: (incident: Incident) => boolean = () => true,
) {
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
  const descending = sort.map((entry) => isDescending(entry.order));
  const sortKey = (incident: Incident): SortValue[] => sort.map(({ field }) => incident[field] ?? null);
  const selection = new PageSelection<Incident>(request.page, descending);
  let cursor: string | undefined;
  do {
    const page = await engine.queryIncidents(access, { cursor, limit: PAGE_SIZE });
    for (const incident of page.incidents) {
      if (!visible(incident) || !FIELDS.every((field) => matchesString(filter[field], incident[field])))
        continue;
      selection.offer(sortKey(incident), incident);
    }
    cursor = page.cursor;
  } while (cursor);
  const { values, page } = selection.result();
  return { items: values.map(toIncidentResult), page };
}
