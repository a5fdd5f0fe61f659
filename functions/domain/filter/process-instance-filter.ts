import type { FilterField, Operator } from './fields.ts';

export type Scalar = string | number | boolean;

/** One comparison of one field; `$in`/`$notIn` carry a list, `$exists` a boolean. */
export interface FieldCondition {
  readonly kind: 'field';
  readonly field: FilterField;
  readonly operator: Operator;
  readonly value: Scalar | readonly Scalar[];
}

/** A variable equality: `value` is the JSON-serialized value, compared as Camunda does. */
export interface VariableCondition {
  readonly kind: 'variable';
  readonly name: string;
  readonly value: string;
}

export type Condition = FieldCondition | VariableCondition;

/**
 * A parsed, validated ProcessInstanceFilter: every condition of `all` must hold and, when `anyOf` is
 * present, at least one of its alternatives (Camunda's `$or`).
 */
export interface ProcessInstanceFilter {
  readonly all: readonly Condition[];
  readonly anyOf?: readonly ProcessInstanceFilter[];
}

export function isEmptyFilter(filter: ProcessInstanceFilter): boolean {
  return filter.all.length === 0 && (filter.anyOf === undefined || filter.anyOf.every(isEmptyFilter));
}
