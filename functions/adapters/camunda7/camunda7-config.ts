import { z } from 'zod';

const required = (name: string) => z.string({ error: `${name} is required` }).min(1, `${name} is required`);

/** The connection settings of a Camunda 7 (Operaton, CIB seven) engine's REST API, checked at start. */
export const camunda7ConfigSchema = z.object({
  CAMUNDA7_REST_URL: z.url({
    error: 'CAMUNDA7_REST_URL must be the URL of the REST API, e.g. http://host:8080/engine-rest',
  }),
  CAMUNDA7_USERNAME: required('CAMUNDA7_USERNAME'),
  CAMUNDA7_PASSWORD: required('CAMUNDA7_PASSWORD'),
});

export interface Camunda7Connection {
  /** The REST API's base without a trailing slash (`http://host:8080/engine-rest`). */
  readonly restUrl: string;
  readonly username: string;
  readonly password: string;
}

/** The engine's connection from the environment: throws naming every missing or invalid variable. */
export function camunda7ConnectionFromEnvironment(
  env: Record<string, string | undefined>,
): Camunda7Connection {
  const parsed = camunda7ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `The Camunda 7 engine's configuration is invalid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  return {
    restUrl: parsed.data.CAMUNDA7_REST_URL.replace(/\/+$/, ''),
    username: parsed.data.CAMUNDA7_USERNAME,
    password: parsed.data.CAMUNDA7_PASSWORD,
  };
}
