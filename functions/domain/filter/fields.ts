import type { ProcessInstance } from '../instance/process-instance.ts';
import { PROCESS_INSTANCE_STATES } from '../instance/process-instance.ts';

/**
 * The fields of Camunda 8's ProcessInstanceFilter that this service understands, each with its value
 * kind. The kind decides which operators are allowed and how values compare; adding a field is adding
 * a line here (plus its attribute on the stored instance).
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

export const OPERATORS_BY_KIND: Record<FieldKind, readonly Operator[]> = {
  string: ['$eq', '$neq', '$exists', '$in', '$notIn', '$like'],
  key: ['$eq', '$neq', '$exists', '$in', '$notIn'],
  integer: ['$eq', '$neq', '$exists', '$in', '$notIn', '$gt', '$gte', '$lt', '$lte'],
  date: ['$eq', '$neq', '$exists', '$in', '$notIn', '$gt', '$gte', '$lt', '$lte'],
  boolean: ['$eq', '$neq', '$exists'],
  state: ['$eq', '$neq', '$exists', '$in', '$notIn', '$like'],
};

type ScalarField = {
  [K in keyof ProcessInstance]: ProcessInstance[K] extends string | number | boolean | undefined ? K : never;
}[keyof ProcessInstance];

export interface FieldSpec {
  readonly kind: FieldKind;
  /** The stored instance attribute the field reads. */
  readonly attribute: ScalarField;
  readonly allowedValues?: readonly string[];
}

export const FILTER_FIELDS = {
  processInstanceKey: { kind: 'key', attribute: 'processInstanceKey' },
  processDefinitionId: { kind: 'string', attribute: 'processDefinitionId' },
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
} as const satisfies Record<string, FieldSpec>;

export type FilterField = keyof typeof FILTER_FIELDS;

export function isFilterField(name: string): name is FilterField {
  return Object.hasOwn(FILTER_FIELDS, name);
}
