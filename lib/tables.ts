import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, type TableSchema, tableSchemas } from '#resources/table-schema.ts';

export type TableName = keyof typeof tableSchemas;

const attribute = ({ name, type }: KeyAttribute): dynamodb.Attribute => ({
  name,
  type: type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/** The service's DynamoDB tables, built from the schema the embedded runtime uses too. */
export class Tables extends Construct {
  readonly tables: Record<TableName, dynamodb.Table>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const build = (schema: TableSchema) => {
      const table = new dynamodb.Table(this, schema.id, {
        partitionKey: attribute(schema.partitionKey),
        sortKey: schema.sortKey ? attribute(schema.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        removalPolicy: RemovalPolicy.RETAIN,
        timeToLiveAttribute: schema.timeToLiveAttribute,
      });
      for (const index of schema.globalIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          projectionType: dynamodb.ProjectionType[index.projection],
        });
      }
      return table;
    };
    this.tables = Object.fromEntries(
      Object.entries(tableSchemas).map(([name, schema]) => [name, build(schema)]),
    ) as Record<TableName, dynamodb.Table>;
  }
}
