import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import type { Authorization, OwnerType } from '#domain/authorization/permissions.ts';
import type { AuthorizationStore } from '#ports/authorization-store.ts';
import { AUTHORIZATIONS_BY_OWNER_INDEX } from '#resources/table-schema.ts';

const ownerOf = (ownerType: OwnerType, ownerId: string) => `${ownerType}#${ownerId}`;

function fromRecord(record: Record<string, unknown>): Authorization {
  const { owner: _owner, ...authorization } = record;
  return authorization as unknown as Authorization;
}

/** One record per authorization; the by-owner index finds a caller's. */
export class DynamoAuthorizationStore implements AuthorizationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putAuthorization(authorization: Authorization): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...authorization, owner: ownerOf(authorization.ownerType, authorization.ownerId) },
        ConditionExpression: 'attribute_not_exists(authorizationKey)',
      }),
    );
  }

  async getAuthorization(authorizationKey: string): Promise<Authorization | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { authorizationKey } }),
    );
    return Item ? fromRecord(Item) : undefined;
  }

  async deleteAuthorization(authorizationKey: string): Promise<boolean> {
    const { Attributes } = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { authorizationKey }, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  async authorizationsOf(
    owners: readonly { ownerType: OwnerType; ownerId: string }[],
  ): Promise<Authorization[]> {
    const found = await Promise.all(
      owners.map(async ({ ownerType, ownerId }) => {
        const items: Authorization[] = [];
        const pages = paginateQuery(
          { client: this.db },
          {
            TableName: this.tableName,
            IndexName: AUTHORIZATIONS_BY_OWNER_INDEX,
            KeyConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': ownerOf(ownerType, ownerId) },
          },
        );
        for await (const page of pages) items.push(...(page.Items ?? []).map(fromRecord));
        return items;
      }),
    );
    return found.flat();
  }

  async *listAuthorizations(): AsyncIterable<Authorization> {
    for await (const page of paginateScan({ client: this.db }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) yield fromRecord(item);
    }
  }
}
