import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger of every function: structured JSON, the service name as a persistent key. */
export const logger = new Logger({ serviceName: 'batch-operations' });
