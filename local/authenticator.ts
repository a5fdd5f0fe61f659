import { timingSafeEqual } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { z } from 'zod';

/**
 * The embedded runtime's stand-in for API Gateway's authorizer: it checks the credentials of every
 * request (HTTP Basic, as Camunda 8 Run does with demo/demo, or a bearer JWT of a trusted issuer) and
 * hands the handlers the caller's claims where API Gateway's JWT authorizer puts them. Authorization
 * (what the caller may do) is the handlers' business, the same on AWS and here.
 */

/** The embedded run's default user, like Camunda 8 Run's. */
export const DEFAULT_USERS = 'demo:demo';
/** `aud` of the tokens the local issuer mints, and the audience it expects when none is configured. */
export const DEFAULT_AUDIENCE = 'batch-operations-api';
/** Lifetime of a minted token unless asked otherwise (an hour, as Cognito's default access token). */
const DEFAULT_TOKEN_SECONDS = 3600;
/** The local issuer's path; its JWKS and token endpoint are below it. */
export const LOCAL_ISSUER_PATH = '/v2/extensions/auth';

const settingsSchema = z.object({
  /** `user:password` pairs, comma-separated. Empty: no Basic authentication. */
  AUTH_USERS: z.string().default(DEFAULT_USERS),
  /** An external issuer whose bearer tokens are trusted (its `iss`), with its JWKS URL. */
  AUTH_JWT_ISSUER: z.string().optional(),
  AUTH_JWT_JWKS_URL: z.url().optional(),
  /** The `aud` every bearer token must carry (local or external). */
  AUTH_JWT_AUDIENCE: z.string().min(1).default(DEFAULT_AUDIENCE),
  /** Users (of AUTH_USERS) who may mint tokens at the local issuer: its administrators. */
  AUTH_ADMIN_USERS: z.string().default('demo'),
});

/** The claims a request carries to its handler (API Gateway's `requestContext.authorizer.jwt.claims`). */
export type Claims = Record<string, unknown>;

export type Authentication = { claims: Claims } | { refused: string; challenge: string };

export interface Authenticator {
  /** Issuer URL of the local issuer (its tokens' `iss`). */
  readonly localIssuer: string;
  /** The Basic users, for the start-up banner (names only). */
  readonly users: readonly string[];
  readonly externalIssuer?: string;
  authenticate(authorization: string | undefined): Promise<Authentication>;
  /** The local issuer's public keys (its JWKS document). */
  jwks(): { keys: JWK[] };
  /** Mints a token with the claims (the issuer, audience and times are set unless the claims set them). */
  mint(claims: Claims, expiresInSeconds?: number): Promise<{ token: string; expiresIn: number }>;
  /** Whether the Basic credentials are those of a user who may mint tokens. */
  isAdmin(authorization: string | undefined): boolean;
  /** The user whose name and password these are (a client-credentials grant), if any. */
  checkUser(user: string, password: string): boolean;
}

const CHALLENGE_BASIC = 'Basic realm="batch-operations", charset="UTF-8"';

export async function createAuthenticator(env: NodeJS.ProcessEnv, baseUrl: string): Promise<Authenticator> {
  const settings = settingsSchema.parse(env);
  const users = new Map(
    settings.AUTH_USERS.split(',')
      .map((pair) => pair.trim())
      .filter((pair) => pair !== '')
      .map((pair) => {
        const colon = pair.indexOf(':');
        if (colon <= 0) throw new Error(`AUTH_USERS: '${pair.split(':')[0]}' needs the form user:password`);
        return [pair.slice(0, colon), pair.slice(colon + 1)] as const;
      }),
  );
  const admins = new Set(settings.AUTH_ADMIN_USERS.split(',').map((name) => name.trim()));
  const localIssuer = `${baseUrl}${LOCAL_ISSUER_PATH}`;
  // A fresh key per run: the local issuer's tokens are for tests and demos, and end with the run.
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const publicJwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'local-1' };
  const localKeys = createLocalJWKSet({ keys: [publicJwk] });
  if (settings.AUTH_JWT_ISSUER && !settings.AUTH_JWT_JWKS_URL)
    throw new Error('AUTH_JWT_ISSUER needs AUTH_JWT_JWKS_URL (where its signing keys are published)');
  const externalKeys = settings.AUTH_JWT_JWKS_URL
    ? createRemoteJWKSet(new URL(settings.AUTH_JWT_JWKS_URL))
    : undefined;
  const challengeBearer = (error?: string) =>
    `Bearer realm="batch-operations"${error ? `, error="invalid_token", error_description="${error.replaceAll('"', "'")}"` : ''}`;
  const challenge = `${CHALLENGE_BASIC}, ${challengeBearer()}`;

  const basicUser = (authorization: string | undefined): string | undefined => {
    const encoded = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!encoded) return undefined;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon);
    return checkUser(user, decoded.slice(colon + 1)) ? user : undefined;
  };
  const checkUser = (user: string, password: string) => {
    const expected = users.get(user);
    if (expected === undefined) return false;
    const [a, b] = [Buffer.from(expected), Buffer.from(password)];
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const verifyBearer = async (token: string): Promise<Authentication> => {
    const options = { audience: settings.AUTH_JWT_AUDIENCE };
    try {
      const { payload } = await jwtVerify(token, localKeys, { ...options, issuer: localIssuer });
      return { claims: payload };
    } catch (localError) {
      if (!externalKeys || !settings.AUTH_JWT_ISSUER)
        return {
          refused: `The bearer token was refused: ${reason(localError)}`,
          challenge: challengeBearer(reason(localError)),
        };
      try {
        const { payload } = await jwtVerify(token, externalKeys, {
          ...options,
          issuer: settings.AUTH_JWT_ISSUER,
        });
        return { claims: payload };
      } catch (error) {
        return {
          refused: `The bearer token was refused: ${reason(error)}`,
          challenge: challengeBearer(reason(error)),
        };
      }
    }
  };

  return {
    localIssuer,
    users: [...users.keys()],
    externalIssuer: settings.AUTH_JWT_ISSUER,
    async authenticate(authorization) {
      if (!authorization)
        return {
          refused: 'The request has no credentials: send HTTP Basic credentials or a bearer token',
          challenge,
        };
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (bearer) return await verifyBearer(bearer);
      if (/^Basic\s/i.test(authorization)) {
        const user = basicUser(authorization);
        return user
          ? { claims: { sub: user } }
          : { refused: 'The user name or password is wrong', challenge };
      }
      return { refused: 'Unsupported authorization scheme: use Basic or Bearer', challenge };
    },
    jwks: () => ({ keys: [publicJwk] }),
    async mint(claims, expiresInSeconds = DEFAULT_TOKEN_SECONDS) {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        iss: localIssuer,
        aud: settings.AUTH_JWT_AUDIENCE,
        iat: now,
        exp: now + expiresInSeconds,
        ...claims,
      };
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid, typ: 'JWT' })
        .sign(privateKey);
      return { token, expiresIn: expiresInSeconds };
    },
    isAdmin: (authorization) => {
      const user = basicUser(authorization);
      return user !== undefined && admins.has(user);
    },
    checkUser,
  };
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_JWT_EXPIRED') return 'it has expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
    return `claim '${(error as { claim?: string }).claim}' is not accepted (${(error as Error).message})`;
  if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
    return 'it is not signed by a trusted issuer';
  return error instanceof Error ? error.message : String(error);
}

