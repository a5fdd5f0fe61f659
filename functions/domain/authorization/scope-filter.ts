import type { InstanceScope } from './permissions.ts';

/** The search filter fields a scope restricts, and the scope's part for each. */
const SCOPED_FIELDS = [
  ['processDefinitionId', 'processDefinitionIds'],
  ['tenantId', 'tenantIds'],
] as const;

/** What a condition becomes when the scope leaves no value it could match. */
const NOTHING = Symbol('nothing');

/**
 * One field's condition (Camunda's string filter property: a value, or `$eq`, `$in`, `$like`, ...,
 * which Camunda combines with AND) narrowed to the allowed values.
 */
function narrowCondition(condition: unknown, allowed: readonly string[]): unknown {
  if (allowed.length === 0) return NOTHING;
  if (condition === undefined) return { $in: allowed };
  if (typeof condition === 'string') return allowed.includes(condition) ? condition : NOTHING;
  if (typeof condition !== 'object' || condition === null) return condition;
  const { $in } = condition as { $in?: unknown };
  if (!Array.isArray($in)) return { ...condition, $in: allowed };
  const kept = $in.filter((value) => allowed.includes(value));
  return kept.length > 0 ? { ...condition, $in: kept } : NOTHING;
}

/**
 * A search filter in Camunda's filter language narrowed to what the caller may read, for an engine
 * that searches on its own (an external one): its `processDefinitionId` and `tenantId` conditions
 * ANDed with the scope's lists (top-level conditions AND a filter's `$or`, as Camunda combines them),
 * so the engine counts and pages only what the caller may read. Undefined when the scope leaves
 * nothing to match. `fields` names the fields to narrow (a search whose filter lacks one).
 */
export function narrowToScope(
  filter: Record<string, unknown> | undefined,
  scope: InstanceScope,
  fields: readonly ('processDefinitionId' | 'tenantId')[] = ['processDefinitionId', 'tenantId'],
): Record<string, unknown> | undefined {
  const narrowed: Record<string, unknown> = { ...filter };
  for (const [field, part] of SCOPED_FIELDS) {
    const allowed = scope[part];
    if (allowed === '*' || !fields.includes(field)) continue;
    const condition = narrowCondition(narrowed[field], allowed);
    if (condition === NOTHING) return undefined;
    narrowed[field] = condition;
  }
  return narrowed;
}
