import type { Json } from './api-client.ts';

/** A column of a table view: its header and how a row shows in it. */
export interface Column {
  readonly header: string;
  readonly value: (row: Json) => unknown;
}

/**
 * What a command hands back: the data (exactly what `--json` prints) and how a person sees it.
 * Handlers never write data themselves; `render` is the one place that does.
 */
export type Output =
  | { view: 'table'; data: unknown; rows: readonly Json[]; columns: readonly Column[]; footer?: string }
  | { view: 'record'; data: unknown; fields: readonly [label: string, value: unknown][] }
  | { view: 'none'; data?: unknown };

export interface CommandResult {
  output: Output;
  /** 0 unless the command says otherwise (a watched batch that did not complete). */
  exitCode?: number;
}

/** Prints an output on stdout: JSON with `--json`, else a table or a record for people. */
export function render(output: Output, json: boolean, write: (text: string) => void): void {
  if (json) {
    if (output.data !== undefined) write(`${JSON.stringify(output.data, null, 2)}\n`);
    return;
  }
  switch (output.view) {
    case 'table':
      write(table(output.rows, output.columns));
      if (output.footer) write(`${output.footer}\n`);
      return;
    case 'record':
      write(record(output.fields));
      return;
    case 'none':
      return;
  }
}

export function table(rows: readonly Json[], columns: readonly Column[]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index].length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index])))
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((column) => column.header)), ...cells.map(line)].join('\n')}\n`;
}

function record(fields: readonly [string, unknown][]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${cell(value)}`)
    .join('\n')
    .concat('\n');
}

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s*\n\s*/g, ' ');
}
