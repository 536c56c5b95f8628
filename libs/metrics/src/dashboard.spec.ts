import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricsRegistry, startMetrics } from './index';

interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
}

/** The Grafana dashboard under deploy/ only charts series the apps really export. */
describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(
    readFileSync(join(__dirname, '../../../deploy/grafana/label-studio-users.json'), 'utf8'),
  ) as Dashboard;

  it('names only metrics of the registry', async () => {
    startMetrics('test');
    const exported = new Set(
      (await metricsRegistry.getMetricsAsJSON()).flatMap((metric) =>
        String(metric.type) === 'histogram'
          ? [`${metric.name}_bucket`, `${metric.name}_count`, `${metric.name}_sum`]
          : [metric.name],
      ),
    );
    // Series names: what is left of an expression without its label matchers, groupings, ranges
    // and functions.
    const metrics = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) =>
        (
          target.expr
            .replace(/\{[^}]*\}/g, '')
            .replace(/\bby \([^)]*\)/g, '')
            .replace(/\[[^\]]*\]/g, '')
            .match(/[a-z_][a-z0-9_]*/g) ?? []
        ).filter((name) => !['rate', 'sum', 'max', 'histogram_quantile'].includes(name)),
      ),
    );
    expect(metrics.length).toBeGreaterThan(8);
    expect(metrics.filter((name) => !exported.has(name))).toEqual([]);
  });
});
