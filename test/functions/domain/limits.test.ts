import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { json, jsonApi } from '#commons/http.ts';
import { batchControlsSchema, MAX_ITEMS_PER_SECOND } from '#domain/batch/batch-operation.ts';
import { validateIdempotencyKey } from '#domain/creation/idempotency.ts';
import { validateSelection, validateStoredRequestSize } from '#domain/creation/validate-selection.ts';
import { parseProcessInstanceFilter } from '#domain/filter/parse-filter.ts';
import {
  checkJsonDepth,
  checkVariablesSize,
  MAX_FILTER_ALTERNATIVES,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_LIST_VALUES,
  MAX_FILTER_STRING_LENGTH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_JSON_DEPTH,
  MAX_LIKE_LENGTH,
  MAX_LIKE_WILDCARDS,
  MAX_PAGE_LIMIT,
  MAX_PROCESS_INSTANCE_KEYS,
  MAX_REQUEST_BODY_BYTES,
  MAX_STORED_REQUEST_BYTES,
  MAX_VARIABLES_BYTES,
} from '#domain/limits.ts';
import { searchPageSchema } from '#domain/search-page.ts';
import { httpEvent } from '../../helpers/http-events.ts';

const keys = (count: number) => Array.from({ length: count }, (_, index) => String(2251799813685249 + index));
const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });
const parse = (filter: unknown) => () => parseProcessInstanceFilter(filter);

