import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PrismaService } from '../prisma/prisma.service';
import { QUEUE } from '../queue/queue.constants';
import { withTimeout } from '../queue/redis';

/**
 * Prometheus metrics of the API process. Queue and pipeline figures are read at scrape time from
 * Redis and PostgreSQL, so they cover every worker process without workers serving HTTP.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'smugwatch_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });

  constructor(private readonly prisma: PrismaService, @InjectQueue(QUEUE.classify) private readonly queue: Queue) {
    collectDefaultMetrics({ register: this.registry, prefix: 'smugwatch_api_' });
    const self = this;
    new Gauge({
      name: 'smugwatch_queue_jobs', help: 'Classify jobs by state (all workers)', labelNames: ['state'], registers: [this.registry],
      async collect() {
        const counts = await withTimeout(self.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'), 2000, 'Redis').catch(() => ({}));
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    const countBy = (name: string, help: string, label: string, read: () => Promise<{ key: string; n: number }[]>) =>
      new Gauge({
        name, help, labelNames: [label], registers: [this.registry],
        async collect() {
          const rows = await read();
          this.reset();
          for (const r of rows) this.set({ [label]: r.key }, r.n);
        },
      });
    countBy('smugwatch_posts', 'Stored posts by status', 'status', async () =>
      (await self.prisma.post.groupBy({ by: ['status'], _count: { _all: true } })).map((r) => ({ key: r.status, n: r._count._all })));
    countBy('smugwatch_classifications', 'Classifications stored (jobs processed by all workers), by label', 'label', async () =>
      (await self.prisma.classification.groupBy({ by: ['label'], _count: { _all: true } })).map((r) => ({ key: r.label, n: r._count._all })));
    countBy('smugwatch_flags', 'Flags raised, by status', 'status', async () =>
      (await self.prisma.flag.groupBy({ by: ['status'], _count: { _all: true } })).map((r) => ({ key: r.status, n: r._count._all })));
    new Gauge({
      name: 'smugwatch_classification_latency_seconds', help: 'Ingest-to-classification latency over the last 15 minutes', labelNames: ['quantile'], registers: [this.registry],
      async collect() {
        const rows = await self.prisma.$queryRaw<{ p50: number | null; p95: number | null }[]>`
          SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.created_at - p.created_at)) AS p50,
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM c.created_at - p.created_at)) AS p95
          FROM classification c JOIN post p ON p.id = c.post_id WHERE c.created_at > now() - interval '15 minutes'`;
        const r = rows[0];
        this.set({ quantile: '0.5' }, Number(r?.p50 ?? 0));
        this.set({ quantile: '0.95' }, Number(r?.p95 ?? 0));
      },
    });
  }
}
