import { describe, expect, it } from 'vitest';
import { callerOf, claimValues } from '#commons/authorization.ts';
import { readConfig } from '#commons/config.ts';
import { ProblemError } from '#commons/problems.ts';

const config = readConfig({});

describe('the caller a token names', () => {
  it('takes a subject as one string, whatever it contains', () => {
    expect(callerOf({ sub: 'demo mallory' }, config)).toMatchObject({
      actorType: 'USER',
      actorId: 'demo mallory',
    });
  });

  it("refuses a subject or client id in list form: '[demo mallory]' names no one, not demo", () => {
    expect(() => callerOf({ sub: '[demo mallory]' }, config)).toThrow(ProblemError);
    expect(() => callerOf({ sub: ['demo'] }, config)).toThrow(ProblemError);
    expect(callerOf({ sub: 'eve', client_id: '[demo]' }, config)).toMatchObject({
      actorType: 'USER',
      actorId: 'eve',
    });
  });

  it('still reads groups, roles and tenants in the list form API Gateway hands over', () => {
    expect(claimValues('[admin ops]')).toEqual(['admin', 'ops']);
    expect(callerOf({ sub: 'eve', groups: '[ops]', roles: ['admin'] }, config)).toMatchObject({
      groups: ['ops'],
      roles: ['admin'],
    });
  });
});
