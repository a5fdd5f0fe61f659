import { createHash } from 'node:crypto';

/** Camunda 8's key pattern (LongKey): what a strict Camunda 8 client accepts in a key field. */
export const CAMUNDA_KEY_PATTERN = /^-?[0-9]+$/;

/**
 * The numeric key that stands for an engine's string id on Camunda 8's wire: the first 63 bits of
 * SHA-256 of `kind:id` as a positive decimal int64, so the same id always gets the same key without a
 * read. Two ids share a key with probability about n²/2⁶⁴ for n ids (5·10⁻⁶ at ten million), and
 * the id map refuses a key it finds bound to another id (functions/ports/engine-id-map.ts).
 */
export function surrogateKey(kind: string, id: string): string {
  const digest = createHash('sha256').update(`${kind}:${id}`).digest();
  return (digest.readBigUInt64BE(0) >> 1n).toString();
}
