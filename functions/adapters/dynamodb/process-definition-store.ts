import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ProcessDefinition } from '#domain/instance/process-definition.ts';
import type {
  DefinitionPage,
  DefinitionSummary,
  ProcessDefinitionStore,
} from '#ports/process-definition-store.ts';
import { DEFINITIONS_BY_ID_INDEX } from '#resources/table-schema.ts';
import { cursorOf, startKeyOf } from './requests.ts';

/** What a search shows of a definition: its BPMN and flow are left on the table. */
const SUMMARY_ATTRIBUTES = [
  'processDefinitionKey',
  'processDefinitionId',
  'name',
  'version',
  'versionTag',
  'tenantId',
  'resourceName',
] as const satisfies readonly (keyof DefinitionSummary)[];

/** Deployed process definitions; the by-id index (sorted by version) finds the latest of an id. */
export class DynamoProcessDefinitionStore implements ProcessDefinitionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putDefinition(definition: ProcessDefinition): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: definition,
        ConditionExpression: 'attribute_not_exists(processDefinitionKey)',
      }),
    );
  }

  async getDefinition(processDefinitionKey: string): Promise<ProcessDefinition | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { processDefinitionKey } }),
    );
    return Item as ProcessDefinition | undefined;
  }

  async findDefinition(
    processDefinitionId: string,
    tenantId: string,
    version?: number,
  ): Promise<ProcessDefinition | undefined> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DEFINITIONS_BY_ID_INDEX,
          KeyConditionExpression:
            version === undefined
              ? 'processDefinitionId = :id'
              : 'processDefinitionId = :id AND version = :version',
          FilterExpression: 'tenantId = :tenant',
          ExpressionAttributeValues: {
            ':id': processDefinitionId,
            ':tenant': tenantId,
            ...(version === undefined ? {} : { ':version': version }),
          },
          ScanIndexForward: false,
          ExclusiveStartKey,
        }),
      );
      const [found] = page.Items ?? [];
      if (found) return found as ProcessDefinition;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return undefined;
  }

  async listDefinitions(page: { cursor?: string; limit: number }): Promise<DefinitionPage> {
    const result = await this.db.send(
      new ScanCommand({
        TableName: this.tableName,
        ProjectionExpression: SUMMARY_ATTRIBUTES.map((_, index) => `#a${index}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(
          SUMMARY_ATTRIBUTES.map((name, index) => [`#a${index}`, name]),
        ),
        Limit: page.limit,
        ExclusiveStartKey: startKeyOf(page.cursor),
      }),
    );
    return {
      definitions: (result.Items ?? []) as DefinitionSummary[],
      cursor: cursorOf(result.LastEvaluatedKey),
    };
  }
}