const mintRequestSchema = z
  .object({
    /** The token's claims (`sub`, `groups`, `tenants`, ...); `iss`, `aud`, `iat` and `exp` may be overridden. */
    claims: z.record(z.string(), z.unknown()).default({}),
    /** Seconds until it expires (negative: already expired, for tests). */
    expiresInSeconds: z.number().int().min(-86_400).max(86_400).optional(),
  })
  .strict();

export type IssuerAnswer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * The local issuer's endpoints (embedded only): `GET {issuer}/jwks.json`, its public keys, and
 * `POST {issuer}/token`, which mints a token. Two ways: a JSON body `{claims, expiresInSeconds}` sent
 * with the Basic credentials of an administrator (AUTH_ADMIN_USERS) mints those claims, for tests and
 * demos; an OAuth client-credentials grant (form body `grant_type=client_credentials`, `client_id` and
 * `client_secret` of a user of AUTH_USERS) mints `{sub: client_id, client_id}`, so the SDK's OAUTH
 * strategy works against the embedded run. Undefined for any other path.
 */
export async function answerIssuerRequest(
  authenticator: Authenticator,
  request: { method: string; path: string; authorization?: string; contentType?: string; body: string },
): Promise<IssuerAnswer | undefined> {
  const problem = (status: number, title: string, detail: string, headers?: Record<string, string>) => ({
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: { type: 'about:blank', title, status, detail, instance: request.path },
  });
  if (request.path === `${LOCAL_ISSUER_PATH}/jwks.json` && request.method === 'GET')
    return { status: 200, body: authenticator.jwks() };
  if (request.path !== `${LOCAL_ISSUER_PATH}/token`) return undefined;
  if (request.method !== 'POST')
    return problem(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${request.path}`, {
      allow: 'POST',
    });
  if (/^application\/x-www-form-urlencoded/i.test(request.contentType ?? '')) {
    const form = new URLSearchParams(request.body);
    const basic = /^Basic\s+(\S+)$/i.exec(request.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s)
      : [undefined, undefined];
    const clientId = form.get('client_id') ?? basicId ?? '';
    const secret = form.get('client_secret') ?? basicSecret ?? '';
    if (form.get('grant_type') !== 'client_credentials')
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (!authenticator.checkUser(clientId, secret)) return { status: 401, body: { error: 'invalid_client' } };
    const { token, expiresIn } = await authenticator.mint({ sub: clientId, client_id: clientId });
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn } };
  }
  if (!authenticator.isAdmin(request.authorization))
    return problem(
      401,
      'UNAUTHORIZED',
      'Minting a token with chosen claims needs the Basic credentials of an administrator (AUTH_ADMIN_USERS)',
      { 'www-authenticate': CHALLENGE_BASIC },
    );
  let parsed: z.infer<typeof mintRequestSchema>;
  try {
    parsed = mintRequestSchema.parse(request.body.trim() === '' ? {} : JSON.parse(request.body));
  } catch (error) {
    return problem(400, 'INVALID_ARGUMENT', `Invalid token request: ${reason(error)}`);
  }
  const { token, expiresIn } = await authenticator.mint(parsed.claims, parsed.expiresInSeconds);
  return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn } };
}
