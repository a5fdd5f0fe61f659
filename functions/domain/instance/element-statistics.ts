import { z } from 'zod';
import type { ProcessInstance } from './process-instance.ts';

/** Camunda's ProcessDefinitionElementStatisticsQuery: a process-instance filter (the definition is the path's). */
export const definitionStatisticsSchema = z
  .object({ filter: z.record(z.string(), z.unknown()).optional() })
  .strict();

/** Camunda's ProcessElementStatisticsResult: how many element instances of an element are in each state. */
export interface ElementStatistics {
  elementId: string;
  active: number;
  canceled: number;
  incidents: number;
  completed: number;
}

/**
 * Counts element instances per element, as Operate's diagram shows them: an active one with an open
 * incident counts under `incidents` (not `active`), a terminated one under `canceled`. Only elements
 * a token waited at have element instances here (tasks, subprocesses; not events and gateways).
 */
export class ElementCounter {
  private readonly counts = new Map<string, ElementStatistics>();

  add(instance: ProcessInstance): void {
    for (const element of instance.elementInstances) {
      let counts = this.counts.get(element.elementId);
      if (!counts) {
        counts = { elementId: element.elementId, active: 0, canceled: 0, incidents: 0, completed: 0 };
        this.counts.set(element.elementId, counts);
      }
      if (element.state === 'COMPLETED') counts.completed++;
      else if (element.state === 'TERMINATED') counts.canceled++;
      else if (element.hasIncident) counts.incidents++;
      else counts.active++;
    }
  }

  /** Camunda's element statistics result, by element id. */
  result(): { items: ElementStatistics[] } {
    return { items: [...this.counts.values()].sort((a, b) => a.elementId.localeCompare(b.elementId)) };
  }
}
