import { describe, expect, it } from 'vitest';
import { matchesFilter } from '#domain/filter/evaluate-filter.ts';
import { parseProcessInstanceFilter } from '#domain/filter/parse-filter.ts';
import { planQuery } from '#domain/filter/plan-query.ts';
import { isEmptyFilter } from '#domain/filter/process-instance-filter.ts';
import { javaStringHashCode } from '#domain/incident/incident.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

const instance = processInstance(7, {
  processDefinitionId: 'order-process',
  processDefinitionVersion: 3,
  tenantId: 'tenant-a',
  startDate: '2026-03-01T10:00:00.000Z',
  variables: { region: '"EU"', amount: '42' },
});
const matches = (filter: unknown) => matchesFilter(parseProcessInstanceFilter(filter), instance);

describe('process instance filter', () => {
  it('matches plain values as equality', () => {
    expect(matches({ processDefinitionId: 'order-process', tenantId: 'tenant-a', state: 'ACTIVE' })).toBe(
      true,
    );
    expect(matches({ processDefinitionId: 'invoice' })).toBe(false);
  });

  it('applies $eq, $neq, $in and $notIn', () => {
    expect(matches({ processDefinitionVersion: { $eq: 3 } })).toBe(true);
    expect(matches({ processDefinitionVersion: { $neq: 3 } })).toBe(false);
    expect(matches({ processInstanceKey: { $in: [instance.processInstanceKey, '1'] } })).toBe(true);
    expect(matches({ tenantId: { $notIn: ['tenant-b', 'tenant-c'] } })).toBe(true);
    expect(matches({ tenantId: { $notIn: ['tenant-a'] } })).toBe(false);
    expect(matches({ state: { $in: ['COMPLETED', 'CANCELED'] } })).toBe(false);
  });

  it('compares dates and numbers with $gt, $gte, $lt and $lte, whatever the offset of the bound', () => {
    expect(matches({ startDate: { $gt: '2026-03-01T09:59:59.999Z', $lt: '2026-03-01T10:00:00.001Z' } })).toBe(
      true,
    );
    expect(matches({ startDate: { $gte: '2026-03-01T11:00:00+01:00' } })).toBe(true);
    expect(matches({ startDate: { $lt: '2026-03-01T10:00:00.000Z' } })).toBe(false);
    expect(matches({ processDefinitionVersion: { $gte: 3, $lte: 3 } })).toBe(true);
  });

  it('treats a missing attribute as not existing and not equal', () => {
    expect(matches({ endDate: { $exists: false } })).toBe(true);
    expect(matches({ endDate: { $exists: true } })).toBe(false);
    expect(matches({ parentProcessInstanceKey: { $neq: '5' } })).toBe(true);
  });

  it('matches $like with * and ? wildcards and escapes', () => {
    expect(matches({ processDefinitionId: { $like: 'order-*' } })).toBe(true);
    expect(matches({ processDefinitionId: { $like: 'order?process' } })).toBe(true);
    expect(matches({ processDefinitionId: { $like: 'order\\*' } })).toBe(false);
    expect(
      matchesFilter(parseProcessInstanceFilter({ processDefinitionId: { $like: 'a\\*b' } }), {
        ...instance,
        processDefinitionId: 'a*b',
      }),
    ).toBe(true);
  });

  it('compares variables by their JSON value', () => {
    expect(matches({ variables: [{ name: 'region', value: '"EU"' }] })).toBe(true);
    expect(matches({ variables: [{ name: 'amount', value: ' 42 ' }] })).toBe(true);
    expect(matches({ variables: [{ name: 'region', value: '"US"' }] })).toBe(false);
    expect(matches({ variables: [{ name: 'missing', value: '1' }] })).toBe(false);
  });

  it('requires one alternative of $or besides the other conditions', () => {
    expect(
      matches({ tenantId: 'tenant-a', $or: [{ processDefinitionId: 'x' }, { processDefinitionVersion: 3 }] }),
    ).toBe(true);
    expect(matches({ tenantId: 'tenant-b', $or: [{ processDefinitionVersion: 3 }] })).toBe(false);
    expect(matches({ $or: [{ processDefinitionId: 'x' }, { state: 'COMPLETED' }] })).toBe(false);
  });

  it.each([
    [{ processDefinitionIdd: 'x' }, 'filter.processDefinitionIdd is not a supported filter field'],
    [{ processDefinitionVersion: '3' }, 'filter.processDefinitionVersion must be an integer'],
    [{ startDate: { $gt: 'yesterday' } }, 'filter.startDate.$gt must be an ISO 8601 date-time'],
    [{ state: 'RUNNING' }, 'filter.state must be one of ACTIVE, COMPLETED, TERMINATED, SUSPENDED'],
    [
      { processInstanceKey: { $like: '1*' } },
      'filter.processInstanceKey.$like is not allowed on processInstanceKey',
    ],
    [{ processInstanceKey: 'abc' }, 'filter.processInstanceKey must be a key'],
    [{ processInstanceKey: { $in: '1' } }, 'filter.processInstanceKey.$in must be an array'],
    [{ variables: [{ name: 'a', value: 'not json' }] }, 'filter.variables[0].value is not valid JSON'],
    [{ $or: [] }, 'filter.$or must be a non-empty array'],
    [[], 'filter must be an object'],
  ])('rejects %j with a message naming the problem', (filter, message) => {
    expect(() => parseProcessInstanceFilter(filter)).toThrow(message);
  });

  it('knows an empty filter, also one whose alternatives are all empty', () => {
    expect(isEmptyFilter(parseProcessInstanceFilter({}))).toBe(true);
    expect(isEmptyFilter(parseProcessInstanceFilter({ $or: [{}] }))).toBe(true);
    expect(isEmptyFilter(parseProcessInstanceFilter({ tenantId: 'a' }))).toBe(false);
  });
});

