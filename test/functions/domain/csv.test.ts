import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from '#domain/csv.ts';

describe('CSV (RFC 4180)', () => {
  it('leaves plain fields as they are and writes absent values as empty fields', () => {
    expect(csvRecord(['2251799813685301', 'COMPLETED', undefined, 42])).toBe(
      '2251799813685301,COMPLETED,,42\r\n',
    );
  });

  it.each([
    ['a comma', 'a,b', '"a,b"'],
    ['a double quote, doubled', 'say "no"', '"say ""no"""'],
    ['a line feed', 'line 1\nline 2', '"line 1\nline 2"'],
    ['a carriage return', 'a\rb', '"a\rb"'],
  ])('quotes a field holding %s', (_, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('keeps leading and trailing spaces, which are part of a field', () => {
    expect(csvField(' padded ')).toBe(' padded ');
  });
});
