/** The service version a topology reports as its broker's and gateway's. */
export const SERVICE_VERSION = '8.10.0';

/**
 * Camunda's TopologyResponse for this service: one "broker" (the service itself) leading every
 * shard, each shard shown as the partition of its number (as batch errors name it). Camunda clients call
 * it to check a connection; no replication, so the factor is 1.
 */
export function toTopologyResponse(shardCount: number) {
  return {
    brokers: [
      {
        nodeId: 0,
        host: 'batch-operations',
        port: 26501,
        partitions: Array.from({ length: shardCount }, (_, shard) => ({
          partitionId: shard,
          role: 'leader' as const,
          health: 'healthy' as const,
        })),
        version: SERVICE_VERSION,
      },
    ],
    clusterId: null,
    clusterSize: 1,
    partitionsCount: shardCount,
    replicationFactor: 1,
    gatewayVersion: SERVICE_VERSION,
    // No topology change ever ran; Camunda 8.9 requires a string (8.10 allows null), Zeebe's "none" is -1.
    lastCompletedChangeId: '-1',
  };
}
