import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../../bench/benchmark.ts';
import { writeResult } from '../../bench/report.ts';

// Only the fields writeResult names the file by; the rest is written as given.
const result = {
  options: { operation: 'cancel', instances: 3 },
  batch: { completed: 3 },
} as unknown as BenchmarkResult;

describe('the benchmark JSON', () => {
  const directory = mkdtempSync(join(tmpdir(), 'bench-report-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('goes to --output as a path from the working directory, creating its folder', () => {
    const wanted = join(directory, 'results', 'cancel-1000000.json');
    const written = writeResult(result, relative(process.cwd(), wanted), 'cancel-3');
    expect(written).toBe(wanted);
    expect(JSON.parse(readFileSync(wanted, 'utf8'))).toEqual(result);
  });
});
