import type { ElementInstance, ProcessInstance } from '../instance/process-instance.ts';
import { ELEMENT_INSTANCE_STATES, PROCESS_INSTANCE_STATES } from '../instance/process-instance.ts';

/**
 * The fields of Camunda 8's ProcessInstanceFilter, each with its value kind. The kind decides which
 * operators are allowed (exactly Camunda's, per its filter property type) and how values compare;
 * where a field reads its values from decides how its conditions combine:
 * - FILTER_FIELDS: one attribute of the instance (one value or none);
 * - LIST_FIELDS: a list on the instance (open incidents, batch operations): a positive operator holds
 *   when some value satisfies it, a negative one (`$neq`, `$notIn`) when none does, as on Camunda's
 *   multi-valued fields;
 * - ELEMENT_FIELDS: the element instances: all element conditions of one filter must hold on the same
 *   element instance, as in Camunda (one `has_child` query over the element instances).
 * `variables`, `tags` and `$or` have shapes of their own (see parse-filter.ts).
 */
export type FieldKind = 'string' | 'key' | 'integer' | 'date' | 'boolean' | 'state';

export type Operator =
  | '$eq'
  | '$neq'
  | '$exists'
  | '$in'
  | '$notIn'
  | '$like'
  | '$gt'
  | '$gte'
  | '$lt'
  | '$lte';

/**
 * Camunda's filter property types: AdvancedStringFilter, BasicStringFilter (keys),
 * AdvancedIntegerFilter, AdvancedDateTimeFilter, the state filters, and plain booleans (no operators).
 */
export const OPERATORS_BY_KIND: Record<FieldKind, readonly Operator[]> = {
  string: ['$eq', '$neq', '$exists', '$in', '$notIn', '$like'],
  key: ['$eq', '$neq', '$exists', '$in', '$notIn'],
  integer: ['$eq', '$neq', '$exists', '$in', '$gt', '$gte', '$lt', '$lte'],
  date: ['$eq', '$neq', '$exists', '$in', '$gt', '$gte', '$lt', '$lte'],
  boolean: [],
  state: ['$eq', '$neq', '$exists', '$in', '$like'],
};

type ScalarField = {
  [K in keyof ProcessInstance]: ProcessInstance[K] extends string | number | boolean | undefined ? K : never;
}[keyof ProcessInstance];

export interface FieldSpec {
  readonly kind: FieldKind;
  readonly allowedValues?: readonly string[];
  /** Values must be process definition ids (Camunda's id pattern). */
  readonly id?: true;
}

export interface AttributeFieldSpec extends FieldSpec {
  /** The stored instance attribute the field reads. */
  readonly attribute: ScalarField;
}

export const FILTER_FIELDS = {
  processInstanceKey: { kind: 'key', attribute: 'processInstanceKey' },
  processDefinitionId: { kind: 'string', attribute: 'processDefinitionId', id: true },
  processDefinitionName: { kind: 'string', attribute: 'processDefinitionName' },
  processDefinitionVersion: { kind: 'integer', attribute: 'processDefinitionVersion' },
  processDefinitionVersionTag: { kind: 'string', attribute: 'processDefinitionVersionTag' },
  processDefinitionKey: { kind: 'key', attribute: 'processDefinitionKey' },
  parentProcessInstanceKey: { kind: 'key', attribute: 'parentProcessInstanceKey' },
  parentElementInstanceKey: { kind: 'key', attribute: 'parentElementInstanceKey' },
  startDate: { kind: 'date', attribute: 'startDate' },
  endDate: { kind: 'date', attribute: 'endDate' },
  state: { kind: 'state', attribute: 'state', allowedValues: PROCESS_INSTANCE_STATES },
  hasIncident: { kind: 'boolean', attribute: 'hasIncident' },
  tenantId: { kind: 'string', attribute: 'tenantId' },
  // Absent means false: only a job that failed with retries left sets it.
  hasRetriesLeft: { kind: 'boolean', attribute: 'hasRetriesLeft' },
} as const satisfies Record<string, AttributeFieldSpec>;

export type FilterField = keyof typeof FILTER_FIELDS;

/** The fields Camunda's process-instance search sorts by (all attribute fields but hasRetriesLeft). */
export const SORT_FIELDS = [
  'processInstanceKey',
  'processDefinitionId',
  'processDefinitionName',
  'processDefinitionVersion',
  'processDefinitionVersionTag',
  'processDefinitionKey',
  'parentProcessInstanceKey',
  'parentElementInstanceKey',
  'startDate',
  'endDate',
  'state',
  'hasIncident',
  'tenantId',
] as const satisfies readonly FilterField[];

export interface ListFieldSpec extends FieldSpec {
  readonly values: (instance: ProcessInstance) => readonly (string | number)[];
  /** The stored attribute holding the values, when it is a set or list of them (for pushdown). */
  readonly storedList?: 'batchOperationIds' | 'tags';
}

export const LIST_FIELDS = {
  errorMessage: {
    kind: 'string',
    values: (instance) => (instance.incidents ?? []).map((incident) => incident.errorMessage),
  },
  incidentErrorHashCode: {
    kind: 'integer',
    values: (instance) => (instance.incidents ?? []).map((incident) => incident.errorHashCode),
  },
  batchOperationKey: {
    kind: 'string',
    values: (instance) => instance.batchOperationIds,
    storedList: 'batchOperationIds',
  },
  // Deprecated in Camunda in favour of batchOperationKey; same meaning.
  batchOperationId: {
    kind: 'string',
    values: (instance) => instance.batchOperationIds,
    storedList: 'batchOperationIds',
  },
  // Not a field clients write: `tags: [..]` becomes one `$eq` condition per tag (all must be present).
  tags: { kind: 'string', values: (instance) => instance.tags, storedList: 'tags' },
} as const satisfies Record<string, ListFieldSpec>;

export type ListField = keyof typeof LIST_FIELDS;

export interface ElementFieldSpec extends FieldSpec {
  readonly value: (element: ElementInstance) => string | boolean;
}

export const ELEMENT_FIELDS = {
  elementId: { kind: 'string', value: (element) => element.elementId },
  elementInstanceState: {
    kind: 'state',
    allowedValues: ELEMENT_INSTANCE_STATES,
    value: (element) => element.state,
  },
  hasElementInstanceIncident: { kind: 'boolean', value: (element) => element.hasIncident ?? false },
} as const satisfies Record<string, ElementFieldSpec>;

export type ElementField = keyof typeof ELEMENT_FIELDS;

export function isFilterField(name: string): name is FilterField {
  return Object.hasOwn(FILTER_FIELDS, name);
}

export function isListField(name: string): name is Exclude<ListField, 'tags'> {
  return Object.hasOwn(LIST_FIELDS, name) && name !== 'tags';
}

export function isElementField(name: string): name is ElementField {
  return Object.hasOwn(ELEMENT_FIELDS, name);
}

/** Every field name a filter may use, for error messages. */
export const ALL_FILTER_FIELD_NAMES: readonly string[] = [
  ...Object.keys(FILTER_FIELDS),
  ...Object.keys(ELEMENT_FIELDS),
  ...Object.keys(LIST_FIELDS),
  'variables',
  '$or',
];
