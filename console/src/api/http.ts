import { authorizationHeader, storedCredentials } from './auth.ts';
import type { ProblemDetail } from './types.ts';

/** Where the API is (deploy-time config.json; empty: the console's own origin) and how to sign in. */
export interface RuntimeConfig {
  apiUrl: string;
  auth: 'basic' | 'bearer';
}

let runtimeConfig: RuntimeConfig = { apiUrl: '', auth: 'basic' };

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch('./config.json', { cache: 'no-store' }).catch(() => undefined);
  if (response?.ok) {
    const config = (await response.json()) as Partial<RuntimeConfig>;
    runtimeConfig = {
      apiUrl: (config.apiUrl ?? '').replace(/\/$/, ''),
      auth: config.auth === 'bearer' ? 'bearer' : 'basic',
    };
  }
  return runtimeConfig;
}

export const apiUrl = (path: string) => `${runtimeConfig.apiUrl}${path}`;

/** An API answer other than 2xx, as its RFC 9457 problem detail (or one made up from the status). */
export class ApiError extends Error {
  constructor(readonly problem: ProblemDetail) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  }
  get status() {
    return this.problem.status;
  }
}

/** Listeners told when the API answers 401 (the console then asks to sign in again). */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function send(method: string, path: string, body?: unknown, accept?: string): Promise<Response> {
  const headers: Record<string, string> = {
    ...authorizationHeader(storedCredentials()),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(accept ? { accept } : {}),
  };
  let response: Response;
  try {
    response = await fetch(apiUrl(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError({
      title: 'NETWORK_ERROR',
      status: 0,
      detail: `The API at ${apiUrl(path)} could not be reached (${String(error)})`,
    });
  }
  if (!response.ok) {
    if (response.status === 401) for (const listener of unauthorizedListeners) listener();
    throw new ApiError(await problemOf(response, method, path));
  }
  return response;
}

export async function requestJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function problemOf(response: Response, method: string, path: string): Promise<ProblemDetail> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Partial<ProblemDetail>;
    if (parsed && typeof parsed.title === 'string')
      return { ...parsed, status: response.status } as ProblemDetail;
  } catch {
    // not a problem detail: described below
  }
  return {
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: `${method} ${path} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
  };
}
