import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './metrics.ts';

/** The one logger of every function: structured JSON with the service name and request id as keys. */
export const logger = new Logger({ serviceName: SERVICE_NAME });
