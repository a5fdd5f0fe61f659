import { InvalidArgumentError } from '../errors.ts';
import { isKey } from '../keys.ts';
import {
  checkLimit,
  MAX_FILTER_ALTERNATIVES,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_LIST_VALUES,
  MAX_FILTER_STRING_LENGTH,
  MAX_LIKE_LENGTH,
  MAX_LIKE_WILDCARDS,
  PROCESS_DEFINITION_ID_PATTERN,
} from '../limits.ts';
import {
  ALL_FILTER_FIELD_NAMES,
  ELEMENT_FIELDS,
  type ElementField,
  FILTER_FIELDS,
  type FieldSpec,
  isElementField,
  isFilterField,
  isListField,
  LIST_FIELDS,
  OPERATORS_BY_KIND,
  type Operator,
} from './fields.ts';
import type { Comparison, Condition, ProcessInstanceFilter, Scalar } from './process-instance-filter.ts';

/** Camunda's tag rule: a letter, then letters, digits, `_ - : .`; at most 100 characters, 10 tags. */
const TAG = /^[A-Za-z][A-Za-z0-9_\-:.]{0,99}$/;
const MAX_TAGS = 10;

/** Camunda's AdvancedStringFilter, which a variable's `value` may be instead of a plain string. */
const VARIABLE_OPERATORS: readonly Operator[] = OPERATORS_BY_KIND.string;

/**
 * Turns a request's `filter` JSON into a ProcessInstanceFilter, or throws INVALID_ARGUMENT naming the
 * offending path: unknown field, wrong type, bad date, operator not allowed on the field.
 */
export function parseProcessInstanceFilter(json: unknown, path = 'filter'): ProcessInstanceFilter {
  const filter = parseLevel(json, path, true);
  checkLimit(path, conditionCount(filter), MAX_FILTER_CONDITIONS, 'conditions');
  return filter;
}

/** Conditions of a filter, its alternatives' and each element comparison counted. */
function conditionCount(filter: ProcessInstanceFilter): number {
  const own = filter.all.reduce(
    (count, condition) => count + (condition.kind === 'element' ? condition.comparisons.length : 1),
    0,
  );
  return own + (filter.anyOf ?? []).reduce((count, alternative) => count + conditionCount(alternative), 0);
}

function parseLevel(json: unknown, path: string, topLevel: boolean): ProcessInstanceFilter {
  const object = asObject(json, path);
  const all: Condition[] = [];
  const element: (Comparison & { field: ElementField })[] = [];
  let anyOf: ProcessInstanceFilter[] | undefined;
  for (const [name, value] of Object.entries(object)) {
    const fieldPath = `${path}.${name}`;
    if (value === undefined) continue;
    if (name === '$or') {
      // Camunda's schema has `$or` on the top-level filter only; its alternatives are plain filters.
      if (!topLevel)
        throw new InvalidArgumentError(`${fieldPath} is not allowed: $or may only be used at the top level`);
      if (!Array.isArray(value) || value.length === 0) {
        throw new InvalidArgumentError(`${fieldPath} must be a non-empty array of filters`);
      }
      checkLimit(fieldPath, value.length, MAX_FILTER_ALTERNATIVES, 'alternatives');
      anyOf = value.map((alternative, index) => parseLevel(alternative, `${fieldPath}[${index}]`, false));
    } else if (name === 'variables') {
      all.push(...parseVariables(value, fieldPath));
    } else if (name === 'tags') {
      all.push(...parseTags(value, fieldPath));
    } else if (isFilterField(name)) {
      for (const comparison of parseComparisons(name, FILTER_FIELDS[name], value, fieldPath)) {
        all.push({ kind: 'field', field: name, ...comparison });
      }
    } else if (isListField(name)) {
      for (const comparison of parseComparisons(name, LIST_FIELDS[name], value, fieldPath)) {
        all.push({ kind: 'list', field: name, ...comparison });
      }
    } else if (isElementField(name)) {
      for (const comparison of parseComparisons(name, ELEMENT_FIELDS[name], value, fieldPath)) {
        element.push({ field: name, ...comparison });
      }
    } else {
      throw new InvalidArgumentError(
        `${fieldPath} is not a supported filter field; supported: ${ALL_FILTER_FIELD_NAMES.join(', ')}`,
      );
    }
  }
  if (element.length > 0) all.push({ kind: 'element', comparisons: element });
  return anyOf === undefined ? { all } : { all, anyOf };
}