describe('fields beyond the instance attributes', () => {
  const rich = processInstance(8, {
    hasIncident: true,
    hasRetriesLeft: true,
    tags: ['gold', 'x:1'],
    batchOperationIds: ['901'],
    elementInstances: [
      { elementInstanceKey: '11', elementId: 'review', state: 'COMPLETED' },
      { elementInstanceKey: '12', elementId: 'pay', state: 'ACTIVE', hasIncident: true },
    ],
    incidents: [
      {
        incidentKey: '21',
        elementId: 'pay',
        elementInstanceKey: '12',
        errorType: 'JOB_NO_RETRIES',
        errorMessage: 'card declined',
        errorHashCode: javaStringHashCode('card declined'),
      },
    ],
  });
  const hits = (filter: unknown) => matchesFilter(parseProcessInstanceFilter(filter), rich);

  it("hashes error messages as Java's String.hashCode, the value Camunda filters incidentErrorHashCode on", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    // Overflows wrap to 32 bits, as in Java: this one lands exactly on Integer.MIN_VALUE.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('matches errorMessage and incidentErrorHashCode against any open incident', () => {
    expect(hits({ errorMessage: 'card declined' })).toBe(true);
    expect(hits({ errorMessage: { $like: 'card*' } })).toBe(true);
    expect(hits({ errorMessage: { $neq: 'card declined' } })).toBe(false);
    expect(hits({ incidentErrorHashCode: javaStringHashCode('card declined') })).toBe(true);
    expect(hits({ incidentErrorHashCode: { $in: [1, 2] } })).toBe(false);
    expect(matches({ errorMessage: { $exists: false } })).toBe(true);
    expect(matches({ errorMessage: { $neq: 'x' } })).toBe(true);
  });

  it('requires one element instance to satisfy elementId, elementInstanceState and hasElementInstanceIncident together', () => {
    expect(hits({ elementId: 'pay', elementInstanceState: 'ACTIVE', hasElementInstanceIncident: true })).toBe(
      true,
    );
    expect(hits({ elementId: 'review', elementInstanceState: 'ACTIVE' })).toBe(false);
    expect(hits({ elementId: 'review', hasElementInstanceIncident: true })).toBe(false);
    expect(hits({ elementInstanceState: { $in: ['COMPLETED'] }, hasElementInstanceIncident: false })).toBe(
      true,
    );
    expect(
      hits({ $or: [{ elementId: 'review', elementInstanceState: 'ACTIVE' }, { elementId: 'pay' }] }),
    ).toBe(true);
  });

  it('reads hasRetriesLeft (absent means false), tags (all named) and batch operation keys', () => {
    expect(hits({ hasRetriesLeft: true, hasIncident: true })).toBe(true);
    expect(matches({ hasRetriesLeft: false })).toBe(true);
    expect(hits({ tags: ['gold', 'x:1'] })).toBe(true);
    expect(hits({ tags: ['gold', 'silver'] })).toBe(false);
    expect(hits({ batchOperationKey: '901', batchOperationId: { $notIn: ['902'] } })).toBe(true);
    expect(matches({ batchOperationId: { $exists: true } })).toBe(false);
  });

  it('applies the string operators to a variable value, which must exist unless $exists says otherwise', () => {
    expect(matches({ variables: [{ name: 'region', value: { $in: ['"US"', ' "EU" '] } }] })).toBe(true);
    expect(matches({ variables: [{ name: 'region', value: { $like: '"E*' } }] })).toBe(true);
    expect(matches({ variables: [{ name: 'region', value: { $neq: '"US"' } }] })).toBe(true);
    expect(matches({ variables: [{ name: 'missing', value: { $neq: '1' } }] })).toBe(false);
    expect(matches({ variables: [{ name: 'missing', value: { $exists: false } }] })).toBe(true);
    expect(matches({ variables: [{ name: 'constructor', value: { $exists: true } }] })).toBe(false);
  });
});

