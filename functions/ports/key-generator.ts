/** Unique keys for definitions, instances, element instances and batches. */
export interface KeyGenerator {
  nextKeys(count: number): Promise<string[]>;
}
