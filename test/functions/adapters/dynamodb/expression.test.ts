import { describe, expect, it } from 'vitest';
import { DDB_IN_MAX, ExpressionBuilder } from '#adapters/dynamodb/expression.ts';

describe('ExpressionBuilder', () => {
  it('puts names and values behind placeholders, never into the expression text', () => {
    const builder = new ExpressionBuilder();
    const expression = builder.filter({
      kind: 'and',
      items: [
        { kind: 'compare', path: ['variables', "x') OR 1=1"], op: '=', value: '"; DROP' },
        { kind: 'not', item: { kind: 'exists', path: ['endDate'], exists: true } },
      ],
    });
    expect(expression).toBe('(#n0.#n1 = :v0) AND (NOT (attribute_exists(#n2)))');
    expect(builder.attributes()).toEqual({
      ExpressionAttributeNames: { '#n0': 'variables', '#n1': "x') OR 1=1", '#n2': 'endDate' },
      ExpressionAttributeValues: { ':v0': '"; DROP' },
    });
  });

  it('reuses the placeholder of a name used twice', () => {
    const builder = new ExpressionBuilder();
    expect(
      builder.filter({
        kind: 'or',
        items: [
          { kind: 'compare', path: ['state'], op: '=', value: 'A' },
          { kind: 'compare', path: ['state'], op: '=', value: 'B' },
        ],
      }),
    ).toBe('(#n0 = :v0) OR (#n0 = :v1)');
  });

  it('splits an IN list longer than DynamoDB allows into ORed groups', () => {
    const builder = new ExpressionBuilder();
    const values = Array.from({ length: DDB_IN_MAX + 1 }, (_, index) => String(index));
    const expression = builder.filter({ kind: 'in', path: ['processInstanceKey'], values });
    expect(expression.split(' OR ')).toHaveLength(2);
    expect(Object.keys(builder.values)).toHaveLength(DDB_IN_MAX + 1);
  });

  it('writes prefix, membership and non-empty tests as DynamoDB functions with placeholders', () => {
    const builder = new ExpressionBuilder();
    expect(
      builder.filter({
        kind: 'and',
        items: [
          { kind: 'beginsWith', path: ['processDefinitionId'], prefix: 'order' },
          { kind: 'contains', path: ['tags'], value: 'gold' },
          { kind: 'nonEmpty', path: ['incidents'] },
        ],
      }),
    ).toBe('(begins_with(#n0, :v0)) AND (contains(#n1, :v1)) AND (size(#n2) > :v2)');
    expect(builder.values).toEqual({ ':v0': 'order', ':v1': 'gold', ':v2': 0 });
  });

  it('omits empty attribute maps, which DynamoDB rejects', () => {
    expect(new ExpressionBuilder().attributes()).toEqual({});
  });
});
