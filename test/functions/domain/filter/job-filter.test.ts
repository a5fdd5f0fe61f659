import { describe, expect, it } from 'vitest';
import { matchesJobFilter, parseJobFilter, pinnedProcessInstanceKey } from '#domain/filter/job-filter.ts';
import type { Job } from '#domain/job/job.ts';
import { toJobResult } from '#domain/job/job-result.ts';

const job = (overrides: Partial<Job> = {}): Job => ({
  jobKey: '2251799813685300',
  type: 'payment',
  state: 'ACTIVATABLE',
  retries: 3,
  processInstanceKey: '2251799813685250',
  processDefinitionKey: '2251799813685249',
  processDefinitionId: 'order',
  processDefinitionVersion: 1,
  elementId: 'charge',
  elementInstanceKey: '2251799813685299',
  tenantId: '<default>',
  creationTime: '2026-01-02T00:00:00.000Z',
  hasFailedWithRetriesLeft: false,
  revision: 0,
  ...overrides,
});

const matches = (filter: unknown, candidate: Job) =>
  matchesJobFilter(parseJobFilter(filter), toJobResult(candidate));

describe('the job filter', () => {
  it('matches on the values a job search shows, with Camunda operators', () => {
    expect(matches({ type: 'payment', retries: { $gte: 3 } }, job())).toBe(true);
    expect(matches({ type: { $like: 'pay*' }, state: 'CREATED' }, job())).toBe(true);
    expect(matches({ retries: { $lt: 3 } }, job())).toBe(false);
    expect(matches({ processInstanceKey: { $in: ['1', '2'] } }, job())).toBe(false);
  });

  it("reads a failed job's state as Camunda's FAILED, with or without retries left", () => {
    expect(matches({ state: 'FAILED' }, job({ state: 'FAILED', retries: 0 }))).toBe(true);
    expect(matches({ state: 'FAILED' }, job({ hasFailedWithRetriesLeft: true }))).toBe(true);
    expect(matches({ state: 'FAILED' }, job())).toBe(false);
  });

  it('compares dates as instants and sees no deadline on a job no worker holds', () => {
    const held = job({ state: 'ACTIVATED', deadline: Date.parse('2026-01-02T01:00:00Z'), worker: 'w' });
    expect(matches({ deadline: { $gt: '2026-01-02T00:30:00+00:00' } }, held)).toBe(true);
    expect(matches({ deadline: { $exists: false } }, job())).toBe(true);
    expect(matches({ deadline: null, isDenied: null }, job())).toBe(true);
  });

  it('refuses unknown fields, wrong values and operators a field does not take, naming the path', () => {
    expect(() => parseJobFilter({ jobType: 'x' })).toThrow('filter.jobType is not a JobFilter field');
    expect(() => parseJobFilter({ state: 'ACTIVATED' })).toThrow('filter.state must be one of');
    expect(() => parseJobFilter({ jobKey: { $like: '22*' } })).toThrow('filter.jobKey.$like is not allowed');
    expect(() => parseJobFilter({ hasFailedWithRetriesLeft: 'yes' })).toThrow(
      'filter.hasFailedWithRetriesLeft must be true or false',
    );
  });

  it('pins an instance only by equality', () => {
    expect(pinnedProcessInstanceKey(parseJobFilter({ processInstanceKey: '42' }))).toBe('42');
    expect(pinnedProcessInstanceKey(parseJobFilter({ processInstanceKey: { $in: ['42'] } }))).toBeUndefined();
  });
});
