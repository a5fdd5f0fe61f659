import { FILTER_FIELDS, type FilterField, LIST_FIELDS, type ListFieldSpec } from './fields.ts';
import { likePrefix } from './like-pattern.ts';
import type { Comparison, Condition, ProcessInstanceFilter, Scalar } from './process-instance-filter.ts';

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
  /** A string attribute starting with the prefix. */
  | { readonly kind: 'beginsWith'; readonly path: readonly string[]; readonly prefix: string }
  /** A list or set attribute holding the value. */
  | { readonly kind: 'contains'; readonly path: readonly string[]; readonly value: Scalar }
  /** A list or set attribute with at least one element. */
  | { readonly kind: 'nonEmpty'; readonly path: readonly string[] }
  | { readonly kind: 'not'; readonly item: Pushdown }
  | { readonly kind: 'and' | 'or'; readonly items: readonly Pushdown[] };

export interface QueryPlan {
  readonly access: AccessPath;
  readonly pushdown?: Pushdown;
  /**
   * Every instance the access path names matches the filter: the filter pins processDefinitionId and
   * says nothing else, so the index's keys are the items and no candidate needs reading.
   */
  readonly decidedByAccess: boolean;
}

/** Longer `$in` lists are left to the evaluator: DynamoDB takes 100 IN operands and 4 KB expressions. */
const MAX_PUSHED_LIST = 100;
/** Beyond this many operands the expression could pass DynamoDB's 4 KB limit: push nothing then. */
const MAX_PUSHED_OPERANDS = 300;

/**
 * Matches nothing stored: every instance has a state (the key cannot be used, DynamoDB refuses key
 * attributes in filter expressions). Stands for an empty `$in`.
 */
const NOTHING: Pushdown = { kind: 'exists', path: ['state'], exists: false };

export function planQuery(filter: ProcessInstanceFilter): QueryPlan {
  const pushdown = pushdownOf(filter);
  const access = chooseAccess(filter);
  return {
    access,
    pushdown: pushdown && operandCount(pushdown) <= MAX_PUSHED_OPERANDS ? pushdown : undefined,
    decidedByAccess: access.kind === 'processDefinitionId' && onlyPinsDefinition(filter),
  };
}

/**
 * The filter is nothing but `$eq`/`$in` of processDefinitionId with text values: each of them holds
 * for the one definition pinned by all of them (their intersection), which the access path reads.
 */
function onlyPinsDefinition(filter: ProcessInstanceFilter): boolean {
  return (
    filter.anyOf === undefined &&
    filter.all.every(
      (condition) =>
        condition.kind === 'field' &&
        condition.field === 'processDefinitionId' &&
        (condition.operator === '$eq' || condition.operator === '$in') &&
        asList(condition.value).every((value) => typeof value === 'string'),
    )
  );
}

/**
 * Instance keys pinned by the filter read those keys only; otherwise one pinned processDefinitionId
 * reads that definition's index partitions of the shard; otherwise the shard's own index. A shard's
 * candidates come once each, index bucket by bucket (pinned keys in key order).
 */
function chooseAccess(filter: ProcessInstanceFilter): AccessPath {
  const keys = pinnedValues(filter, 'processInstanceKey');
  if (keys) return { kind: 'keys', keys: [...keys].sort() };
  const definitions = pinnedValues(filter, 'processDefinitionId');
  if (definitions?.size === 0) return { kind: 'keys', keys: [] };
  if (definitions?.size === 1)
    return { kind: 'processDefinitionId', processDefinitionId: [...definitions][0] };
  return { kind: 'shard' };
}

/**
 * The values a field can have on a matching instance, when the filter limits them to a set: every
 * `$eq`/`$in` of the field must hold, and with `$or` the field must be pinned in every alternative.
 */
function pinnedValues(filter: ProcessInstanceFilter, field: FilterField): Set<string> | undefined {
  let pinned: Set<string> | undefined;
  const narrow = (values: Set<string>) => {
    pinned = pinned ? new Set([...pinned].filter((value) => values.has(value))) : values;
  };
  for (const condition of filter.all) {
    if (condition.kind !== 'field' || condition.field !== field) continue;
    if (condition.operator === '$eq' || condition.operator === '$in') {
      narrow(new Set(asList(condition.value).map(String)));
    } else if (condition.operator === '$like' && likePrefix(condition.value as string).exact) {
      // A pattern without wildcards is equality with its unescaped text.
      narrow(new Set([likePrefix(condition.value as string).prefix]));
    }
  }
  if (filter.anyOf) {
    const alternatives = filter.anyOf.map((alternative) => pinnedValues(alternative, field));
    if (alternatives.every((values) => values !== undefined)) {
      narrow(new Set(alternatives.flatMap((values) => [...(values as Set<string>)])));
    }
  }
  return pinned;
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
      items.push(
        alternatives.length === 1
          ? (alternatives[0] as Pushdown)
          : { kind: 'or', items: alternatives as Pushdown[] },
      );
    }
  }
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { kind: 'and', items };
}

