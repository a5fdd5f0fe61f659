import fc from 'fast-check';
import { javaStringHashCode } from '#domain/incident/incident.ts';
import {
  ELEMENT_INSTANCE_STATES,
  PROCESS_INSTANCE_STATES,
  type ProcessInstance,
} from '#domain/instance/process-instance.ts';
import { keyFromSequence } from '#domain/keys.ts';

/**
 * Random process instances and random Camunda process-instance filters drawn from the same small
 * value pools, so that filters hit often and the interesting edges (absent attributes, wildcards in
 * data, escapes, several incidents or element instances) come up in a few dozen runs.
 */
// Ids follow Camunda's id pattern; names may hold anything, wildcard characters too ($like escapes).
const DEFINITION_IDS = ['order', 'order-v2', 'invoice', 'a.b', '_a_b', 'Bestellung-ä'];
const DEFINITION_NAMES = ['Order', 'Invoice', 'Order process', 'a*b', 'a?b', 'back\\slash'];
const VERSION_TAGS = ['v1', 'v2', 'v10'];
const TENANTS = ['<default>', 't1', 't2'];
const DEFINITION_KEYS = [1, 2, 3].map(keyFromSequence);
const PARENT_KEYS = [10, 11, 12].map(keyFromSequence);
const DATES = [1, 2, 3, 4].map((day) => `2026-01-0${day}T00:00:00.000Z`);
const DATE_BOUNDS = [
  ...DATES,
  '2026-01-02T01:00:00+01:00',
  '2026-01-02T12:30:00Z',
  '2025-12-31T23:59:59.999Z',
];
const VARIABLE_NAMES = ['region', 'amount', 'flag', 'a.b'];
const VARIABLE_VALUES = ['"EU"', '"US"', '"E*"', '42', '7', 'true', 'null', '{"a":1}'];
const ERROR_MESSAGES = ['card declined', 'timeout', 'time*out', 'No retries left'];
const ELEMENT_IDS = ['review', 'pay', 'ship'];
const BATCH_KEYS = ['901', '902', '903'];
const TAGS = ['gold', 'silver', 'x:1'];
/** Instance keys the data set uses (sequences 0 .. INSTANCE_COUNT - 1) plus a few it does not. */
export const INSTANCE_COUNT = 300;
const INSTANCE_KEYS = [0, 1, 2, 50, 150, 299, 300, 5000].map(keyFromSequence);

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

const instanceShape = fc.record({
  processDefinitionKey: pick(DEFINITION_KEYS),
  processDefinitionId: pick(DEFINITION_IDS),
  processDefinitionName: optional(pick(DEFINITION_NAMES)),
  processDefinitionVersion: fc.integer({ min: 1, max: 4 }),
  processDefinitionVersionTag: optional(pick(VERSION_TAGS)),
  tenantId: pick(TENANTS),
  state: pick(PROCESS_INSTANCE_STATES),
  startDate: pick(DATES),
  endDate: optional(pick(DATES)),
  hasIncident: fc.boolean(),
  parentProcessInstanceKey: optional(pick(PARENT_KEYS)),
  parentElementInstanceKey: optional(pick(PARENT_KEYS)),
  variables: fc.dictionary(pick(VARIABLE_NAMES), pick(VARIABLE_VALUES), { maxKeys: 3 }),
  tags: fc.subarray(TAGS),
  elementInstances: fc.array(
    fc.record({
      elementId: pick(ELEMENT_IDS),
      state: pick(ELEMENT_INSTANCE_STATES),
      hasIncident: optional(fc.boolean()),
    }),
    { maxLength: 3 },
  ),
  batchOperationIds: fc.subarray(BATCH_KEYS),
  incidents: optional(fc.array(pick(ERROR_MESSAGES), { maxLength: 2 })),
  hasRetriesLeft: optional(fc.boolean()),
});

/** `count` random instances with keys keyFromSequence(0 ..), always the same for one seed. */
export function randomInstances(count: number, seed: number): ProcessInstance[] {
  return fc.sample(instanceShape, { seed, numRuns: count }).map((shape, sequence) => {
    const processInstanceKey = keyFromSequence(sequence);
    const { elementInstances, incidents, ...rest } = shape;
    const instance: ProcessInstance = {
      ...rest,
      processInstanceKey,
      elementInstances: elementInstances.map((element, index) => ({
        ...element,
        elementInstanceKey: keyFromSequence(1_000_000 + sequence * 10 + index),
      })),
      incidents: incidents?.map((errorMessage, index) => ({
        incidentKey: keyFromSequence(2_000_000 + sequence * 10 + index),
        elementId: 'review',
        elementInstanceKey: keyFromSequence(1_000_000 + sequence * 10),
        errorType: 'JOB_NO_RETRIES',
        errorMessage,
        errorHashCode: javaStringHashCode(errorMessage),
      })),
    };
    // Absent optional attributes are left out entirely, as the store keeps them.
    for (const [name, value] of Object.entries(instance)) {
      if (value === undefined) delete (instance as unknown as Record<string, unknown>)[name];
    }
    return instance;
  });
}

