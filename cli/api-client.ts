import { authorizationHeader, type Connection, describeConnection, redactSecrets } from './connection.ts';
import { ApiError, type ProblemDetail, UnreachableError } from './errors.ts';

/** JSON as the API sends it; commands read the fields they need. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are the API's JSON
export type Json = any;

/** A request that took longer than this is given up as unreachable (a hung proxy, a paused runtime). */
const REQUEST_TIMEOUT_MS = 60_000;

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses answered without throwing (e.g. 404 for a dry run that does not exist). */
  accept?: readonly number[];
}

export interface ApiResponse<T = Json> {
  status: number;
  body: T;
}

/**
 * The service's HTTP API as the CLI uses it: every request carries the connection's credentials, an
 * error status becomes an `ApiError` with the problem detail, a refused or failed connection an
 * `UnreachableError` (exit code 3).
 */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  get<T = Json>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request('GET', path, options);
  }

  post<T = Json>(path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request('POST', path, { ...options, body });
  }

  patch<T = Json>(path: string, body: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request('PATCH', path, { ...options, body });
  }

  /** A raw response (the report streams), after the same error handling. */
  async stream(path: string, headers: Record<string, string>): Promise<Response> {
    const response = await this.send('GET', path, undefined, headers);
    if (!response.ok) throw await this.errorOf(response, 'GET', path);
    return response;
  }

  /** POST /v2/deployments (multipart `resources`, optional `tenantId`). */
  async deploy(resources: { name: string; content: string }[], tenantId?: string): Promise<ApiResponse> {
    const form = new FormData();
    for (const resource of resources) {
      form.append('resources', new Blob([resource.content], { type: 'application/xml' }), resource.name);
    }
    if (tenantId) form.append('tenantId', tenantId);
    const response = await this.send('POST', '/v2/deployments', form, {});
    if (!response.ok) throw await this.errorOf(response, 'POST', '/v2/deployments');
    return { status: response.status, body: await response.json() };
  }

  private async request<T>(method: string, path: string, options: RequestOptions): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await this.send(method, path, body, headers);
    if (!response.ok && !options.accept?.includes(response.status)) {
      throw await this.errorOf(response, method, path);
    }
    const text = await response.text();
    return { status: response.status, body: (text ? parseJson(text) : undefined) as T };
  }

  private async send(
    method: string,
    path: string,
    body: string | FormData | undefined,
    headers: Record<string, string>,
  ): Promise<Response> {
    const authorization = authorizationHeader(this.connection.credentials);
    try {
      return await fetch(`${this.connection.url}${path}`, {
        method,
        body,
        headers: { ...headers, ...(authorization ? { authorization } : {}) },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new UnreachableError(
        redactSecrets(
          `Cannot reach ${describeConnection(this.connection)}: ${reason} (${method} ${path})`,
          this.connection.credentials,
        ),
      );
    }
  }

  private async errorOf(response: Response, method: string, path: string): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    let problem: ProblemDetail = {};
    const parsed = text ? parseJson(text) : undefined;
    if (parsed && typeof parsed === 'object') problem = parsed as ProblemDetail;
    else problem = { title: response.statusText || 'HTTP error', detail: text.slice(0, 200) || undefined };
    problem.instance ??= `${method} ${path}`;
    if (response.status === 401 || response.status === 403) {
      problem.detail = `${problem.detail ?? 'not authorized'} — check --user/--password or --token (${describeConnection(this.connection)})`;
    }
    for (const field of ['title', 'detail', 'instance'] as const) {
      const value = problem[field];
      if (typeof value === 'string') problem[field] = redactSecrets(value, this.connection.credentials);
    }
    return new ApiError(response.status, problem);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
