import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, type TableSchema, tableSchemas } from '#resources/table-schema.ts';

export type TableName = keyof typeof tableSchemas;

const attribute = ({ name, type }: KeyAttribute): dynamodb.Attribute => ({
  name,
  type: type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/**
 * Warm throughput (units/s a table takes at once) for a batch of a million in about a minute, as the
 * AWS time model in docs/performance.md has it: a new on-demand table starts at 4,000 writes and
 * 12,000 reads a second, 250 s for a million cancels. The instance table takes one write unit per
 * item at 40,000/s, and the initialization's candidate reads (half a unit per item, eventually
 * consistent) at the same; BatchItems takes the chunk records, about 0.1 write unit per item. DynamoDB
 * accepts nothing below the on-demand start (12,000 reads). Set with the `warmThroughput` context:
 * pre-warming is billed once per increase (https://aws.amazon.com/dynamodb/pricing/on-demand/).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput.html
 */
export const WARM_THROUGHPUT: Partial<Record<TableName, dynamodb.WarmThroughput>> = {
  processInstances: { writeUnitsPerSecond: 40_000, readUnitsPerSecond: 40_000 },
  batchItems: { writeUnitsPerSecond: 8_000, readUnitsPerSecond: 12_000 },
};

export interface TablesProps {
  /** Pre-warm the tables a large batch writes (WARM_THROUGHPUT). */
  readonly warmThroughput?: boolean;
}

/** The service's DynamoDB tables, built from the schema the embedded runtime uses too. */
export class Tables extends Construct {
  readonly tables: Record<TableName, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: TablesProps = {}) {
    super(scope, id);
    const build = (name: TableName, schema: TableSchema) => {
      const table = new dynamodb.Table(this, schema.id, {
        warmThroughput: props.warmThroughput ? WARM_THROUGHPUT[name] : undefined,
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
      Object.entries(tableSchemas).map(([name, schema]) => [name, build(name as TableName, schema)]),
    ) as Record<TableName, dynamodb.Table>;
  }
}