describe('request limits', () => {
  it('takes $in and $notIn with MAX_FILTER_LIST_VALUES values and refuses one more, naming the limit', () => {
    expect(parse({ processInstanceKey: { $in: keys(MAX_FILTER_LIST_VALUES) } })).not.toThrow();
    expect(parse({ processInstanceKey: { $in: keys(MAX_FILTER_LIST_VALUES + 1) } })).toThrow(
      'filter.processInstanceKey.$in has 5,001 values, more than the limit of 5,000',
    );
    expect(parse({ tenantId: { $notIn: keys(MAX_FILTER_LIST_VALUES + 1) } })).toThrow(
      'filter.tenantId.$notIn has 5,001 values, more than the limit of 5,000',
    );
  });

  it('takes a filter of MAX_FILTER_CONDITIONS conditions and refuses one more', () => {
    const conditions = (count: number) => ({
      variables: Array.from({ length: count }, (_, index) => ({ name: `v${index}`, value: '1' })),
    });
    expect(parse(conditions(MAX_FILTER_CONDITIONS))).not.toThrow();
    expect(parse(conditions(MAX_FILTER_CONDITIONS + 1))).toThrow(
      'filter has 101 conditions, more than the limit of 100',
    );
  });

  it('takes MAX_FILTER_ALTERNATIVES alternatives in $or and refuses one more', () => {
    const alternatives = (count: number) => ({
      $or: Array.from({ length: count }, (_, index) => ({ processDefinitionVersion: index })),
    });
    expect(parse(alternatives(MAX_FILTER_ALTERNATIVES))).not.toThrow();
    expect(parse(alternatives(MAX_FILTER_ALTERNATIVES + 1))).toThrow(
      'filter.$or has 21 alternatives, more than the limit of 20',
    );
  });

  it('takes string values of MAX_FILTER_STRING_LENGTH characters and refuses one more', () => {
    expect(parse({ errorMessage: 'x'.repeat(MAX_FILTER_STRING_LENGTH) })).not.toThrow();
    expect(parse({ errorMessage: 'x'.repeat(MAX_FILTER_STRING_LENGTH + 1) })).toThrow(
      'filter.errorMessage has 1,001 characters, more than the limit of 1,000',
    );
    expect(parse({ variables: [{ name: 'n'.repeat(MAX_FILTER_STRING_LENGTH + 1), value: '1' }] })).toThrow(
      'filter.variables[0].name has 1,001 characters',
    );
    expect(parse({ variables: [{ name: 'n', value: `"${'x'.repeat(MAX_FILTER_STRING_LENGTH)}"` }] })).toThrow(
      'filter.variables[0].value has 1,002 characters',
    );
  });

  it('takes a $like of MAX_LIKE_LENGTH characters and MAX_LIKE_WILDCARDS stars, and refuses one more of either', () => {
    expect(parse({ errorMessage: { $like: 'x'.repeat(MAX_LIKE_LENGTH) } })).not.toThrow();
    expect(parse({ errorMessage: { $like: 'x'.repeat(MAX_LIKE_LENGTH + 1) } })).toThrow(
      'filter.errorMessage.$like has 257 characters, more than the limit of 256',
    );
    expect(parse({ errorMessage: { $like: 'a*'.repeat(MAX_LIKE_WILDCARDS) } })).not.toThrow();
    expect(parse({ errorMessage: { $like: 'a*'.repeat(MAX_LIKE_WILDCARDS + 1) } })).toThrow(
      'filter.errorMessage.$like has 11 * wildcards, more than the limit of 10',
    );
    // Escaped stars are literal text, not wildcards.
    expect(parse({ errorMessage: { $like: '\\*'.repeat(MAX_LIKE_WILDCARDS + 1) } })).not.toThrow();
  });

  it("takes processDefinitionId values of Camunda's id pattern only", () => {
    expect(parse({ processDefinitionId: 'order_v2-final.bpmn' })).not.toThrow();
    expect(parse({ processDefinitionId: { $in: ['_a', 'Bestellung-ä'] } })).not.toThrow();
    expect(parse({ processDefinitionId: "x') OR attribute_exists(pk) OR ('" })).toThrow(
      'filter.processDefinitionId must be a process definition id',
    );
    expect(parse({ processDefinitionId: { $in: ['ok', '1starts-with-digit'] } })).toThrow(
      'filter.processDefinitionId.$in[1] must be a process definition id',
    );
    // A $like pattern holds wildcards, which ids do not: only its length is checked.
    expect(parse({ processDefinitionId: { $like: 'order*' } })).not.toThrow();
  });

  it('takes keys of 19 digits and refuses longer ones or non-digits', () => {
    expect(parse({ processInstanceKey: '9'.repeat(19) })).not.toThrow();
    expect(parse({ processInstanceKey: '9'.repeat(20) })).toThrow(
      'filter.processInstanceKey must be a key (a string of 1 to 19 digits)',
    );
    expect(parse({ processDefinitionKey: { $in: ['1', "1' OR 1=1"] } })).toThrow(
      'filter.processDefinitionKey.$in[1] must be a key',
    );
  });

  it('takes MAX_PROCESS_INSTANCE_KEYS keys in processInstanceKeys and refuses one more', () => {
    expect(() => validateSelection({ processInstanceKeys: keys(MAX_PROCESS_INSTANCE_KEYS) })).not.toThrow();
    expect(() => validateSelection({ processInstanceKeys: keys(MAX_PROCESS_INSTANCE_KEYS + 1) })).toThrow(
      'processInstanceKeys lists 1001 keys, more than the maximum of 1000',
    );
  });

  it('takes a batch request of MAX_STORED_REQUEST_BYTES as JSON and refuses one byte more', () => {
    const overhead = JSON.stringify({ filter: { errorMessage: '' } }).length;
    const request = (bytes: number) => ({ filter: { errorMessage: 'x'.repeat(bytes - overhead) } });
    expect(() => validateStoredRequestSize(request(MAX_STORED_REQUEST_BYTES))).not.toThrow();
    expect(() => validateStoredRequestSize(request(MAX_STORED_REQUEST_BYTES + 1))).toThrow(
      'The batch request (filter, processInstanceKeys and operation parameters as JSON) has 204,801 bytes, more than the limit of 204,800',
    );
    expect(() =>
      validateStoredRequestSize({ processInstanceKeys: ['1'] }, { variables: { big: 'x'.repeat(300_000) } }),
    ).toThrow('more than the limit of 204,800');
  });

  it('takes variables of MAX_VARIABLES_BYTES as JSON and refuses one byte more', () => {
    const overhead = JSON.stringify({ v: '' }).length;
    const variables = (bytes: number) => ({ v: 'x'.repeat(bytes - overhead) });
    expect(() => checkVariablesSize(variables(MAX_VARIABLES_BYTES))).not.toThrow();
    expect(() => checkVariablesSize(variables(MAX_VARIABLES_BYTES + 1))).toThrow(
      'variables has 131,073 bytes as JSON, more than the limit of 131,072',
    );
  });

  it('takes itemsPerSecond up to MAX_ITEMS_PER_SECOND and keeps a failure percentage to 9 decimals', () => {
    expect(batchControlsSchema.safeParse({ itemsPerSecond: MAX_ITEMS_PER_SECOND }).success).toBe(true);
    expect(batchControlsSchema.safeParse({ itemsPerSecond: MAX_ITEMS_PER_SECOND + 1 }).success).toBe(false);
    const controls = batchControlsSchema.parse({ failureThreshold: { percentage: 12.5000000004 } });
    expect(controls.failureThreshold?.percentage).toBe(12.5);
    expect(
      batchControlsSchema.parse({ failureThreshold: { percentage: 1e-200 } }).failureThreshold?.percentage,
    ).toBe(0);
  });

  it('refuses variables holding a value the store cannot keep, naming where it is', () => {
    expect(() => checkVariablesSize({ a: [1, -Number.MAX_SAFE_INTEGER, 1e-130, 0, 'x'] })).not.toThrow();
    expect(() => checkVariablesSize({ a: { b: [2 ** 53] } })).toThrow(
      'variables.a.b.0 is a number the store cannot keep',
    );
    expect(() => checkVariablesSize({ a: -1e-131 })).toThrow('variables.a is a number the store cannot keep');
    expect(() => checkVariablesSize({ a: { '': 1 } })).toThrow(
      'variables.a has an empty key, which the store cannot keep',
    );
  });

  it('takes bodies nested MAX_JSON_DEPTH levels deep and refuses one more', () => {
    expect(() => checkJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => checkJsonDepth(nested(MAX_JSON_DEPTH + 1))).toThrow(
      'The request body nests deeper than the limit of 16 levels',
    );
  });

  it('takes an Idempotency-Key of MAX_IDEMPOTENCY_KEY_LENGTH characters and refuses one more', () => {
    expect(() => validateIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH))).not.toThrow();
    expect(() => validateIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1))).toThrow(
      'Idempotency-Key has 256 characters, more than the limit of 255',
    );
  });

  it('takes pages of MAX_PAGE_LIMIT items and refuses larger ones', () => {
    expect(searchPageSchema.safeParse({ limit: MAX_PAGE_LIMIT }).success).toBe(true);
    expect(searchPageSchema.safeParse({ limit: MAX_PAGE_LIMIT + 1 }).error?.issues[0].message).toContain(
      '10000',
    );
  });

  it('answers a JSON body larger than MAX_REQUEST_BODY_BYTES, or nested too deep, with a 400 naming the limit', async () => {
    const handler = jsonApi(async () => json(200, { ok: true }));
    const call = async (body: string) => {
      const event = httpEvent({
        method: 'POST',
        path: '/v2/x',
        headers: { 'content-type': 'application/json' },
      });
      const result = await handler({ ...event, body }, {} as Context);
      return { status: result.statusCode, detail: JSON.parse(result.body ?? '{}').detail as string };
    };
    const padded = (bytes: number) => `{"a":"${'x'.repeat(bytes - 8)}"}`;
    expect(await call(padded(MAX_REQUEST_BODY_BYTES))).toEqual({ status: 200, detail: undefined });
    expect(await call(padded(MAX_REQUEST_BODY_BYTES + 1))).toEqual({
      status: 400,
      detail: 'The request body has 10,485,761 bytes, more than the limit of 10,485,760',
    });
    expect((await call(JSON.stringify(nested(MAX_JSON_DEPTH + 1)))).status).toBe(400);
  });
});
