import { describe, expect, it } from 'vitest';
import { CAMUNDA_KEY_PATTERN, surrogateKey } from '#domain/surrogate-key.ts';

describe('surrogate keys of engine ids', () => {
  it('are positive decimal int64 strings that a strict Camunda 8 client accepts as keys', () => {
    const ids = [
      '5c7a2f6e-f1f3-11f1-beac-02fc00000001',
      'order:2:8f3c0a1e-f1f3-11f1-beac-02fc00000001',
      '42',
      '',
    ];
    for (const id of ids) {
      const key = surrogateKey('camunda7', id);
      expect(key).toMatch(CAMUNDA_KEY_PATTERN);
      expect(BigInt(key) >= 0n && BigInt(key) < 2n ** 63n).toBe(true);
    }
  });

  it('are the same for the same id, without a read, in every release (keys handed out stay valid), and differ by id and by kind', () => {
    const id = '5c7a2f6e-f1f3-11f1-beac-02fc00000001';
    expect(surrogateKey('camunda7', id)).toBe(surrogateKey('camunda7', id));
    expect(surrogateKey('camunda7', id)).toBe('4352121506773404920');
    expect(surrogateKey('camunda7', `${id.slice(0, -1)}2`)).not.toBe(surrogateKey('camunda7', id));
    expect(surrogateKey('other', id)).not.toBe(surrogateKey('camunda7', id));
  });

  it('do not collide over a hundred thousand ids', () => {
    const keys = new Set(
      Array.from({ length: 100_000 }, (_, i) => surrogateKey('camunda7', `instance-${i}`)),
    );
    expect(keys.size).toBe(100_000);
  });
});
