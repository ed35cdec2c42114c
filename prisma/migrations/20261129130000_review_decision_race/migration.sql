-- One first decision per flag. Every later decision supersedes an earlier one (supersedes_id is
-- unique already), so at most one decision of a flag may have supersedes_id NULL. Two simultaneous
-- first decisions could both be written before; the service now also locks the flag row while it
-- decides, and this index is the database's own guarantee.
-- A partial index cannot be written in schema.prisma: it lives in SQL only.

-- Decisions are append-only, so rows that break the rule cannot be repaired here: name them.
DO $$
DECLARE
  dup text;
BEGIN
  SELECT string_agg(flag_id::text, ', ') INTO dup
  FROM (SELECT flag_id FROM review_decision WHERE supersedes_id IS NULL GROUP BY flag_id HAVING count(*) > 1 ORDER BY flag_id LIMIT 20) d;
  IF dup IS NOT NULL THEN
    RAISE EXCEPTION 'review_decision: these flags have more than one first decision (supersedes_id NULL): % (two simultaneous decisions, recorded before this fix); the index cannot be built until a database owner resolves them', dup;
  END IF;
END
$$;

-- CreateIndex
CREATE UNIQUE INDEX "review_decision_one_first_per_flag" ON "review_decision"("flag_id") WHERE "supersedes_id" IS NULL;
