import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './metrics.ts';

/** The one tracer: X-Ray segments in Lambda (active tracing), disabled outside Lambda by Powertools itself. */
export const tracer = new Tracer({ serviceName: SERVICE_NAME });
