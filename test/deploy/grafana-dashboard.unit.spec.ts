/**
 * The Grafana dashboard (deploy/grafana/jv-ledger.json) over exactly the metrics the services
 * register: every metric an expression names exists in the registry the API and the projector
 * build (a renamed metric would otherwise leave a panel silently empty).
 */
import { InMemoryEventStore } from '@app/event-store';
import { MetricsRegistry, registerConsumerRoles, timedPublisher, type Storage } from '@app/runtime';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerMetrics } from '../../apps/api/src/metrics/metrics';

type Dashboard = { panels: { title: string; targets: { expr: string }[] }[] };

const dashboard = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'deploy', 'grafana', 'jv-ledger.json'), 'utf8'),
) as Dashboard;

/** Every series name the registry exposes (a histogram as _bucket, _sum and _count). */
function registeredSeries(): Set<string> {
  const shared = new MetricsRegistry({ events: new InMemoryEventStore() } as unknown as Storage);
  new LedgerMetrics(shared);
  registerConsumerRoles(shared.registry, () => []);
  timedPublisher(
    { publish: async () => undefined, isTransient: () => false, disconnect: async () => undefined },
    shared.registry,
  );
  const names = new Set<string>();
  for (const metric of shared.registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/** Metric names in a PromQL expression: identifiers not followed by `(` and not label names. */
function metricsIn(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '');
  return (withoutLabels.match(/\b[a-z_][a-z0-9_]*\b(?!\s*\()/g) ?? []).filter(
    (word) => word.includes('_') && !/^\d/.test(word),
  );
}

describe('the Grafana dashboard', () => {
  const series = registeredSeries();

  it('names only metrics the services register, in every panel', () => {
    const missing = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) =>
        metricsIn(target.expr)
          .filter((name) => !series.has(name))
          .map((name) => `${panel.title}: ${name}`),
      ),
    );
    expect(missing).toEqual([]);
  });

  it('shows the head, lag in events and seconds, dead letters, leases, the notifier and HTTP', () => {
    const used = new Set(
      dashboard.panels.flatMap((panel) => panel.targets.flatMap((t) => metricsIn(t.expr))),
    );
    for (const name of [
      'jv_log_head_position',
      'jv_consumer_checkpoint_position',
      'jv_consumer_lag_events',
      'jv_consumer_lag_seconds',
      'jv_consumer_dead_letters',
      'jv_consumer_lease_epoch',
      'jv_notifier_publish_duration_seconds_bucket',
      'jv_notifier_publish_failures_total',
      'jv_http_request_duration_seconds_count',
      'jv_http_request_duration_seconds_bucket',
    ])
      expect(used).toContain(name);
  });

  it('finds metric names in an expression, not functions or labels', () => {
    expect(
      metricsIn(
        'histogram_quantile(0.95, sum by (route, le) (rate(jv_http_x_bucket{a="b_c"}[5m])))',
      ),
    ).toEqual(['jv_http_x_bucket']);
  });
});
