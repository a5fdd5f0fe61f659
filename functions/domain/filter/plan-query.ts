import { FILTER_FIELDS } from './fields.ts';
import type { Condition, FieldCondition, ProcessInstanceFilter, Scalar } from './process-instance-filter.ts';

/**
 * How the store should read a filter's candidates: the cheapest access path the filter allows, plus
 * the part of the filter that can be pushed into the store's expression. The evaluator still decides;
 * a pushdown only ever narrows reads, it never excludes a matching instance.
 */
export type AccessPath =
  | { readonly kind: 'keys'; readonly keys: readonly string[] }
  | { readonly kind: 'processDefinitionId'; readonly processDefinitionId: string }
  | { readonly kind: 'shard' };

export type Pushdown =
  | {
      readonly kind: 'compare';
      readonly path: readonly string[];
      readonly op: '=' | '<' | '<=' | '>' | '>=';
      readonly value: Scalar;
    }
  | { readonly kind: 'in'; readonly path: readonly string[]; readonly values: readonly Scalar[] }
  | { readonly kind: 'exists'; readonly path: readonly string[]; readonly exists: boolean }
  | { readonly kind: 'not'; readonly item: Pushdown }
  | { readonly kind: 'and' | 'or'; readonly items: readonly Pushdown[] };

export interface QueryPlan {
  readonly access: AccessPath;
  readonly pushdown?: Pushdown;
}

export function planQuery(filter: ProcessInstanceFilter): QueryPlan {
  return { access: chooseAccess(filter), pushdown: pushdownOf(filter) };
}

function chooseAccess(filter: ProcessInstanceFilter): AccessPath {
  const keyConditions = filter.all.filter(
    (c): c is FieldCondition =>
      c.kind === 'field' &&
      c.field === 'processInstanceKey' &&
      (c.operator === '$eq' || c.operator === '$in'),
  );
  if (keyConditions.length > 0) {
    // Several key conditions must all hold: only keys in every one of them can match.
    const [first, ...rest] = keyConditions.map((c) => new Set(asList(c.value).map(String)));
    const keys = [...first].filter((key) => rest.every((set) => set.has(key)));
    return { kind: 'keys', keys: keys.sort() };
  }
  const definition = filter.all.find(
    (c): c is FieldCondition =>
      c.kind === 'field' && c.field === 'processDefinitionId' && c.operator === '$eq',
  );
  if (definition) return { kind: 'processDefinitionId', processDefinitionId: String(definition.value) };
  return { kind: 'shard' };
}

function pushdownOf(filter: ProcessInstanceFilter): Pushdown | undefined {
  const items: Pushdown[] = [];
  for (const condition of filter.all) {
    const item = conditionPushdown(condition);
    if (item) items.push(item);
  }
  if (filter.anyOf) {
    const alternatives = filter.anyOf.map(pushdownOf);
    // An alternative that cannot be expressed could match anything, so the OR is only pushed whole.
    if (alternatives.every((alternative) => alternative !== undefined)) {
      items.push({ kind: 'or', items: alternatives as Pushdown[] });
    }
  }
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { kind: 'and', items };
}

function conditionPushdown(condition: Condition): Pushdown | undefined {
  if (condition.kind === 'variable') {
    return { kind: 'compare', path: ['variables', condition.name], op: '=', value: condition.value };
  }
  const path = [FILTER_FIELDS[condition.field].attribute];
  const { operator, value } = condition;
  switch (operator) {
    case '$eq':
      return { kind: 'compare', path, op: '=', value: value as Scalar };
    case '$gt':
      return { kind: 'compare', path, op: '>', value: value as Scalar };
    case '$gte':
      return { kind: 'compare', path, op: '>=', value: value as Scalar };
    case '$lt':
      return { kind: 'compare', path, op: '<', value: value as Scalar };
    case '$lte':
      return { kind: 'compare', path, op: '<=', value: value as Scalar };
    case '$in':
      return { kind: 'in', path, values: asList(value) };
    case '$exists':
      return { kind: 'exists', path, exists: value as boolean };
    case '$neq':
      // A missing attribute is "not equal" too, as the evaluator says.
      return { kind: 'not', item: { kind: 'compare', path, op: '=', value: value as Scalar } };
    case '$notIn':
      return { kind: 'not', item: { kind: 'in', path, values: asList(value) } };
    case '$like':
      return undefined;
  }
}

function asList(value: Scalar | readonly Scalar[]): readonly Scalar[] {
  return Array.isArray(value) ? value : [value as Scalar];
}
