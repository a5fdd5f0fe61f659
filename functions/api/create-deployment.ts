import { json, multipartApi, type UploadedFile } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { InvalidArgumentError } from '#domain/errors.ts';
import { deployResources } from '#domain/instance/deploy.ts';

/** POST /v2/deployments (multipart): BPMN files in `resources`, optional `tenantId`. */
export const handler = multipartApi(async (event) => {
  const body = (event.body ?? {}) as { resources?: UploadedFile | UploadedFile[]; tenantId?: unknown };
  if (body.tenantId !== undefined && typeof body.tenantId !== 'string') {
    throw new InvalidArgumentError('tenantId must be a single text field');
  }
  const files =
    body.resources === undefined ? [] : Array.isArray(body.resources) ? body.resources : [body.resources];
  if (files.some((file) => typeof file !== 'object' || !Buffer.isBuffer(file.content))) {
    throw new InvalidArgumentError('resources must be files (multipart parts with a filename)');
  }
  const { definitions, keys } = services();
  const deployment = await deployResources(
    { definitions, keys },
    {
      resources: files.map((file) => ({ name: file.filename, content: file.content.toString('utf8') })),
      tenantId: body.tenantId,
    },
  );
  return json(200, deployment);
});
