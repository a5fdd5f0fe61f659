import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { OPERATIONS } from '#domain/operations/registry.ts';
import { apiRoutes } from '#resources/api-routes.ts';
import { tableSchemas } from '#resources/table-schema.ts';
import { ApiStageProtection } from './api-stage.ts';
import type { BatchSchedules } from './schedules.ts';
import { ServiceFunction, serviceLogGroup } from './service-function.ts';
import { STREAMING_ROUTE_TIMEOUT, StreamingRoute } from './streaming-route.ts';
import type { TableName } from './tables.ts';

export interface ApiProps {
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly stateMachine: sfn.IStateMachine;
  readonly environment: Record<string, string>;
  /** The issuer and audiences of the bearer tokens the JWT authorizer accepts (lib/api-auth.ts). */
  readonly jwt: { issuer: string; audience: string[] };
  readonly schedules: BatchSchedules;
}

/** What one route's function may touch: tables it reads or writes, and whether it starts batches. */
export interface RouteAccess {
  readonly tables: Partial<Record<TableName, 'read' | 'readWrite' | 'describe'>>;
  /** Served without an authorizer (health checks of load balancers and orchestrators). */
  readonly public?: boolean;
  readonly startsBatches?: boolean;
  /** Wakes a batch's execution waiting for resumption (SendTaskSuccess). */
  readonly wakesBatches?: boolean;
  /** Creates or deletes a batch's one-time schedules (a scheduled start). */
  readonly schedulesBatches?: boolean;
}

/**
 * Every operation type's creation route (from its descriptor): allocates the batch key, stores the
 * batch and starts its execution; a type with creation-time checks also reads the definitions.
 */
function creationAccess(): Record<string, RouteAccess> {
  return Object.fromEntries(
    OPERATIONS.map((operation) => [
      operation.creation.routeId,
      {
        tables: {
          batches: 'readWrite',
          keySequences: 'readWrite',
          ...(operation.creation.validate ? { processDefinitions: 'read' } : {}),
        },
        startsBatches: true,
        schedulesBatches: true,
      } satisfies RouteAccess,
    ]),
  );
}

/**
 * The narrowest access of every route, by the route's construct id (see the handlers under
 * functions/api). A route of `apiRoutes` missing here stops synthesis rather than getting a guess.
 */
