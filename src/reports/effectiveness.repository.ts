/**
 * Reads the facts behind the effectiveness report (one per flag, counts of classified posts). Plain
 * class over a Prisma client, so the API (through PrismaService) and the CLI (its own client) run
 * the same SQL.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { latestVerdict, type ClassifiedFact, type DecisionFact, type FlagFact, type ReportWindow } from './domain/effectiveness';

export class EffectivenessRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Flags and classified posts in the report's windows: the baseline period [baselineStart,
   * firstStart) and the reported range [from, to). One fact per flag (flags are raised for human
   * review, so they number in the thousands, not millions); posts are counted in SQL.
   *
   * - A flag counts in the period it was raised (`flag.created_at`), with the flag's language.
   * - Its verdict is that of its latest decision ({@link latestVerdict}); no decision: pending (null).
   * - Its rules are the distinct `ruleId`s of its classification's explanation `hits`. When retention
   *   has erased the explanation, the rule ids recorded in the classification's audit event are used.
   * - A post counts as classified in the period of its classification (`classification.created_at`),
   *   with the post's language; a post classified twice in a period counts once.
   * Reads no post text and no handle.
   */
  async load(w: ReportWindow): Promise<{ flags: FlagFact[]; classified: ClassifiedFact[] }> {
    const [flags, classified] = await Promise.all([
      this.prisma.$queryRaw<{ period_start: string; language: string; rules: string[]; decisions: DecisionFact[] }[]>`
        WITH f AS (
          SELECT f.id, f.post_id, f.language, f.classification_id,
                 to_char(date_trunc(${w.period}::text, f.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period_start
          FROM flag f
          WHERE (f.created_at >= ${w.baselineStart}::timestamptz AND f.created_at < ${w.firstStart}::timestamptz)
             OR (f.created_at >= ${w.from}::timestamptz AND f.created_at < ${w.to}::timestamptz)
        )
        SELECT f.period_start, f.language, COALESCE(r.rules, '{}'::text[]) AS rules,
               COALESCE((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'verdict', d.verdict, 'supersedesId', d.supersedes_id, 'createdAt', d.created_at))
                         FROM review_decision d WHERE d.flag_id = f.id), '[]'::jsonb) AS decisions
        FROM f
        JOIN classification c ON c.id = f.classification_id
        LEFT JOIN LATERAL (
          SELECT array_agg(DISTINCT x.rule ORDER BY x.rule) AS rules FROM (
            SELECT h->>'ruleId' AS rule
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(c.explanation->'hits') = 'array' THEN c.explanation->'hits' ELSE '[]'::jsonb END) h
            UNION ALL
            SELECT a.rule FROM (
              SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.details->'rules') = 'array' THEN e.details->'rules' ELSE '[]'::jsonb END) AS rule
              FROM audit_event e
              WHERE jsonb_typeof(c.explanation->'hits') IS DISTINCT FROM 'array'
                AND e.resource_type = 'post' AND e.resource_id = f.post_id::text AND e.action = 'classification'
                AND e.details->>'classificationId' = c.id::text
            ) a
          ) x WHERE x.rule IS NOT NULL
        ) r ON true`,
      this.prisma.$queryRaw<{ period_start: string; language: string; n: bigint }[]>`
        SELECT to_char(date_trunc(${w.period}::text, c.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period_start, p.language, count(DISTINCT c.post_id) AS n
        FROM classification c JOIN post p ON p.id = c.post_id
        WHERE (c.created_at >= ${w.baselineStart}::timestamptz AND c.created_at < ${w.firstStart}::timestamptz)
           OR (c.created_at >= ${w.from}::timestamptz AND c.created_at < ${w.to}::timestamptz)
        GROUP BY 1, 2`,
    ]);
    return {
      flags: flags.map((r) => ({ periodStart: r.period_start, language: r.language, rules: r.rules, verdict: latestVerdict(r.decisions), n: 1 })),
      classified: classified.map((r) => ({ periodStart: r.period_start, language: r.language, n: Number(r.n) })),
    };
  }
}
