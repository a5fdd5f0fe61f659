import type { ProcessInstance } from '../instance/process-instance.ts';
import { ELEMENT_FIELDS, FILTER_FIELDS, LIST_FIELDS } from './fields.ts';
import { type LikePattern, likeMatches, parseLike } from './like-pattern.ts';
import type { Comparison, Condition, ProcessInstanceFilter, Scalar } from './process-instance-filter.ts';

/**
 * The one place that decides whether an instance matches a filter. Search, count, dry run and batch
 * initialization all call it, so they always agree; store-side expressions only narrow the reads.
 */
export function matchesFilter(filter: ProcessInstanceFilter, instance: ProcessInstance): boolean {
  return (
    filter.all.every((condition) => matchesCondition(condition, instance)) &&
    (filter.anyOf === undefined || filter.anyOf.some((alternative) => matchesFilter(alternative, instance)))
  );
}

function matchesCondition(condition: Condition, instance: ProcessInstance): boolean {
  switch (condition.kind) {
    case 'field': {
      const spec = FILTER_FIELDS[condition.field];
      const actual = instance[spec.attribute];
      // A boolean attribute that is absent is false (hasRetriesLeft is only set once a job failed).
      return matchesValues(condition, spec.kind === 'boolean' ? [actual ?? false] : present(actual));
    }
    case 'list':
      return matchesValues(condition, LIST_FIELDS[condition.field].values(instance));
    case 'element':
      return instance.elementInstances.some((element) =>
        condition.comparisons.every((comparison) =>
          matchesValues(comparison, [ELEMENT_FIELDS[comparison.field].value(element)]),
        ),
      );
    case 'variable': {
      const has = Object.hasOwn(instance.variables, condition.name);
      if (condition.operator === '$exists') return has === condition.value;
      // Camunda looks the variable up first: without it, no value comparison holds (not even $neq).
      return has && matchesValues(condition, [instance.variables[condition.name]]);
    }
  }
}

function present(value: Scalar | undefined): readonly Scalar[] {
  return value === undefined ? [] : [value];
}

/**
 * One comparison against the values a field has on an instance (none, one, or a list): a positive
 * operator holds when some value satisfies it, `$neq`/`$notIn` when none is excluded, `$exists` when
 * there is a value. On a single value this is plain comparison, with an absent value "not equal".
 */
export function matchesValues({ operator, value }: Comparison, actual: readonly Scalar[]): boolean {
  switch (operator) {
    case '$eq':
      return actual.some((item) => item === value);
    case '$neq':
      return !actual.some((item) => item === value);
    case '$exists':
      return actual.length > 0 === value;
    case '$in':
      return actual.some((item) => (value as readonly Scalar[]).includes(item));
    case '$notIn':
      return !actual.some((item) => (value as readonly Scalar[]).includes(item));
    case '$like': {
      const pattern = compiledLike(value as string);
      return actual.some((item) => typeof item === 'string' && likeMatches(pattern, item));
    }
    case '$gt':
      return actual.some((item) => item > (value as Scalar));
    case '$gte':
      return actual.some((item) => item >= (value as Scalar));
    case '$lt':
      return actual.some((item) => item < (value as Scalar));
    case '$lte':
      return actual.some((item) => item <= (value as Scalar));
  }
}

const compiled = new Map<string, LikePattern>();

/** Patterns are parsed once, not once per instance (a filter has few; the cache stays small). */
function compiledLike(pattern: string): LikePattern {
  let parsed = compiled.get(pattern);
  if (!parsed) {
    if (compiled.size >= 1000) compiled.clear();
    parsed = parseLike(pattern);
    compiled.set(pattern, parsed);
  }
  return parsed;
}