export const routeAccess: Readonly<Record<string, RouteAccess>> = {
  // Stores definitions (reads the latest version to number the next) and allocates keys.
  CreateDeployment: { tables: { processDefinitions: 'readWrite', keySequences: 'readWrite' } },
  // Writes the instance with the jobs its token created, in one transaction.
  CreateProcessInstance: {
    tables: {
      processDefinitions: 'read',
      processInstances: 'readWrite',
      jobs: 'readWrite',
      keySequences: 'readWrite',
    },
  },
  SearchProcessInstances: { tables: { processInstances: 'read' } },
  // Creation: allocates the batch key, stores the batch and starts its execution.
  ...creationAccess(),
  // One conditional write on the instance (the same rule a batch applies).
  CancelProcessInstance: { tables: { processInstances: 'readWrite' } },
  // Suspend or resume one instance: one conditional write, as the batch types do per item.
  SuspendProcessInstance: { tables: { processInstances: 'readWrite' } },
  ResumeProcessInstance: { tables: { processInstances: 'readWrite' } },
  GetProcessInstance: { tables: { processInstances: 'read' } },
  GetBatchOperation: { tables: { batches: 'read' } },
  // Lists batch records from the Batches table's index by start date, then reads the page's batches.
  SearchBatchOperations: { tables: { batches: 'read' } },
  // Lifecycle commands: one conditional write on the batch record, then wake a waiting execution.
  // Creation of a batch over an ended batch's failed items.
  RetryFailedItems: {
    tables: { batches: 'readWrite', keySequences: 'readWrite' },
    startsBatches: true,
    schedulesBatches: true,
  },
  SuspendBatchOperation: { tables: { batches: 'readWrite' } },
  ResumeBatchOperation: { tables: { batches: 'readWrite' }, wakesBatches: true },
  CancelBatchOperation: { tables: { batches: 'readWrite' }, wakesBatches: true },
  // A scheduled batch started before its time: takes its schedule, starts its execution.
  StartBatchOperation: { tables: { batches: 'readWrite' }, startsBatches: true, schedulesBatches: true },
  // A live change of a batch's controls: one conditional write on its record, one audit entry.
  UpdateBatchOperation: { tables: { batches: 'readWrite' } },
  SearchBatchOperationItems: { tables: { batches: 'read', batchItems: 'read' } },
  // Reads what Initialization reads, writes nothing and starts nothing.
  // Modification and migration plans are checked against the definitions, as at creation.
  DryRunBatch: { tables: { processInstances: 'read', processDefinitions: 'read' } },
  // A job operation's dry run reads the jobs as its Initialization does.
  DryRunJobBatch: { tables: { jobs: 'read' } },
  // Reads jobs (a scan, or one instance's), and the page's instances for their tags.
  SearchJobs: { tables: { jobs: 'read', processInstances: 'read' } },
  // The API's description: built from the route table, touches nothing.
  GetOpenApi: { tables: {}, public: true },
  GetBatchOperationReport: { tables: { batches: 'read', batchItems: 'read' } },
  // Claims jobs (conditional writes), reads their instances; cancels jobs whose instance moved on.
  ActivateJobs: { tables: { jobs: 'readWrite', processInstances: 'read' } },
  // Engine steps: job, instance (token moves, variables, incident flags), new jobs and incidents.
  CompleteJob: {
    tables: {
      jobs: 'readWrite',
      processInstances: 'readWrite',
      processDefinitions: 'read',
      keySequences: 'readWrite',
    },
  },
  FailJob: {
    tables: {
      jobs: 'readWrite',
      processInstances: 'readWrite',
      incidents: 'readWrite',
      keySequences: 'readWrite',
    },
  },
  UpdateJob: { tables: { jobs: 'readWrite' } },
  SearchIncidents: { tables: { incidents: 'read' } },
  SearchProcessDefinitions: { tables: { processDefinitions: 'read' } },
  GetProcessDefinition: { tables: { processDefinitions: 'read' } },
  GetProcessDefinitionXml: { tables: { processDefinitions: 'read' } },
  ResolveIncident: { tables: { incidents: 'readWrite', processInstances: 'readWrite', jobs: 'readWrite' } },
  // Health (extensions, without credentials): liveness touches nothing; readiness describes every table.
  GetLiveness: { tables: {}, public: true },
  GetReadiness: {
    tables: Object.fromEntries(Object.keys(tableSchemas).map((name) => [name, 'describe'])),
    public: true,
  },
  // Connection checks: configuration only.
  GetTopology: { tables: {} },
  GetLimits: { tables: {} },
  // Camunda answers its cluster status without credentials (a health check), so does this.
  GetStatus: { tables: {}, public: true },
  // Camunda's authorizations: the table of grants (every authenticated route reads it, see below).
  CreateAuthorization: { tables: { authorizations: 'readWrite', keySequences: 'readWrite' } },
  SearchAuthorizations: { tables: { authorizations: 'read' } },
  // The batch record, and its audit entries beside it in the Batches table.
  GetBatchAuditLog: { tables: { batches: 'read' } },
  GetAuthorization: { tables: { authorizations: 'read' } },
  // The reads around a batch: one record each, or the instances a filter matches (statistics).
  GetIncident: { tables: { incidents: 'read' } },
  SearchProcessInstanceIncidents: { tables: { processInstances: 'read', incidents: 'read' } },
  GetProcessInstanceStatistics: { tables: { processInstances: 'read' } },
  // The instance, and its definition's BPMN for the flows' ids.
  GetProcessInstanceSequenceFlows: { tables: { processInstances: 'read', processDefinitions: 'read' } },
  GetProcessInstanceCallHierarchy: { tables: { processInstances: 'read' } },
  GetProcessDefinitionStatistics: { tables: { processDefinitions: 'read', processInstances: 'read' } },
  // Engine steps on one instance: it, its jobs and incidents, the definitions, keys for new tokens.
  MigrateProcessInstance: {
    tables: {
      processInstances: 'readWrite',
      processDefinitions: 'read',
      jobs: 'readWrite',
      incidents: 'readWrite',
    },
  },
  // A finished instance's tombstone, and its jobs and incidents removed.
  DeleteProcessInstance: {
    tables: { processInstances: 'readWrite', jobs: 'readWrite', incidents: 'readWrite' },
  },
  ModifyProcessInstance: {
    tables: {
      processInstances: 'readWrite',
      processDefinitions: 'read',
      jobs: 'readWrite',
      incidents: 'readWrite',
      keySequences: 'readWrite',
    },
  },
  // Variables live on their instance: one read, or every instance's (a search).
  SearchVariables: { tables: { processInstances: 'read' } },
  GetVariable: { tables: { processInstances: 'read' } },
  // An engine step as a job failure: the job, the instance's incident flags, a new incident.
  ThrowJobError: {
    tables: {
      jobs: 'readWrite',
      processInstances: 'readWrite',
      incidents: 'readWrite',
      keySequences: 'readWrite',
    },
  },
  // The caller from its verified claims; the license is a constant.
  GetCurrentUser: { tables: {} },
  GetLicense: { tables: {}, public: true },
  DeleteAuthorization: { tables: { authorizations: 'readWrite' } },
};