function conditionPushdown(condition: Condition): Pushdown | undefined {
  switch (condition.kind) {
    case 'field': {
      const spec = FILTER_FIELDS[condition.field];
      const path = [spec.attribute];
      // DynamoDB refuses key attributes in a query's filter expression; pinned keys are read directly.
      if (condition.field === 'processInstanceKey') return undefined;
      if (spec.kind === 'boolean') {
        // An absent boolean is false: "false" is pushed as "not true", which an absent one satisfies.
        const isTrue: Pushdown = { kind: 'compare', path, op: '=', value: true };
        return condition.value === true ? isTrue : { kind: 'not', item: isTrue };
      }
      return valuePushdown(path, condition);
    }
    case 'list': {
      const { storedList }: ListFieldSpec = LIST_FIELDS[condition.field];
      // Incidents are a list of records: only "has some" can be pushed, the evaluator compares.
      return storedList ? listPushdown([storedList], condition) : nonEmptyPushdown(['incidents'], condition);
    }
    case 'element':
      return { kind: 'nonEmpty', path: ['elementInstances'] };
    case 'variable': {
      const path = ['variables', condition.name];
      if (condition.operator === '$exists')
        return { kind: 'exists', path, exists: condition.value as boolean };
      // Every other variable comparison needs the variable (as the evaluator says).
      const has: Pushdown = { kind: 'exists', path, exists: true };
      const compared = valuePushdown(path, condition);
      if (condition.operator === '$neq' || condition.operator === '$notIn') {
        return compared ? { kind: 'and', items: [has, compared] } : has;
      }
      return compared ?? has;
    }
  }
}

/** A comparison of one attribute: an absent attribute is "not equal" and "not in", as the evaluator says. */
function valuePushdown(path: readonly string[], { operator, value }: Comparison): Pushdown | undefined {
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
    case '$exists':
      return { kind: 'exists', path, exists: value as boolean };
    case '$in': {
      const values = asList(value);
      if (values.length === 0) return NOTHING;
      return values.length <= MAX_PUSHED_LIST ? { kind: 'in', path, values } : undefined;
    }
    case '$neq':
      return { kind: 'not', item: { kind: 'compare', path, op: '=', value: value as Scalar } };
    case '$notIn': {
      const values = asList(value);
      if (values.length === 0 || values.length > MAX_PUSHED_LIST) return undefined;
      return { kind: 'not', item: { kind: 'in', path, values } };
    }
    case '$like': {
      const { prefix, exact } = likePrefix(value as string);
      if (exact) return { kind: 'compare', path, op: '=', value: prefix };
      return prefix ? { kind: 'beginsWith', path, prefix } : { kind: 'exists', path, exists: true };
    }
  }
}

/** A comparison over a stored set or list of scalars: some element for positive operators, none for negative. */
function listPushdown(path: readonly string[], { operator, value }: Comparison): Pushdown | undefined {
  const anyOf = (values: readonly Scalar[]): Pushdown =>
    values.length === 0
      ? NOTHING
      : values.length === 1
        ? { kind: 'contains', path, value: values[0] }
        : { kind: 'or', items: values.map((item) => ({ kind: 'contains', path, value: item }) as const) };
  switch (operator) {
    case '$eq':
      return anyOf([value as Scalar]);
    case '$neq':
      return { kind: 'not', item: anyOf([value as Scalar]) };
    case '$in': {
      const values = asList(value);
      return values.length <= MAX_PUSHED_LIST ? anyOf(values) : { kind: 'nonEmpty', path };
    }
    case '$notIn': {
      const values = asList(value);
      return values.length > 0 && values.length <= MAX_PUSHED_LIST
        ? { kind: 'not', item: anyOf(values) }
        : undefined;
    }
    default:
      return nonEmptyPushdown(path, { operator, value });
  }
}

/** What a list's emptiness says about a comparison: positive operators need an element. */
function nonEmptyPushdown(path: readonly string[], { operator, value }: Comparison): Pushdown | undefined {
  const nonEmpty: Pushdown = { kind: 'nonEmpty', path };
  if (operator === '$exists') return value === true ? nonEmpty : { kind: 'not', item: nonEmpty };
  return operator === '$neq' || operator === '$notIn' ? undefined : nonEmpty;
}

function operandCount(pushdown: Pushdown): number {
  switch (pushdown.kind) {
    case 'in':
      return pushdown.values.length;
    case 'not':
      return operandCount(pushdown.item);
    case 'and':
    case 'or':
      return pushdown.items.reduce((sum, item) => sum + operandCount(item), 0);
    default:
      return 1;
  }
}

function asList(value: Scalar | readonly Scalar[]): readonly Scalar[] {
  return Array.isArray(value) ? value : [value as Scalar];
}
