import type { EmfDocument } from '#commons/metrics.ts';

interface Series {
  name: string;
  unit: string;
  labels: Record<string, string>;
  count: number;
  sum: number;
}

/**
 * The embedded runtime's stand-in for CloudWatch: it reads the very EMF documents the handlers emit
 * and keeps their totals, served as Prometheus text (`GET /metrics`). Counts become counters;
 * durations become summaries (sum and count).
 */
export class MetricsRegistry {
  private readonly series = new Map<string, Series>();

  record(document: EmfDocument): void {
    const [directive] = document._aws.CloudWatchMetrics;
    const dimensionNames = directive.Dimensions.flat();
    const labels = Object.fromEntries(dimensionNames.map((name) => [name, String(document[name])]));
    for (const { Name, Unit } of directive.Metrics) {
      const values = ([] as unknown[]).concat(document[Name]).map(Number);
      const id = `${Name}${JSON.stringify(labels)}`;
      const series = this.series.get(id) ?? { name: Name, unit: Unit ?? 'None', labels, count: 0, sum: 0 };
      series.count += values.length;
      series.sum += values.reduce((total, value) => total + value, 0);
      this.series.set(id, series);
    }
  }

  prometheusText(): string {
    const lines: string[] = [];
    const typed = new Set<string>();
    const sorted = [...this.series.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const series of sorted) {
      const base = `batch_operations_${snakeCase(series.name)}`;
      const isCount = series.unit === 'Count';
      const metric = isCount ? `${base}_total` : `${base}_${snakeCase(series.unit)}`;
      if (!typed.has(metric)) {
        lines.push(`# TYPE ${metric} ${isCount ? 'counter' : 'summary'}`);
        typed.add(metric);
      }
      const labels = formatLabels(series.labels);
      if (isCount) {
        lines.push(`${metric}${labels} ${series.sum}`);
      } else {
        lines.push(`${metric}_sum${labels} ${series.sum}`, `${metric}_count${labels} ${series.count}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels).map(
    ([name, value]) => `${snakeCase(name)}="${value.replace(/["\\\n]/g, '\\$&')}"`,
  );
  return entries.length > 0 ? `{${entries.join(',')}}` : '';
}