/** The tables a route's function is granted: an authenticated route also reads the caller's grants. */
export function tablesOf(access: RouteAccess): RouteAccess['tables'] {
  return access.public ? access.tables : { authorizations: 'read', ...access.tables };
}

/**
 * The HTTP API (API Gateway v2): one Lambda per route of `apiRoutes`, behind a JWT authorizer (Camunda
 * clients send OAuth bearer tokens; the token's claims reach the handlers, which authorize).
 * Public routes (health, status) have none. Every function knows every table's name
 * and the state machine's ARN (the configuration requires them), but is granted only its route's access.
 * A streaming route is served by its function's own URL instead (lib/streaming-route.ts).
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly functions: IFunction[] = [];

  constructor(scope: Construct, id: string, { tables, stateMachine, schedules, environment, jwt }: ApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      defaultAuthorizer: new HttpJwtAuthorizer('JwtAuthorizer', jwt.issuer, { jwtAudience: jwt.audience }),
    });
    new ApiStageProtection(this, 'Stage', this.httpApi);
    const tableNames = Object.fromEntries(
      (Object.keys(tableSchemas) as TableName[]).map((name) => [
        tableSchemas[name].envVar,
        tables[name].tableName,
      ]),
    );
    // One log group for every route's function (each line names its function: Powertools' function_name):
    // a group per route would cost a resource per route against CloudFormation's 500 per stack.
    const routeLogs = serviceLogGroup(this, 'RouteLogs');
    for (const route of apiRoutes) {
      const access = routeAccess[route.id];
      if (!access) {
        throw new Error(
          `API route ${route.id} (${route.method} ${route.path}) has no entry in routeAccess (lib/api.ts)`,
        );
      }
      const fn = new ServiceFunction(this, route.id, {
        entry: route.entry,
        logGroup: routeLogs,
        environment: { ...environment, ...tableNames, STATE_MACHINE_ARN: stateMachine.stateMachineArn },
        timeout: route.streaming ? STREAMING_ROUTE_TIMEOUT : undefined,
      });
      // An authenticated route reads the caller's grants (functions/commons/authorization.ts).
      const tablesOfRoute = access.public
        ? access.tables
        : { authorizations: 'read' as const, ...access.tables };
      for (const [name, mode] of Object.entries(tablesOfRoute) as [
        TableName,
        'read' | 'readWrite' | 'describe',
      ][]) {
        fn.bindTable(tableSchemas[name], tables[name], mode);
      }
      if (access.startsBatches) stateMachine.grantStartExecution(fn.function);
      if (access.wakesBatches) stateMachine.grantTaskResponse(fn.function);
      if (access.schedulesBatches) schedules.bind(fn.function);
      this.functions.push(fn.function);
      if (route.streaming) {
        new StreamingRoute(this, `${route.id}Route`, { route, function: fn.function });
        continue;
      }
      const routes = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
        ...(access.public ? { authorizer: new apigw.HttpNoneAuthorizer() } : {}),
      });
      for (const publicRoute of access.public ? routes : []) {
        Validations.of(publicRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Health checks answer load balancers and orchestrators without credentials; they reveal only UP or DOWN',
        });
      }
    }
    new CfnOutput(this, 'Url', {
      value: this.httpApi.apiEndpoint,
      description: 'Base URL of the batch operations API',
    });
  }
}
