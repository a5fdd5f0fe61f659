import { UsageError } from './errors.ts';

/** The embedded run's address (`npm start`), and its default user, as Camunda 8 Run has `demo`/`demo`. */
export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const LOCAL_DEFAULT_USER = 'demo';
export const LOCAL_DEFAULT_PASSWORD = 'demo';

export interface ConnectionFlags {
  url?: string;
  token?: string;
  user?: string;
  password?: string;
}

export type Credentials =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string; defaulted: boolean }
  | { kind: 'none' };

export interface Connection {
  /** Base URL without credentials and without a trailing slash. */
  readonly url: string;
  readonly credentials: Credentials;
}

/**
 * Flags, then environment (`BATCHOPS_URL`, `BATCHOPS_TOKEN`, `BATCHOPS_USER`, `BATCHOPS_PASSWORD`), then
 * defaults. A token wins over a user; credentials inside the URL (`http://u:p@host`) count as a user.
 * Without any, a loopback URL (the embedded run) gets `demo`/`demo` (a password alone is demo's);
 * another gets none.
 */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Connection {
  const rawUrl = flags.url ?? nonEmpty(env.BATCHOPS_URL) ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got '${redactUrl(rawUrl)}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--url must be an http(s) URL, got '${redactUrl(rawUrl)}'`);
  }
  const urlUser = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const urlPassword = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString().replace(/\/+$/, '');

  const token = flags.token ?? nonEmpty(env.BATCHOPS_TOKEN);
  const user = flags.user ?? nonEmpty(env.BATCHOPS_USER) ?? urlUser;
  const password = flags.password ?? nonEmpty(env.BATCHOPS_PASSWORD) ?? urlPassword;
  if (token) return { url, credentials: { kind: 'bearer', token } };
  if (user !== undefined) {
    if (password === undefined) throw new UsageError('--user needs --password (or BATCHOPS_PASSWORD)');
    return { url, credentials: { kind: 'basic', user, password, defaulted: false } };
  }
  if (isLoopback(parsed.hostname)) {
    // The embedded run's user is demo, as its start-up line says: a password alone is demo's.
    if (password !== undefined)
      return { url, credentials: { kind: 'basic', user: LOCAL_DEFAULT_USER, password, defaulted: false } };
    return {
      url,
      credentials: {
        kind: 'basic',
        user: LOCAL_DEFAULT_USER,
        password: LOCAL_DEFAULT_PASSWORD,
        defaulted: true,
      },
    };
  }
  if (password !== undefined)
    throw new UsageError(
      `--password needs --user (or BATCHOPS_USER): only the embedded run on a loopback URL has a default user (${LOCAL_DEFAULT_USER})`,
    );
  return { url, credentials: { kind: 'none' } };
}

/** The Authorization header for the credentials, if any. */
export function authorizationHeader(credentials: Credentials): string | undefined {
  switch (credentials.kind) {
    case 'bearer':
      return `Bearer ${credentials.token}`;
    case 'basic':
      return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
    case 'none':
      return undefined;
  }
}

/** How the connection reads in output: never a password or a token. */
export function describeConnection({ url, credentials }: Connection): string {
  switch (credentials.kind) {
    case 'bearer':
      return `${url} (bearer token ***)`;
    case 'basic':
      return `${url} (user ${credentials.user}${credentials.defaulted ? ', the local default' : ''}, password ***)`;
    case 'none':
      return `${url} (no credentials)`;
  }
}

/** A text as it may be printed: the user info of every URL in it replaced by `***`. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

/** Removes every secret of the connection from a text (an error message, say) before it is printed. */
export function redactSecrets(text: string, credentials: Credentials): string {
  const secrets =
    credentials.kind === 'bearer'
      ? [credentials.token]
      : credentials.kind === 'basic' && !credentials.defaulted
        ? [credentials.password, authorizationHeader(credentials)?.slice('Basic '.length) ?? '']
        : [];
  return secrets
    .filter((secret) => secret.length >= 3)
    .reduce((redacted, secret) => redacted.split(secret).join('***'), redactUrl(text));
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
