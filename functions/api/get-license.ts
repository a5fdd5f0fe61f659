import { json, jsonApi } from '#commons/http.ts';

/**
 * GET /v2/license: Camunda's license status, readable without credentials as Camunda serves it. This
 * service carries no Camunda license, so it answers as a Camunda without a license key does.
 */
export const handler = jsonApi(async () =>
  json(200, { validLicense: false, licenseType: 'unknown', isCommercial: false, expiresAt: null }),
);
