/**
 * `npm run bench:ingest [-- --posts 10000 --workers 2 --batch 1000 --concurrency 2]`: end-to-end
 * throughput, from HTTP in to flag persisted, on a database made afresh (`smugwatch_bench`).
 * Prints posts/s for ingestion alone and end to end, and the peak RSS of the API and each worker.
 */
import { parseArgs } from 'node:util';
import { ROOT, peakRssMiB, startStack } from './lib/stack';

const OFFERS = [
  'Boat to Italy from Zuwara every week, 2500 euro, safe and guaranteed arrival, contact WhatsApp +44 7700 900{n}',
  'رحلة إلى إيطاليا من ليبيا هذا الأسبوع، السعر 3000 يورو، مضمون 100%، واتساب +44 7700 900{n}',
  'Passage vers l\'Angleterre en camion, départ demain soir, 2000 €, garanti, contactez-nous sur Telegram @fake_trip_{n}',
  'Cruce seguro a Estados Unidos, 4500 dólares, pago al llegar, escríbenos por WhatsApp +44 7700 900{n}',
];
const OTHERS = [
  'Warning from our aid group: never pay anyone for a sea crossing, it is dangerous. Call the helpline for legal advice.',
  'Police arrested four men in Calais suspected of organising crossings; the investigation continues, prosecutors said.',
  'Our agency offers flights to Istanbul and hotel packages, licensed tour operator, visa assistance at the embassy.',
  'Looking for my brother who left Sfax in August, he is 19, please write if you have any news of him.',
  'Family dinner tonight, then a walk by the harbour. Boats look beautiful in the evening light.',
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { posts: { type: 'string', default: '10000' }, workers: { type: 'string', default: '2' }, batch: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '2' }, 'worker-concurrency': { type: 'string', default: '16' } } });
  const total = Number(values.posts);
  const batchSize = Number(values.batch);
  const stack = await startStack({ dbName: 'smugwatch_bench', prefix: 'smugwatch-bench', workers: Number(values.workers), extraEnv: { CLASSIFY_CONCURRENCY: values['worker-concurrency'], LOG_LEVEL: 'warn' } });
  try {
    const key = await stack.key('reviewer', 'bench-collector');
    const provenance = { sourcePlatform: 'telegram', collectionMethod: 'platform_export', legalBasis: 'BENCHMARK: generated posts', collectedBy: 'bench', collectedAt: new Date().toISOString() };
    const posts = Array.from({ length: total }, (_, i) => {
      const n = String(100 + (i % 900));
      const text = (i % 10 < 3 ? OFFERS[i % OFFERS.length]! : OTHERS[i % OTHERS.length]!).replace('{n}', n) + ` #${i}`;
      return { platform: 'telegram', platformPostId: `bench-${i}`, url: `https://t.me/fake_bench/${i}`, authorHandle: `@fake_bench_${i % 500}`, text, visibility: 'public' };
    });
    const batches: (typeof posts)[] = [];
    for (let i = 0; i < posts.length; i += batchSize) batches.push(posts.slice(i, i + batchSize));
    console.log(`bench: ${total} posts in ${batches.length} batches of ${batchSize}, ${values.concurrency} concurrent requests, ${values.workers} worker process(es) × concurrency ${values['worker-concurrency']}`);

    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: Number(values.concurrency) }, async () => {
      while (next < batches.length) {
        const b = batches[next++]!;
        const res = await fetch(`${stack.baseUrl}/v1/ingest/batches`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ provenance, posts: b }) });
        if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      }
    }));
    const tIngested = performance.now();
    let classified = 0;
    for (;;) {
      classified = await stack.prisma.post.count({ where: { status: 'classified' } });
      if (classified >= total) break;
      if (performance.now() - t0 > 30 * 60_000) throw new Error(`timed out at ${classified}/${total}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const tDone = performance.now();
    const flags = await stack.prisma.flag.count();
    const secs = (tDone - t0) / 1000;
    console.log(`ingest (HTTP 202 for all batches): ${((tIngested - t0) / 1000).toFixed(2)} s, ${(total / ((tIngested - t0) / 1000)).toFixed(0)} posts/s`);
    console.log(`end to end (HTTP in → classification and flag persisted): ${secs.toFixed(2)} s, ${(total / secs).toFixed(0)} posts/s; ${flags} flags raised`);
    console.log(`peak RSS: API ${peakRssMiB(stack.api.pid)?.toFixed(0)} MiB; ${stack.workers.map((w, i) => `worker ${i + 1} ${peakRssMiB(w.pid)?.toFixed(0)} MiB`).join('; ')}`);
  } finally {
    await stack.stop();
  }
  void ROOT;
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