/** A plain value means `$eq`; an object holds operators, all of which must hold. */
export function parseComparisons(field: string, spec: FieldSpec, value: unknown, path: string): Comparison[] {
  if (spec.kind === 'boolean') {
    // Camunda takes booleans plain, without operators.
    if (typeof value !== 'boolean') throw new InvalidArgumentError(`${path} must be true or false`);
    return [{ operator: '$eq', value }];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ operator: '$eq', value: parseValue(spec, value, path) }];
  }
  const allowed = OPERATORS_BY_KIND[spec.kind];
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, operand]) => operand !== undefined,
  );
  if (entries.length === 0) throw new InvalidArgumentError(`${path} must name at least one operator`);
  return entries.map(([operator, operand]) => {
    const operatorPath = `${path}.${operator}`;
    if (!(allowed as readonly string[]).includes(operator)) {
      throw new InvalidArgumentError(
        `${operatorPath} is not allowed on ${field}; allowed: ${allowed.join(', ')}`,
      );
    }
    return parseOperand(operator as Operator, operand, operatorPath, (item, itemPath) =>
      parseValue(spec, item, itemPath),
    );
  });
}

function parseOperand(
  operator: Operator,
  operand: unknown,
  path: string,
  parseItem: (value: unknown, path: string) => Scalar,
): Comparison {
  switch (operator) {
    case '$exists':
      if (typeof operand !== 'boolean') throw new InvalidArgumentError(`${path} must be true or false`);
      return { operator, value: operand };
    case '$in':
    case '$notIn':
      if (!Array.isArray(operand)) throw new InvalidArgumentError(`${path} must be an array`);
      checkLimit(path, operand.length, MAX_FILTER_LIST_VALUES, 'values');
      return { operator, value: operand.map((item, index) => parseItem(item, `${path}[${index}]`)) };
    case '$like':
      if (typeof operand !== 'string') throw new InvalidArgumentError(`${path} must be a string pattern`);
      checkLimit(path, operand.length, MAX_LIKE_LENGTH, 'characters');
      checkLimit(path, wildcardCount(operand), MAX_LIKE_WILDCARDS, '* wildcards');
      return { operator, value: operand };
    default:
      return { operator, value: parseItem(operand, path) };
  }
}

function parseValue(spec: FieldSpec, value: unknown, path: string): Scalar {
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') throw new InvalidArgumentError(`${path} must be a string`);
      checkLimit(path, value.length, MAX_FILTER_STRING_LENGTH, 'characters');
      if (spec.id && !PROCESS_DEFINITION_ID_PATTERN.test(value)) {
        throw new InvalidArgumentError(
          `${path} must be a process definition id (Camunda's pattern ${PROCESS_DEFINITION_ID_PATTERN.source}: a letter or _, then letters, digits, _, - or .)`,
        );
      }
      return value;
    case 'key':
      if ((typeof value === 'string' || typeof value === 'number') && isKey(String(value)))
        return String(value);
      throw new InvalidArgumentError(`${path} must be a key (a string of 1 to 19 digits)`);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw new InvalidArgumentError(`${path} must be an integer`);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      throw new InvalidArgumentError(`${path} must be true or false`);
    case 'date':
      return parseDate(value, path);
    case 'state':
      if (typeof value === 'string' && spec.allowedValues?.includes(value)) return value;
      // Earlier releases called a canceled instance CANCELED: still understood, as Camunda's TERMINATED.
      if (
        value === 'CANCELED' &&
        spec.allowedValues?.includes('TERMINATED') &&
        spec.allowedValues.includes('SUSPENDED')
      )
        return 'TERMINATED';
      throw new InvalidArgumentError(`${path} must be one of ${spec.allowedValues?.join(', ')}`);
  }
}

