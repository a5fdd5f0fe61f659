import { z } from 'zod';
import { jobChangesetSchema } from '#domain/job/update-job.ts';
import { variablesSchema } from './variables.ts';

/**
 * The bodies of the single-item commands, as their handlers parse them and the OpenAPI document
 * describes them (functions/resources/openapi.ts). Unknown fields are refused (`strict`).
 */

/** Camunda accepts an optional operationReference to correlate the command; nothing here reads it back. */
const operationReference = z.number().int().optional();

/** An instance command (cancellation, suspension, resumption) and an incident resolution. */
export const commandRequestSchema = z.object({ operationReference }).strict();

/** Camunda 8.10 clients send null for no variables. */
const jobVariables = variablesSchema()
  .nullish()
  .transform((variables) => variables ?? undefined);

export const completeJobRequestSchema = z.object({ variables: jobVariables }).strict();

export const failJobRequestSchema = z
  .object({
    retries: z.number().int().min(0).optional(),
    errorMessage: z.string().optional(),
    retryBackOff: z.number().int().min(0).optional(),
    variables: jobVariables,
  })
  .strict();

export const updateJobRequestSchema = z
  .object({ changeset: jobChangesetSchema, operationReference })
  .strict();

export const activateJobsRequestSchema = z
  .object({
    type: z.string().min(1),
    maxJobsToActivate: z.number().int().min(1),
    timeout: z.number().int().min(1),
    worker: z.string().optional(),
    fetchVariable: z.array(z.string()).optional(),
    // Camunda long-polls for up to this long when no job is there; this service answers at once.
    requestTimeout: z.number().int().optional(),
    tenantIds: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const createProcessInstanceRequestSchema = z
  .object({
    processDefinitionKey: z.string().regex(/^\d+$/, 'must be a key (a string of digits)').optional(),
    processDefinitionId: z.string().min(1).optional(),
    processDefinitionVersion: z.number().int().optional(),
    tenantId: z.string().min(1).optional(),
    variables: variablesSchema().optional(),
    startInstructions: z.array(z.object({ elementId: z.string().min(1) }).strict()).optional(),
    tags: z.array(z.string()).optional(),
    operationReference,
  })
  .strict()
  // The rule start-process-instance.ts checks, as the OpenAPI document states it (meta: JSON Schema).
  .meta({ anyOf: [{ required: ['processDefinitionKey'] }, { required: ['processDefinitionId'] }] });
