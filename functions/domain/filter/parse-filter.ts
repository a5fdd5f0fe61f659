import { InvalidArgumentError } from '../errors.ts';
import { isKey } from '../keys.ts';
import {
  FILTER_FIELDS,
  type FieldSpec,
  type FilterField,
  isFilterField,
  OPERATORS_BY_KIND,
  type Operator,
} from './fields.ts';
import type { Condition, ProcessInstanceFilter, Scalar } from './process-instance-filter.ts';

/**
 * Turns a request's `filter` JSON into a ProcessInstanceFilter, or throws INVALID_ARGUMENT naming the
 * offending path: unknown field, wrong type, bad date, operator not allowed on the field.
 */
export function parseProcessInstanceFilter(json: unknown, path = 'filter'): ProcessInstanceFilter {
  const object = asObject(json, path);
  const all: Condition[] = [];
  let anyOf: ProcessInstanceFilter[] | undefined;
  for (const [name, value] of Object.entries(object)) {
    const fieldPath = `${path}.${name}`;
    if (value === undefined) continue;
    if (name === '$or') {
      if (!Array.isArray(value) || value.length === 0) {
        throw new InvalidArgumentError(`${fieldPath} must be a non-empty array of filters`);
      }
      anyOf = value.map((alternative, index) =>
        parseProcessInstanceFilter(alternative, `${fieldPath}[${index}]`),
      );
    } else if (name === 'variables') {
      all.push(...parseVariables(value, fieldPath));
    } else if (isFilterField(name)) {
      all.push(...parseField(name, value, fieldPath));
    } else {
      throw new InvalidArgumentError(
        `${fieldPath} is not a supported filter field; supported: ${[...Object.keys(FILTER_FIELDS), 'variables', '$or'].join(', ')}`,
      );
    }
  }
  return anyOf === undefined ? { all } : { all, anyOf };
}

function parseField(field: FilterField, value: unknown, path: string): Condition[] {
  const spec: FieldSpec = FILTER_FIELDS[field];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ kind: 'field', field, operator: '$eq', value: parseValue(spec, value, path) }];
  }
  const allowed = OPERATORS_BY_KIND[spec.kind];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw new InvalidArgumentError(`${path} must name at least one operator`);
  return entries.map(([operator, operand]) => {
    const operatorPath = `${path}.${operator}`;
    if (!(allowed as readonly string[]).includes(operator)) {
      throw new InvalidArgumentError(
        `${operatorPath} is not allowed on ${field}; allowed: ${allowed.join(', ')}`,
      );
    }
    const op = operator as Operator;
    if (op === '$exists') {
      if (typeof operand !== 'boolean')
        throw new InvalidArgumentError(`${operatorPath} must be true or false`);
      return { kind: 'field', field, operator: op, value: operand };
    }
    if (op === '$in' || op === '$notIn') {
      if (!Array.isArray(operand)) throw new InvalidArgumentError(`${operatorPath} must be an array`);
      return {
        kind: 'field',
        field,
        operator: op,
        value: operand.map((item, index) => parseValue(spec, item, `${operatorPath}[${index}]`)),
      };
    }
    if (op === '$like' && typeof operand !== 'string') {
      throw new InvalidArgumentError(`${operatorPath} must be a string pattern`);
    }
    return {
      kind: 'field',
      field,
      operator: op,
      value: op === '$like' ? (operand as string) : parseValue(spec, operand, operatorPath),
    };
  });
}

function parseValue(spec: FieldSpec, value: unknown, path: string): Scalar {
  switch (spec.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      throw new InvalidArgumentError(`${path} must be a string`);
    case 'key':
      if ((typeof value === 'string' || typeof value === 'number') && isKey(String(value)))
        return String(value);
      throw new InvalidArgumentError(`${path} must be a key (a string of digits)`);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw new InvalidArgumentError(`${path} must be an integer`);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      throw new InvalidArgumentError(`${path} must be true or false`);
    case 'date': {
      const time =
        typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(time))
        throw new InvalidArgumentError(
          `${path} must be an ISO 8601 date-time, e.g. 2024-01-31T12:00:00.000Z`,
        );
      // Stored dates are UTC ISO strings, so a normalized bound compares correctly as a string.
      return new Date(time).toISOString();
    }
    case 'state':
      if (typeof value === 'string' && spec.allowedValues?.includes(value)) return value;
      throw new InvalidArgumentError(`${path} must be one of ${spec.allowedValues?.join(', ')}`);
  }
}

function parseVariables(value: unknown, path: string): Condition[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${path} must be an array of {name, value}`);
  return value.map((entry, index) => {
    const entryPath = `${path}[${index}]`;
    const { name, value: variableValue, ...rest } = asObject(entry, entryPath);
    if (Object.keys(rest).length > 0) {
      throw new InvalidArgumentError(`${entryPath} has unknown fields: ${Object.keys(rest).join(', ')}`);
    }
    if (typeof name !== 'string' || name.length === 0)
      throw new InvalidArgumentError(`${entryPath}.name must be a non-empty string`);
    if (typeof variableValue !== 'string') {
      throw new InvalidArgumentError(
        `${entryPath}.value must be the variable's JSON-serialized value as a string, e.g. "\\"gold\\"" or "42"`,
      );
    }
    return { kind: 'variable', name, value: normalizeJson(variableValue, `${entryPath}.value`) };
  });
}

/** Variable values compare in canonical JSON form, so `"42"` and `" 42 "` mean the same. */
export function normalizeJson(serialized: string, path: string): string {
  try {
    return JSON.stringify(JSON.parse(serialized));
  } catch {
    throw new InvalidArgumentError(`${path} is not valid JSON: ${serialized}`);
  }
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(`${path} must be an object`);
  }
  return value as Record<string, unknown>;
}
