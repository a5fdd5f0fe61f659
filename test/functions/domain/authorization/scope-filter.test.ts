import { describe, expect, it } from 'vitest';
import { narrowToScope } from '#domain/authorization/scope-filter.ts';

const scope = (processDefinitionIds: '*' | string[], tenantIds: '*' | string[] = '*') => ({
  permission: 'READ_PROCESS_INSTANCE' as const,
  processDefinitionIds,
  tenantIds,
});

describe('narrowing a search filter to what the caller may read', () => {
  it('leaves the filter as it is for an unrestricted caller', () => {
    expect(narrowToScope({ state: 'ACTIVE' }, scope('*'))).toEqual({ state: 'ACTIVE' });
  });

  it("adds the scope's definition ids and tenants as $in conditions beside the filter's own, $or included", () => {
    const filter = { state: 'ACTIVE', $or: [{ processDefinitionId: 'b' }, { hasIncident: true }] };
    expect(narrowToScope(filter, scope(['a', 'b'], ['<default>']))).toEqual({
      ...filter,
      processDefinitionId: { $in: ['a', 'b'] },
      tenantId: { $in: ['<default>'] },
    });
  });

  it("keeps a named definition inside the scope, intersects an $in, and ANDs an operator with the scope's list", () => {
    expect(narrowToScope({ processDefinitionId: 'a' }, scope(['a']))).toEqual({ processDefinitionId: 'a' });
    expect(narrowToScope({ processDefinitionId: { $in: ['a', 'c'] } }, scope(['a', 'b']))).toEqual({
      processDefinitionId: { $in: ['a'] },
    });
    expect(narrowToScope({ processDefinitionId: { $like: 'a*' } }, scope(['a']))).toEqual({
      processDefinitionId: { $like: 'a*', $in: ['a'] },
    });
  });

  it('matches nothing when the scope is empty or the filter names only what lies outside it', () => {
    expect(narrowToScope({}, scope([]))).toBeUndefined();
    expect(narrowToScope({ processDefinitionId: 'c' }, scope(['a']))).toBeUndefined();
    expect(narrowToScope({ tenantId: { $in: ['t2'] } }, scope('*', ['t1']))).toBeUndefined();
  });

  it('narrows only the fields asked for', () => {
    expect(narrowToScope(undefined, scope(['a'], ['t1']), ['processDefinitionId'])).toEqual({
      processDefinitionId: { $in: ['a'] },
    });
  });
});
