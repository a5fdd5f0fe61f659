import { describe, expect, it } from 'vitest';
import { REPORT_FIELDS, reportLines } from '#domain/batch/batch-report.ts';
import { type Chunk, pendingItem } from '#domain/batch/chunk.ts';

/** Chunk records arriving one at a time, as store pages deliver them. */
async function* chunks(...records: Chunk[]) {
  for (const record of records) yield await Promise.resolve(record);
}

const done: Chunk = {
  batchOperationKey: '2251799813685301',
  shard: 0,
  chunk: 0,
  state: 'DONE',
  items: [
    { ...pendingItem('2251799813685249'), state: 'COMPLETED', processedDate: '2026-01-01T00:00:01.000Z' },
    {
      ...pendingItem('2251799813685250'),
      state: 'FAILED',
      processedDate: '2026-01-01T00:00:02.000Z',
      errorMessage: 'Expected instance to be ACTIVE, but was "COMPLETED", see\nline two',
    },
  ],
};
const pending: Chunk = {
  batchOperationKey: '2251799813685301',
  shard: 1,
  chunk: 0,
  state: 'PENDING',
  items: [pendingItem('2251799813685251')],
};

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const collected: string[] = [];
  for await (const line of lines) collected.push(line);
  return collected;
}

describe('batch report lines', () => {
  it('writes a CSV header and one record per item, in chunk order, escaping error messages', async () => {
    // Act
    const lines = await collect(reportLines(chunks(done, pending), 'csv'));

    // Assess
    expect(lines).toEqual([
      'batchOperationKey,itemKey,processInstanceKey,state,processedDate,errorMessage\r\n',
      '2251799813685301,2251799813685249,2251799813685249,COMPLETED,2026-01-01T00:00:01.000Z,\r\n',
      '2251799813685301,2251799813685250,2251799813685250,FAILED,2026-01-01T00:00:02.000Z,"Expected instance to be ACTIVE, but was ""COMPLETED"", see\nline two"\r\n',
      '2251799813685301,2251799813685251,2251799813685251,ACTIVE,,\r\n',
    ]);
  });

  it('writes one JSON object per line with every field, null when absent', async () => {
    // Act
    const lines = await collect(reportLines(chunks(done, pending), 'jsonl'));

    // Assess
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
    const rows = lines.map((line) => JSON.parse(line));
    for (const row of rows) expect(Object.keys(row)).toEqual([...REPORT_FIELDS]);
    expect(rows[1].errorMessage).toBe(done.items[1].errorMessage);
    expect(rows[2]).toEqual({
      batchOperationKey: '2251799813685301',
      itemKey: '2251799813685251',
      processInstanceKey: '2251799813685251',
      state: 'ACTIVE',
      processedDate: null,
      errorMessage: null,
    });
  });

  it('reads the next chunk record only when the lines of the previous one are taken', async () => {
    // Prepare
    let read = 0;
    async function* counted() {
      for (const record of [done, pending]) {
        read++;
        yield await Promise.resolve(record);
      }
    }
    const lines = reportLines(counted(), 'jsonl');

    // Act
    await lines.next();
    await lines.next();
    const readAfterFirstChunk = read;
    await lines.next();

    // Assess
    expect(readAfterFirstChunk).toBe(1);
    expect(read).toBe(2);
  });
});
