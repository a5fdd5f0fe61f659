import type { ElementField, FilterField, ListField, Operator } from './fields.ts';

export type Scalar = string | number | boolean;

/** One operator with its operand: `$in`/`$notIn` carry a list, `$exists` a boolean. */
export interface Comparison {
  readonly operator: Operator;
  readonly value: Scalar | readonly Scalar[];
}

/** A comparison of one instance attribute. */
export interface FieldCondition extends Comparison {
  readonly kind: 'field';
  readonly field: FilterField;
}

/** A comparison over a list on the instance: positive operators need some value, negative ones none. */
export interface ListCondition extends Comparison {
  readonly kind: 'list';
  readonly field: ListField;
}

/** Some element instance satisfies every comparison (Camunda's elementId/elementInstanceState/...). */
export interface ElementCondition {
  readonly kind: 'element';
  readonly comparisons: readonly (Comparison & { readonly field: ElementField })[];
}

/**
 * A comparison of one variable's JSON-serialized value. `$exists` asks whether the instance has the
 * variable; every other operator needs the variable and compares its value (canonical JSON, except for
 * `$like`, which matches the serialized text).
 */
export interface VariableCondition extends Comparison {
  readonly kind: 'variable';
  readonly name: string;
}

export type Condition = FieldCondition | ListCondition | ElementCondition | VariableCondition;

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