/** RFC 3339 date-time with an offset, as Camunda requires; a normalized UTC bound compares as a string. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function parseDate(value: unknown, path: string): string {
  const match = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  const time = match ? Date.parse(value as string) : Number.NaN;
  // Date.parse rolls 2024-02-30 over into March: the calendar day must exist as written.
  const day = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (
    Number.isNaN(time) ||
    !day ||
    day.getUTCDate() !== Number(match?.[3]) ||
    day.getUTCMonth() + 1 !== Number(match?.[2])
  ) {
    throw new InvalidArgumentError(`${path} must be an ISO 8601 date-time, e.g. 2024-01-31T12:00:00.000Z`);
  }
  // Stored dates are UTC ISO strings with milliseconds, so a normalized bound compares correctly as a string.
  return new Date(time).toISOString();
}

function parseVariables(value: unknown, path: string): Condition[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${path} must be an array of {name, value}`);
  return value.flatMap((entry, index) => {
    const entryPath = `${path}[${index}]`;
    const { name, value: variableValue, ...rest } = asObject(entry, entryPath);
    if (Object.keys(rest).length > 0) {
      throw new InvalidArgumentError(`${entryPath} has unknown fields: ${Object.keys(rest).join(', ')}`);
    }
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError(`${entryPath}.name must be a non-empty string`);
    }
    checkLimit(`${entryPath}.name`, name.length, MAX_FILTER_STRING_LENGTH, 'characters');
    const valuePath = `${entryPath}.value`;
    if (typeof variableValue === 'string') {
      return [{ kind: 'variable', name, operator: '$eq', value: normalizeJson(variableValue, valuePath) }];
    }
    if (variableValue === null || typeof variableValue !== 'object' || Array.isArray(variableValue)) {
      throw new InvalidArgumentError(
        `${valuePath} must be the variable's JSON-serialized value as a string, e.g. "\\"gold\\"" or "42", or an object of operators`,
      );
    }
    const entries = Object.entries(variableValue).filter(([, operand]) => operand !== undefined);
    if (entries.length === 0) throw new InvalidArgumentError(`${valuePath} must name at least one operator`);
    return entries.map(([operator, operand]): Condition => {
      const operatorPath = `${valuePath}.${operator}`;
      if (!(VARIABLE_OPERATORS as readonly string[]).includes(operator)) {
        throw new InvalidArgumentError(
          `${operatorPath} is not allowed on a variable value; allowed: ${VARIABLE_OPERATORS.join(', ')}`,
        );
      }
      const comparison = parseOperand(operator as Operator, operand, operatorPath, (item, itemPath) => {
        if (typeof item !== 'string') {
          throw new InvalidArgumentError(`${itemPath} must be a JSON-serialized value as a string`);
        }
        return normalizeJson(item, itemPath);
      });
      return { kind: 'variable', name, ...comparison };
    });
  });
}

function parseTags(value: unknown, path: string): Condition[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${path} must be an array of tags`);
  if (value.length > MAX_TAGS) throw new InvalidArgumentError(`${path} may hold at most ${MAX_TAGS} tags`);
  return value.map((tag, index) => {
    if (typeof tag !== 'string' || !TAG.test(tag)) {
      throw new InvalidArgumentError(
        `${path}[${index}] must be a tag: a letter, then at most 99 letters, digits, _, -, : or .`,
      );
    }
    // The instance must carry every tag named.
    return { kind: 'list', field: 'tags', operator: '$eq', value: tag };
  });
}

/** Variable values compare in canonical JSON form, so `"42"` and `" 42 "` mean the same. */
export function normalizeJson(serialized: string, path: string): string {
  checkLimit(path, serialized.length, MAX_FILTER_STRING_LENGTH, 'characters');
  try {
    return JSON.stringify(JSON.parse(serialized));
  } catch {
    throw new InvalidArgumentError(`${path} is not valid JSON: ${serialized}`);
  }
}

/** The `*` wildcards of a `$like` pattern; a star after a backslash is a literal one. */
function wildcardCount(pattern: string): number {
  let count = 0;
  for (let index = 0; index < pattern.length; index++) {
    if (pattern[index] === '\\') index++;
    else if (pattern[index] === '*') count++;
  }
  return count;
}

export function asObject(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(`${path} must be an object`);
  }
  return value as Record<string, unknown>;
}
