/**
 * Candidate-versus-live verdicts on the same stored posts, for the shadow and backtest reports.
 * `a` is the live classification (the post's first), `b` the candidate's verdict; the label comes from
 * the human review of the live flag: confirmed → smuggling_ad, dismissed → not_smuggling, anything else
 * (pending, escalated, never flagged) → null (unknown). Posts with no live classification are left out
 * and counted.
 */
import type { PrismaClient } from '../generated/prisma/client';
import type { CompareRow } from '../evaluation/domain/compare';

type VerdictRow = CompareRow;

interface RawRow {
  id: string;
  lang: string;
  a_score: number | null;
  a_flagged: boolean | null;
  a_rules: string[] | null;
  b_score: number;
  b_flagged: boolean;
  b_rules: string[];
  flag_status: string | null;
}

/**
 * The live verdict of each post in `x` (its first classification), found with one DISTINCT ON over the
 * posts of the set: a plan that stays a hash join whatever the table statistics say (a per-row LATERAL
 * lookup degenerated into repeated scans on a freshly loaded database).
 */
const LIVE = `live AS (
    SELECT DISTINCT ON (c.post_id) c.post_id, c.id, c.score, c.flagged, c.explanation->'hits' AS hits
    FROM classification c WHERE c.post_id IN (SELECT post_id FROM x)
    ORDER BY c.post_id, c.created_at, c.id)`;

const SELECT_ROWS = `SELECT x.post_id::text AS id, p.language AS lang, live.score AS a_score, live.flagged AS a_flagged,
    ARRAY(SELECT h->>'ruleId' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(live.hits) = 'array' THEN live.hits ELSE '[]'::jsonb END) h) AS a_rules,
    x.score AS b_score, x.flagged AS b_flagged, x.rule_ids AS b_rules, f.status::text AS flag_status
  FROM x JOIN post p ON p.id = x.post_id
  LEFT JOIN live ON live.post_id = x.post_id
  LEFT JOIN flag f ON f.classification_id = live.id
  ORDER BY x.post_id`;

function toRows(raw: RawRow[]): { rows: VerdictRow[]; withoutLive: number } {
  const rows: VerdictRow[] = [];
  let withoutLive = 0;
  for (const r of raw) {
    if (r.a_score === null) {
      withoutLive++;
      continue;
    }
    rows.push({
      id: r.id,
      lang: r.lang,
      label: r.flag_status === 'confirmed' ? 'smuggling_ad' : r.flag_status === 'dismissed' ? 'not_smuggling' : null,
      a: { flagged: r.a_flagged ?? false, score: r.a_score, ruleIds: r.a_rules ?? [] },
      b: { flagged: r.b_flagged, score: r.b_score, ruleIds: r.b_rules ?? [] },
    });
  }
  return { rows, withoutLive };
}

/** Shadow verdicts of `version` recorded in [from, to), each next to the live one. */
export async function shadowVerdictRows(db: PrismaClient, version: string, from: Date, to: Date): Promise<{ rows: VerdictRow[]; withoutLive: number }> {
  const raw = await db.$queryRawUnsafe<RawRow[]>(
    `WITH x AS (SELECT post_id, score, flagged, rule_ids FROM shadow_classification WHERE ruleset_version = $1 AND created_at >= $2 AND created_at < $3), ${LIVE}
     ${SELECT_ROWS}`,
    version, from, to,
  );
  return toRows(raw);
}

/** Every result of backtest `id`, each next to the live verdict. */
export async function backtestVerdictRows(db: PrismaClient, id: string): Promise<{ rows: VerdictRow[]; withoutLive: number }> {
  const raw = await db.$queryRawUnsafe<RawRow[]>(`WITH x AS (SELECT post_id, score, flagged, rule_ids FROM backtest_result WHERE backtest_id = $1::uuid), ${LIVE} ${SELECT_ROWS}`, id);
  return toRows(raw);
}
