import type { ProcessInstance } from '../instance/process-instance.ts';
import { FILTER_FIELDS } from './fields.ts';
import type { Condition, FieldCondition, ProcessInstanceFilter, Scalar } from './process-instance-filter.ts';

/**
 * The one place that decides whether an instance matches a filter. Search, count and batch
 * initialization all call it, so they always agree; store-side expressions only narrow the reads.
 */
export function matchesFilter(filter: ProcessInstanceFilter, instance: ProcessInstance): boolean {
  return (
    filter.all.every((condition) => matchesCondition(condition, instance)) &&
    (filter.anyOf === undefined || filter.anyOf.some((alternative) => matchesFilter(alternative, instance)))
  );
}

function matchesCondition(condition: Condition, instance: ProcessInstance): boolean {
  if (condition.kind === 'variable') {
    const stored = instance.variables[condition.name];
    return stored !== undefined && stored === condition.value;
  }
  return matchesField(condition, instance[FILTER_FIELDS[condition.field].attribute]);
}

function matchesField({ operator, value }: FieldCondition, actual: Scalar | undefined): boolean {
  switch (operator) {
    case '$eq':
      return actual === value;
    case '$neq':
      return actual !== value;
    case '$exists':
      return (actual !== undefined) === value;
    case '$in':
      return actual !== undefined && (value as readonly Scalar[]).includes(actual);
    case '$notIn':
      return actual === undefined || !(value as readonly Scalar[]).includes(actual);
    case '$like':
      return typeof actual === 'string' && likePattern(value as string).test(actual);
    case '$gt':
      return actual !== undefined && actual > value;
    case '$gte':
      return actual !== undefined && actual >= value;
    case '$lt':
      return actual !== undefined && actual < value;
    case '$lte':
      return actual !== undefined && actual <= value;
  }
}

/** Camunda's `$like`: `*` any sequence, `?` one character, a backslash escapes either. */
export function likePattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\' && index + 1 < pattern.length) {
      source += escapeRegExp(pattern[++index]);
    } else if (char === '*') {
      source += '.*';
    } else if (char === '?') {
      source += '.';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
