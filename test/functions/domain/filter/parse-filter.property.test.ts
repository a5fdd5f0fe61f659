import { queryProcessInstancesRequestBodySchema } from '@camunda/camunda-api-zod-schemas/8.8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '#domain/errors.ts';
import { parseProcessInstanceFilter } from '#domain/filter/parse-filter.ts';
import { plainFilter, validFilter } from '../../../helpers/filter-arbitraries.ts';

/** One fault that makes a filter invalid, with the field it is reported on. */
const FAULTS: [name: string, value: unknown][] = [
  ['processDefinitionIdd', 'x'],
  ['businessKey', 'x'],
  ['processDefinitionVersion', '3'],
  ['processDefinitionVersion', 1.5],
  ['processDefinitionVersion', { $notIn: [1] }],
  ['processDefinitionVersion', { $like: '1*' }],
  ['startDate', 'yesterday'],
  ['startDate', { $gt: '2026-02-30T00:00:00Z' }],
  ['endDate', { $lt: '2026-01-01T00:00:00' }],
  ['endDate', { $notIn: ['2026-01-01T00:00:00Z'] }],
  ['state', 'RUNNING'],
  ['state', { $notIn: ['ACTIVE'] }],
  ['state', { $gt: 'ACTIVE' }],
  ['elementInstanceState', 'CANCELED'],
  ['hasIncident', 'true'],
  ['hasIncident', { $eq: true }],
  ['hasRetriesLeft', 1],
  ['hasElementInstanceIncident', null],
  ['tenantId', 7],
  ['tenantId', { $in: 'a' }],
  ['tenantId', { $exists: 'yes' }],
  ['tenantId', {}],
  ['processInstanceKey', 'abc'],
  ['processInstanceKey', { $like: '1*' }],
  ['processDefinitionKey', { $gt: '1' }],
  ['parentProcessInstanceKey', { $in: ['1', 'x'] }],
  ['errorMessage', { $like: 5 }],
  ['incidentErrorHashCode', 'abc'],
  ['batchOperationId', { $gte: 'a' }],
  ['batchOperationKey', false],
  ['tags', 'gold'],
  ['tags', ['1gold']],
  ['tags', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']],
  ['variables', { name: 'a', value: '1' }],
  ['variables', [{ name: 'a', value: 'not json' }]],
  ['variables', [{ name: '', value: '1' }]],
  ['variables', [{ name: 'a', value: { $gt: '1' } }]],
  ['variables', [{ name: 'a', value: 1 }]],
  ['variables', [{ name: 'a', value: '1', scope: 'x' }]],
  ['$or', []],
  ['$or', [{ $or: [{ tenantId: 'a' }] }]],
];

/**
 * The zod package types the state filters as operator objects only, while Camunda's OpenAPI document
 * (and its Java client's `state(ProcessInstanceState)`) also take a plain state: hand zod `{ $eq }`.
 */
function asZodSees(filter: Record<string, unknown>): Record<string, unknown> {
  const level = (fields: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(fields).map(([name, value]) =>
        (name === 'state' || name === 'elementInstanceState') && typeof value === 'string'
          ? [name, { $eq: value }]
          : [name, value],
      ),
    );
  const { $or, ...rest } = filter;
  return {
    ...level(rest),
    ...($or ? { $or: ($or as Record<string, unknown>[]).map(level) } : {}),
  };
}

describe('filter parsing (property)', () => {
  it("accepts every filter Camunda's schema accepts, over all fields and operators", () => {
    fc.assert(
      fc.property(validFilter, (filter) => {
        // The generator is right about Camunda: its own schema (the installed 8.8 one) takes the filter...
        expect(queryProcessInstancesRequestBodySchema.safeParse({ filter: asZodSees(filter) }).success).toBe(
          true,
        );
        // ...and so does this service.
        expect(() => parseProcessInstanceFilter(filter)).not.toThrow();
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('rejects a filter with one fault anywhere as INVALID_ARGUMENT naming the field', () => {
    fc.assert(
      fc.property(
        plainFilter(3),
        fc.constantFrom(...FAULTS),
        fc.option(fc.nat(2), { nil: undefined }),
        (base, [name, value], alternative) => {
          // The fault sits at the top level, or in the alternative number `alternative` of `$or`.
          const inOr = alternative !== undefined && name !== '$or';
          const filter = inOr
            ? {
                $or: [
                  ...Array.from({ length: alternative }, () => ({ tenantId: 't1' })),
                  { ...base, [name]: value },
                ],
              }
            : { ...base, [name]: value };
          const path = inOr ? `filter.$or[${alternative}].${name}` : `filter.${name}`;
          let error: unknown;
          try {
            parseProcessInstanceFilter(filter);
          } catch (thrown) {
            error = thrown;
          }
          expect(error).toBeInstanceOf(InvalidArgumentError);
          expect((error as Error).message).toContain(path);
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });
});
