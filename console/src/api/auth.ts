/**
 * The credentials the console sends with every API call, kept for the browser tab only
 * (sessionStorage): HTTP Basic on the embedded runtime (demo/demo, like Camunda 8 Run), a bearer
 * token on AWS (the HTTP API's JWT authorizer).
 */
export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

const STORAGE_KEY = 'batch-operations.credentials';

export function storedCredentials(): Credentials | undefined {
  const text = sessionStorage.getItem(STORAGE_KEY);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Credentials;
  } catch {
    return undefined;
  }
}

export function storeCredentials(credentials: Credentials | undefined): void {
  if (credentials) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  else sessionStorage.removeItem(STORAGE_KEY);
}

export function authorizationHeader(credentials: Credentials | undefined): Record<string, string> {
  if (!credentials) return {};
  if (credentials.kind === 'bearer') return { authorization: `Bearer ${credentials.token}` };
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  return { authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
}
