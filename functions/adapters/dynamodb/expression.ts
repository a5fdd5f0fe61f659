import type { Pushdown } from '#domain/filter/plan-query.ts';

export interface CompiledExpression {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Builds DynamoDB expressions with generated placeholders (`#n0`, `:v0`): names and values never
 * enter the expression text, whatever a filter contains.
 */
export class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private nameCount = 0;
  private valueCount = 0;
  private readonly nameIds = new Map<string, string>();

  name(attribute: string): string {
    let id = this.nameIds.get(attribute);
    if (!id) {
      id = `#n${this.nameCount++}`;
      this.nameIds.set(attribute, id);
      this.names[id] = attribute;
    }
    return id;
  }

  path(path: readonly string[]): string {
    return path.map((part) => this.name(part)).join('.');
  }

  value(value: unknown): string {
    const id = `:v${this.valueCount++}`;
    this.values[id] = value;
    return id;
  }

  /** The pushdown as a filter expression. */
  filter(pushdown: Pushdown): string {
    switch (pushdown.kind) {
      case 'compare':
        return `${this.path(pushdown.path)} ${pushdown.op} ${this.value(pushdown.value)}`;
      case 'in': {
        const path = this.path(pushdown.path);
        const groups: string[] = [];
        for (let start = 0; start < pushdown.values.length; start += DDB_IN_MAX) {
          const operands = pushdown.values.slice(start, start + DDB_IN_MAX).map((value) => this.value(value));
          groups.push(`${path} IN (${operands.join(', ')})`);
        }
        return groups.length === 1 ? groups[0] : groups.map((group) => `(${group})`).join(' OR ');
      }
      case 'exists':
        return `${pushdown.exists ? 'attribute_exists' : 'attribute_not_exists'}(${this.path(pushdown.path)})`;
      case 'beginsWith':
        return `begins_with(${this.path(pushdown.path)}, ${this.value(pushdown.prefix)})`;
      case 'contains':
        return `contains(${this.path(pushdown.path)}, ${this.value(pushdown.value)})`;
      case 'nonEmpty':
        // size() of an absent attribute makes the comparison false: absent counts as empty.
        return `size(${this.path(pushdown.path)}) > ${this.value(0)}`;
      case 'not':
        return `NOT (${this.filter(pushdown.item)})`;
      case 'and':
      case 'or':
        return pushdown.items
          .map((item) => `(${this.filter(item)})`)
          .join(pushdown.kind === 'and' ? ' AND ' : ' OR ');
    }
  }

  /** Names and values for a command, omitted when empty (DynamoDB rejects empty maps). */
  attributes(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    return {
      ...(this.nameCount > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

/** DynamoDB's IN takes at most 100 operands; larger lists are split into ORed INs. */
export const DDB_IN_MAX = 100;
