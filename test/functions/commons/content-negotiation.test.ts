import { describe, expect, it } from 'vitest';
import { negotiateMediaType } from '#commons/content-negotiation.ts';

const offered = ['text/csv', 'application/x-ndjson', 'application/jsonl'];

describe('negotiateMediaType', () => {
  it.each([
    ['no Accept header', undefined, 'text/csv'],
    ['an empty Accept header', ' ', 'text/csv'],
    ['any type (curl)', '*/*', 'text/csv'],
    ['an exact type', 'application/jsonl', 'application/jsonl'],
    [
      'an exact type, case-insensitively and with parameters',
      'Application/X-NDJSON; charset=utf-8',
      'application/x-ndjson',
    ],
    ['a type range', 'application/*', 'application/x-ndjson'],
    ['the highest weight', 'text/csv;q=0.5, application/jsonl;q=0.9', 'application/jsonl'],
    ['a browser header, by its wildcard', 'text/html,application/xhtml+xml,*/*;q=0.8', 'text/csv'],
  ])('answers %s with the best offer', (_, accept, expected) => {
    expect(negotiateMediaType(accept, offered)).toBe(expected);
  });

  it('lets the most specific range decide a type weight, even when a wildcard weighs more', () => {
    expect(negotiateMediaType('*/*;q=1, text/csv;q=0.1', offered)).toBe('application/x-ndjson');
  });

  it('excludes a type weighted 0 and answers undefined when nothing offered is acceptable', () => {
    expect(negotiateMediaType('text/csv;q=0, application/*;q=0.2', offered)).toBe('application/x-ndjson');
    expect(negotiateMediaType('application/xml', offered)).toBeUndefined();
    expect(negotiateMediaType('text/csv;q=abc', offered)).toBeUndefined();
  });
});
