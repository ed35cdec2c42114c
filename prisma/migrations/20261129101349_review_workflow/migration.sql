-- CreateEnum
CREATE TYPE "ReviewVerdict" AS ENUM ('confirmed', 'dismissed', 'escalated');

-- AlterTable
ALTER TABLE "flag" ADD COLUMN     "claimed_by_id" UUID,
ADD COLUMN     "claimed_until" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "review_decision" (
    "id" UUID NOT NULL,
    "flag_id" UUID NOT NULL,
    "verdict" "ReviewVerdict" NOT NULL,
    "rationale" TEXT NOT NULL,
    "decided_by_id" UUID NOT NULL,
    "decided_role" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "case_reference" TEXT,
    "supersedes_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "system_setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "system_setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "review_decision_supersedes_id_key" ON "review_decision"("supersedes_id");

-- CreateIndex
CREATE INDEX "review_decision_flag_id_created_at_idx" ON "review_decision"("flag_id", "created_at");

-- AddForeignKey
ALTER TABLE "review_decision" ADD CONSTRAINT "review_decision_flag_id_fkey" FOREIGN KEY ("flag_id") REFERENCES "flag"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Review decisions are append-only: a reversal is a new row that supersedes the old one.
CREATE OR REPLACE FUNCTION review_decision_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'review_decision is append-only: % refused (record a new decision that supersedes it)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER review_decision_no_update_delete
  BEFORE UPDATE OR DELETE ON "review_decision"
  FOR EACH ROW EXECUTE FUNCTION review_decision_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON "review_decision" FROM smugwatch_app;
