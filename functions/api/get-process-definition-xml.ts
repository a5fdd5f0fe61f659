import { requireReadable } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { jsonApi } from '#commons/http.ts';
import { engineKeyParameter } from '#commons/key-parameter.ts';
import { NotFoundError } from '#domain/errors.ts';

/** GET /v2/process-definitions/{processDefinitionKey}/xml: the BPMN as deployed (text/xml, as Camunda 8 sends it). */
export const handler = jsonApi(async (event) => {
  const key = engineKeyParameter(event, 'processDefinitionKey');
  const notFound = `Process definition with key '${key}' not found`;
  const engine = reads(event);
  requireReadable(event, 'READ_PROCESS_DEFINITION', await engine.getProcessDefinition(key), notFound);
  const xml = await engine.getProcessDefinitionXml(key);
  if (xml === undefined) throw new NotFoundError(notFound);
  return { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: xml };
});
