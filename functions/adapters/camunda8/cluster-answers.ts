import type { ItemErrorClass } from '#domain/operations/operation-handler.ts';

/**
 * What a cluster's answer (an error the official client threw) means for the adapter, decided here
 * and nowhere else:
 * - `refused`: the cluster will not do this (400, 404, 409, any other 4xx; 403 on an item call: the
 *   client may not touch that instance), with the cluster's own problem detail;
 * - `transient`: try again later (429, 503 RESOURCE_EXHAUSTED and every other 5xx, a network error,
 *   a token endpoint that could not be reached); the client already retried what it retries;
 * - `unavailable`: the cluster refuses the service itself (401, a token endpoint refusing the
 *   credentials, 403 on a call that names no item, an answer off the API's schema), so no request
 *   can succeed until the configuration is fixed.
 */
export type ClusterAnswer =
  | { kind: 'refused'; status: number; errorClass: ItemErrorClass; detail: string }
  | { kind: 'transient'; maybeLanded: boolean; detail: string }
  | { kind: 'unavailable'; status?: number; detail: string };

interface ClientError {
  name?: unknown;
  status?: unknown;
  title?: unknown;
  detail?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

const asClientError = (error: unknown): ClientError =>
  typeof error === 'object' && error !== null ? (error as ClientError) : { message: String(error) };

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The cluster's own words: the problem's detail, else its title, else the client's message. */
function detailOf(error: ClientError): string {
  return text(error.detail) ?? text(error.title) ?? text(error.message) ?? 'no detail given';
}

/** The item's error class for each refusal status; any other 4xx refuses the item as INVALID_STATE. */
const ITEM_REFUSALS: Partial<Record<number, ItemErrorClass>> = {
  403: 'NOT_AUTHORIZED',
  404: 'NOT_FOUND',
};

/** `call` says whether the call named one item (a per-item command or read) or not (search, topology). */
export function classifyClusterError(error: unknown, call: 'item' | 'service'): ClusterAnswer {
  const e = asClientError(error);
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status !== undefined) {
    if (status === 401 || (status === 403 && call === 'service'))
      return { kind: 'unavailable', status, detail: `${status} ${detailOf(e)}` };
    if (status === 429 || status >= 500) {
      // Backpressure means "not taken"; any other server error may have come after the command landed.
      const backpressure = status === 429 || /RESOURCE_EXHAUSTED/.test(`${text(e.title)} ${text(e.detail)}`);
      return { kind: 'transient', maybeLanded: !backpressure, detail: `${status} ${detailOf(e)}` };
    }
    return {
      kind: 'refused',
      status,
      errorClass: ITEM_REFUSALS[status] ?? 'INVALID_STATE',
      detail: detailOf(e),
    };
  }
  if (text(e.name) === 'ValidationSdkError') {
    return {
      kind: 'unavailable',
      detail: `the cluster's answer does not match the Camunda 8 API: ${detailOf(e)}`,
    };
  }
  // The client's token fetch: refused credentials (an HTTP 4xx from the token endpoint) stop the
  // service; an endpoint that could not be reached or answered 5xx is worth another try.
  const message = detailOf(e);
  if (text(e.name) === 'AuthSdkError' || text(e.code)?.startsWith('TOKEN_') || /token/i.test(message)) {
    return /HTTP (?!429)4\d\d|OAUTH_CONFIG_MISSING|Missing OAuth/.test(message)
      ? { kind: 'unavailable', detail: `the token endpoint refused the credentials: ${message}` }
      : {
          kind: 'transient',
          maybeLanded: false,
          detail: `the token endpoint could not be reached: ${message}`,
        };
  }
  // No answer at all: connection refused or reset, DNS, a timeout.
  return { kind: 'transient', maybeLanded: true, detail: message };
}
