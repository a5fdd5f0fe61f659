import { definitionsInScope } from '#domain/authorization/definitions-in-scope.ts';
import { instanceScopeOf } from '#domain/authorization/permissions.ts';
import type { BatchControls, BatchOperationType } from '#domain/batch/batch-operation.ts';
import { validateStoredRequestSize } from '#domain/creation/validate-selection.ts';
import { NotFoundError } from '#domain/errors.ts';
import type { InstanceSelection } from '#domain/initialization/item-provider/batch-item-keys.ts';
import { validateSelectionOn } from '#domain/initialization/item-provider/item-source.ts';
import type { OperationHandler } from '#domain/operations/operation-handler.ts';
import { creationName, dryRunPathOf, dryRunRouteOf, OPERATIONS } from '#domain/operations/registry.ts';
import { splitOperationRequest } from '#wire/batch-requests.ts';
import { callerContext } from './authorization.ts';
import { type HttpEvent, parseBody } from './http.ts';
import { engine, engineDefinitions } from './services.ts';

/** A creation request, read and checked: what the batch acts on, how it runs, and the operation's fields. */
export interface BatchRequest {
  batchOperationType: BatchOperationType;
  selection: InstanceSelection;
  controls: BatchControls;
  parameters?: Record<string, unknown>;
}

/**
 * Reads the body of an operation's creation request with the operation's own schema and creation
 * checks; invalid bodies and plans are 400 problem details. Creation and dry run both read a request
 * here, so both accept and refuse exactly the same bodies.
 */
export async function readBatchRequest(operation: OperationHandler, event: HttpEvent): Promise<BatchRequest> {
  const body = parseBody(operation.creation.body, event.body) as InstanceSelection &
    BatchControls &
    Record<string, unknown>;
  const { selection, controls, parameters } = splitOperationRequest(body);
  // The filter's own limits first (they name the field at fault), then what the batch would store.
  validateSelectionOn(engine(), operation, selection);
  validateStoredRequestSize(selection, parameters);
  const target = engine();
  // Checked against the definitions the caller may act on: another's definition reads as unknown.
  const scope = instanceScopeOf(callerContext(event).permissions, operation.itemPermission);
  if (target.validateParameters) {
    // An engine with definitions of its own checks the parameters against them.
    await target.validateParameters(operation.type, parameters, scope);
  } else {
    await operation.creation.validate?.(
      { definitions: definitionsInScope(engineDefinitions(), scope) },
      selection.filter,
      parameters,
    );
  }
  return {
    batchOperationType: operation.type,
    selection,
    controls,
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  };
}

/** The operation whose dry run is at `path`, or a 404 listing the dry runs there are. */
export function operationDryRunAt(path: string): OperationHandler {
  const operation = OPERATIONS.find((candidate) => dryRunPathOf(candidate) === path);
  if (operation) return operation;
  const routes = [...new Set(OPERATIONS.map(dryRunRouteOf))].map(
    (route) =>
      `${route} for ${OPERATIONS.filter((candidate) => dryRunRouteOf(candidate) === route)
        .map(creationName)
        .join(', ')}`,
  );
  throw new NotFoundError(
    `No batch operation has a dry run at '${path}'; dry runs exist at ${routes.join('; ')}`,
  );
}
