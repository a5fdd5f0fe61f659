import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, GLOBAL_OPTIONS } from '../../cli/commands.ts';
import { FILTER_OPTIONS } from '../../cli/filter.ts';
import { CREATE_OPTIONS, OPERATIONS } from '../../cli/operations.ts';
import type { OptionSpec } from '../../cli/option-spec.ts';

const reference = readFileSync(resolve(import.meta.dirname, '../../docs/cli.md'), 'utf8');
const longFlag = (option: OptionSpec) => /--[\w-]+/.exec(option.flags)?.[0] ?? option.flags;

describe('docs/cli.md against the command table', () => {
  it('documents every command with its flags', () => {
    for (const command of COMMANDS) {
      expect(reference, command.name).toContain(`batchops ${command.name}`);
      for (const option of command.options ?? [])
        expect(reference, `${command.name} ${option.flags}`).toContain(longFlag(option));
    }
    for (const option of GLOBAL_OPTIONS) expect(reference).toContain(longFlag(option));
  });

  it('documents every create type with its request path and own flags, and the common flags', () => {
    for (const operation of OPERATIONS) {
      expect(reference, operation.name).toContain(
        `| \`${operation.name}\` | \`${operation.batchOperationType}\` |`,
      );
      expect(reference, operation.name).toContain(operation.path);
      for (const option of operation.options)
        expect(reference, `${operation.name} ${option.flags}`).toContain(longFlag(option));
    }
    for (const option of [...CREATE_OPTIONS, ...FILTER_OPTIONS.processInstance, ...FILTER_OPTIONS.job]) {
      expect(reference, option.flags).toContain(longFlag(option));
    }
  });
});