describe('query planner', () => {
  it('reads the keys of every $or alternative when each pins processInstanceKey', () => {
    const plan = planQuery(
      parseProcessInstanceFilter({
        $or: [{ processInstanceKey: '5' }, { processInstanceKey: { $in: ['4', '5'] } }],
      }),
    );
    expect(plan.access).toEqual({ kind: 'keys', keys: ['4', '5'] });
  });

  it('uses the definition index when every $or alternative pins the same processDefinitionId', () => {
    const plan = planQuery(
      parseProcessInstanceFilter({
        $or: [{ processDefinitionId: 'a', state: 'ACTIVE' }, { processDefinitionId: { $in: ['a'] } }],
      }),
    );
    expect(plan.access).toEqual({ kind: 'processDefinitionId', processDefinitionId: 'a' });
  });

  it('reads nothing when the pinned definitions contradict each other', () => {
    const plan = planQuery(parseProcessInstanceFilter({ processDefinitionId: { $eq: 'a', $in: ['b'] } }));
    expect(plan.access).toEqual({ kind: 'keys', keys: [] });
  });

  it('pushes tags and batch operations as contains, list fields as non-empty, variables with their existence', () => {
    const plan = planQuery(
      parseProcessInstanceFilter({
        tags: ['gold'],
        batchOperationKey: { $neq: '9' },
        errorMessage: { $like: '*x' },
        variables: [{ name: 'v', value: { $notIn: ['1'] } }],
      }),
    );
    expect(plan.pushdown).toEqual({
      kind: 'and',
      items: [
        { kind: 'contains', path: ['tags'], value: 'gold' },
        { kind: 'not', item: { kind: 'contains', path: ['batchOperationIds'], value: '9' } },
        { kind: 'nonEmpty', path: ['incidents'] },
        {
          kind: 'and',
          items: [
            { kind: 'exists', path: ['variables', 'v'], exists: true },
            { kind: 'not', item: { kind: 'in', path: ['variables', 'v'], values: ['1'] } },
          ],
        },
      ],
    });
  });

  it('reads pinned instance keys directly, keeping only keys every key condition allows', () => {
    const plan = planQuery(
      parseProcessInstanceFilter({ processInstanceKey: { $in: ['3', '1', '2'], $eq: '2' } }),
    );
    expect(plan.access).toEqual({ kind: 'keys', keys: ['2'] });
  });

  it('uses the definition index when the filter pins processDefinitionId', () => {
    const plan = planQuery(
      parseProcessInstanceFilter({ processDefinitionId: 'order-process', state: 'ACTIVE' }),
    );
    expect(plan.access).toEqual({ kind: 'processDefinitionId', processDefinitionId: 'order-process' });
  });

  it('lets the definition index decide a filter that pins processDefinitionId and nothing else', () => {
    const decided = (filter: unknown) => planQuery(parseProcessInstanceFilter(filter)).decidedByAccess;
    expect(decided({ processDefinitionId: 'order-process' })).toBe(true);
    expect(decided({ processDefinitionId: { $in: ['order-process', 'b'], $eq: 'order-process' } })).toBe(
      true,
    );
    expect(decided({ processDefinitionId: 'order-process', state: 'ACTIVE' })).toBe(false);
    expect(decided({ processDefinitionId: { $like: 'order*' } })).toBe(false);
    expect(decided({ $or: [{ processDefinitionId: 'order-process' }] })).toBe(false);
    expect(decided({ tenantId: 'a' })).toBe(false);
  });

  it('falls back to the shard index and pushes what it can into the expression', () => {
    const plan = planQuery(
      parseProcessInstanceFilter({ tenantId: { $neq: 'a' }, processDefinitionId: { $like: 'o*' } }),
    );
    expect(plan.access).toEqual({ kind: 'shard' });
    expect(plan.pushdown).toEqual({
      kind: 'and',
      items: [
        { kind: 'not', item: { kind: 'compare', path: ['tenantId'], op: '=', value: 'a' } },
        { kind: 'beginsWith', path: ['processDefinitionId'], prefix: 'o' },
      ],
    });
  });

  it('pushes $or only when every alternative can be expressed', () => {
    const partial = planQuery(
      parseProcessInstanceFilter({ $or: [{ tenantId: 'a' }, { errorMessage: { $neq: 'x' } }] }),
    );
    expect(partial.pushdown).toBeUndefined();
    const whole = planQuery(
      parseProcessInstanceFilter({ $or: [{ tenantId: 'a' }, { variables: [{ name: 'v', value: '1' }] }] }),
    );
    expect(whole.pushdown).toEqual({
      kind: 'or',
      items: [
        { kind: 'compare', path: ['tenantId'], op: '=', value: 'a' },
        { kind: 'compare', path: ['variables', 'v'], op: '=', value: '1' },
      ],
    });
  });
});