/** One to two operators of those given, as an operator object. */
function operators(spec: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .subarray(Object.keys(spec), { minLength: 1, maxLength: 2 })
    .chain((names) => fc.record(Object.fromEntries(names.map((name) => [name, spec[name]]))));
}

/** `$like` patterns made from the pool: a prefix with `*`, one character as `?`, an escaped wildcard. */
function likeOf(values: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    pick(values).chain((value) => fc.nat(value.length).map((end) => `${escapeLike(value.slice(0, end))}*`)),
    pick(values).chain((value) =>
      fc
        .nat(Math.max(0, value.length - 1))
        .map((at) => `${escapeLike(value.slice(0, at))}?${escapeLike(value.slice(at + 1))}`),
    ),
    pick(values).map(escapeLike),
    fc.constantFrom('*', '*e*', 'a\\*b', 'a?b', '*\\\\*'),
  );
}

function escapeLike(text: string): string {
  return text.replace(/[\\*?]/g, '\\$&');
}

const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: 3 });

/** Camunda's AdvancedStringFilter over a pool, or a plain value. */
function stringFilter(values: readonly string[]) {
  const value = pick(values);
  return fc.oneof(
    value,
    operators({
      $eq: value,
      $neq: value,
      $exists: fc.boolean(),
      $in: list(value),
      $notIn: list(value),
      $like: likeOf(values),
    }),
  );
}

/** Camunda's BasicStringFilter (keys). */
function keyFilter(values: readonly string[]) {
  const value = pick(values);
  return fc.oneof(
    value,
    operators({ $eq: value, $neq: value, $exists: fc.boolean(), $in: list(value), $notIn: list(value) }),
  );
}

/** Camunda's AdvancedIntegerFilter and AdvancedDateTimeFilter (no `$notIn`, no `$like`). */
function orderedFilter<T>(value: fc.Arbitrary<T>) {
  return fc.oneof(
    value,
    operators({
      $eq: value,
      $neq: value,
      $exists: fc.boolean(),
      $in: list(value),
      $gt: value,
      $gte: value,
      $lt: value,
      $lte: value,
    }),
  );
}

/** Camunda's process-instance and element-instance state filters. */
function stateFilter(states: readonly string[]) {
  const value = pick(states);
  return fc.oneof(
    value,
    operators({ $eq: value, $neq: value, $exists: fc.boolean(), $in: list(value), $like: likeOf(states) }),
  );
}

/** Camunda's states only (the zod schema knows no CANCELED); the data has CANCELED too. */
const CAMUNDA_STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'];

const variableValue = pick(VARIABLE_VALUES);
const FIELD_FILTERS: Record<string, fc.Arbitrary<unknown>> = {
  processDefinitionId: stringFilter(DEFINITION_IDS),
  processDefinitionName: stringFilter(DEFINITION_NAMES),
  processDefinitionVersion: orderedFilter(fc.integer({ min: 0, max: 5 })),
  processDefinitionVersionTag: stringFilter(VERSION_TAGS),
  processDefinitionKey: keyFilter(DEFINITION_KEYS),
  processInstanceKey: keyFilter(INSTANCE_KEYS),
  parentProcessInstanceKey: keyFilter(PARENT_KEYS),
  parentElementInstanceKey: keyFilter(PARENT_KEYS),
  startDate: orderedFilter(pick(DATE_BOUNDS)),
  endDate: orderedFilter(pick(DATE_BOUNDS)),
  state: stateFilter(CAMUNDA_STATES),
  hasIncident: fc.boolean(),
  tenantId: stringFilter(TENANTS),
  variables: fc.array(
    fc.record({
      name: pick(VARIABLE_NAMES),
      value: fc.oneof(
        variableValue,
        operators({
          $eq: variableValue,
          $neq: variableValue,
          $exists: fc.boolean(),
          $in: list(variableValue),
          $notIn: list(variableValue),
          $like: likeOf(VARIABLE_VALUES),
        }),
      ),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  errorMessage: stringFilter(ERROR_MESSAGES),
  hasRetriesLeft: fc.boolean(),
  elementId: stringFilter(ELEMENT_IDS),
  elementInstanceState: stateFilter(CAMUNDA_STATES),
  hasElementInstanceIncident: fc.boolean(),
  incidentErrorHashCode: orderedFilter(
    fc.oneof(pick(ERROR_MESSAGES.map(javaStringHashCode)), fc.integer({ min: -5, max: 5 })),
  ),
  tags: fc.subarray(TAGS, { maxLength: 2 }),
  batchOperationId: stringFilter(BATCH_KEYS),
  batchOperationKey: stringFilter(BATCH_KEYS),
};
export const FILTER_FIELD_NAMES = Object.keys(FIELD_FILTERS);

/** A filter without `$or`: up to `max` fields. */
export function plainFilter(max = 3): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .subarray(FILTER_FIELD_NAMES, { maxLength: max })
    .chain((names) => fc.record(Object.fromEntries(names.map((name) => [name, FIELD_FILTERS[name]]))));
}

/** A valid Camunda ProcessInstanceFilter: a few fields and sometimes `$or` of one to three alternatives. */
export const validFilter: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    plainFilter(3),
    fc.option(fc.array(plainFilter(2), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  )
  .map(([base, alternatives]) => (alternatives ? { ...base, $or: alternatives } : base));
