import type { Metric, Registry } from "prom-client";

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative), the last one being +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram that takes many equal observations at once. The inter-token latency histogram gets one
 * observation per gap between tokens; prom-client's Histogram hashes the labels and searches the buckets per call,
 * i.e. per generated token, where this does it once per request. Registered in a prom-client Registry and rendered
 * by it like its own histograms (`_bucket` with `le` first, `_sum`, `_count`).
 */
export class BatchHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<string, Series>();

  constructor(readonly name: string, readonly help: string, private readonly upperBounds: readonly number[], registry: Registry) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** `times` observations of `value`. */
  observeMany(labels: Record<string, string>, value: number, times: number): void {
    if (times <= 0 || !Number.isFinite(value)) return;
    const key = JSON.stringify(labels);
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels: { ...labels }, counts: new Float64Array(this.upperBounds.length + 1), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    let bucket = this.upperBounds.findIndex((bound) => value <= bound);
    if (bucket < 0) bucket = this.upperBounds.length;
    series.counts[bucket]! += times;
    series.sum += value * times;
    series.count += times;
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string | number>; value: number; metricName: string }[] }> {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, i) => {
        cumulative += series.counts[i]!;
        values.push({ labels: { le: bound, ...series.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: "+Inf", ...series.labels }, value: series.count, metricName: `${this.name}_bucket` });
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    this.series.clear();
  }
}
