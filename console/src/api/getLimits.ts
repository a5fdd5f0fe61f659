import { requestJson } from './http.ts';
import type { Limits } from './types.ts';

/** GET /v2/extensions/limits */
export const getLimits = () => requestJson<Limits>('GET', '/v2/extensions/limits');
