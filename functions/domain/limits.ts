import { InvalidArgumentError } from './errors.ts';

/**
 * Every limit a request must keep, in one place, each with its source (listed in docs/limits.md). A
 * request past one is a 400 naming the limit, before anything is stored: the API never answers a
 * hostile size with a 500 or a half-made batch.
 */

/** A request body: API Gateway's HTTP API payload quota (10 MB), which the embedded server keeps too. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Nesting of a JSON body. DynamoDB nests attributes at most 32 levels deep, and a batch stores its
 * filter and parameters a few levels down its record; 16 levels is far beyond any real filter or plan.
 */
export const MAX_JSON_DEPTH = 16;

/**
 * What a batch stores of its request (filter, processInstanceKeys, the operation's parameters), as
 * JSON. The batch record is at most 400 KB (DynamoDB's item limit) and every chunk's worker reads it:
 * half of that leaves room for its counters and errors and keeps each read small.
 */
export const MAX_STORED_REQUEST_BYTES = 200 * 1024;

/**
 * The variables one request sets on an instance (starting it, completing or failing a job), as JSON:
 * the instance is one DynamoDB item of at most 400 KB, with its element instances and history.
 */
export const MAX_VARIABLES_BYTES = 128 * 1024;

/** Keys one creation request may list (stored on the batch record: 1,000 keys are about 20 KB). */
export const MAX_PROCESS_INSTANCE_KEYS = 1000;

/** Values of one `$in` or `$notIn`: 5,000 keys are about 110 KB, inside MAX_STORED_REQUEST_BYTES. */
export const MAX_FILTER_LIST_VALUES = 5000;

/** Conditions of one filter, `$or` alternatives and variables included: each is checked per instance. */
export const MAX_FILTER_CONDITIONS = 100;

/** Alternatives of a filter's `$or`. */
export const MAX_FILTER_ALTERNATIVES = 20;

/** A string value in a filter (Camunda caps ids, tenants and business ids at 256; messages run longer). */
export const MAX_FILTER_STRING_LENGTH = 1000;

/** A `$like` pattern, scanned against every candidate (filter/like-pattern.ts: work ≤ candidate length × pattern length). */
export const MAX_LIKE_LENGTH = 256;

/** `*` wildcards of one `$like` pattern: more says nothing a person means (the matcher's work does not grow with them). */
export const MAX_LIKE_WILDCARDS = 10;

/**
 * Camunda's ProcessDefinitionId (the official SDK's `zProcessDefinitionId`, 8.9+: a letter or `_`,
 * then letters, digits, `_ - .`; 8.8's ASCII-only pattern is a subset). Its length is not capped by
 * Camunda; a filter value is by MAX_FILTER_STRING_LENGTH.
 */
export const PROCESS_DEFINITION_ID_PATTERN = /^[\p{L}_][\p{L}\p{N}_\-.]*$/u;

/** Camunda's tenant id (`zTenantId`): `<default>` or letters, digits and `_ @ . + -`, at most 256. */
export const TENANT_ID_PATTERN = /^(<default>|[A-Za-z0-9_@.+-]+)$/;
export const MAX_TENANT_ID_LENGTH = 256;

/** Camunda's keys (`zLongKey`): at most 25 characters of `^-?[0-9]+$`; this service's keys are 1 to 19 digits. */
export const MAX_KEY_LENGTH = 25;

/** Camunda's largest search page; also the bound on results a search holds in memory. */
export const MAX_PAGE_LIMIT = 10_000;

/** An Idempotency-Key header (the IETF draft leaves the length open; 255 is the common choice). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Throws INVALID_ARGUMENT naming the limit when `size` is past `limit`. */
export function checkLimit(what: string, size: number, limit: number, unit: string, hint = ''): void {
  if (size > limit) {
    throw new InvalidArgumentError(
      `${what} has ${size.toLocaleString('en-US')} ${unit}, more than the limit of ${limit.toLocaleString('en-US')}${hint ? `; ${hint}` : ''}`,
    );
  }
}

/** The depth of a JSON value (a scalar is 0), or `limit + 1` as soon as it goes deeper than `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, jsonDepth(child, limit - 1));
    if (deepest >= limit) return deepest + 1;
  }
  return deepest + 1;
}

/** A request body must not nest deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(body: unknown): void {
  if (jsonDepth(body) > MAX_JSON_DEPTH) {
    throw new InvalidArgumentError(
      `The request body nests deeper than the limit of ${MAX_JSON_DEPTH} levels of objects and arrays`,
    );
  }
}

/**
 * What the store (DynamoDB through the SDK's document client) cannot keep of a JSON value: a number
 * beyond ±(2^53 − 1) (the SDK refuses to round it) or closer to 0 than 1e-130 (DynamoDB's range), and
 * an empty object key (DynamoDB's map keys are never empty).
 */
const STORED_NUMBER_MIN = 1e-130;

/** Why a JSON value cannot be stored, naming the place (`variables.a.0`), or undefined. */
export function unstorableValueIn(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    return magnitude > Number.MAX_SAFE_INTEGER || (magnitude !== 0 && magnitude < STORED_NUMBER_MIN)
      ? `${path} is a number the store cannot keep: magnitudes from 1e-130 to 2^53 - 1 (send others as strings)`
      : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key === '' && !Array.isArray(value)) return `${path} has an empty key, which the store cannot keep`;
    const found = unstorableValueIn(child, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * A request's variables must fit an instance record: at most MAX_VARIABLES_BYTES as JSON, and only
 * values the store keeps.
 */
export function checkVariablesSize(variables: Record<string, unknown> | undefined): void {
  if (!variables) return;
  checkLimit('variables', jsonBytes(variables), MAX_VARIABLES_BYTES, 'bytes as JSON');
  const unstorable = unstorableValueIn(variables, 'variables');
  if (unstorable) throw new InvalidArgumentError(unstorable);
}

/** The UTF-8 size of a value as JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}
