-- AlterTable
ALTER TABLE "audit_event" ADD COLUMN     "policy_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "recipients" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "ingest_batch" ADD COLUMN     "unit" TEXT NOT NULL DEFAULT 'unassigned';

-- CreateTable
CREATE TABLE "audit_checkpoint" (
    "id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "head_hash" TEXT NOT NULL,
    "signed_at" TIMESTAMPTZ(3) NOT NULL,
    "key_id" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "audit_checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_checkpoint_seq_idx" ON "audit_checkpoint"("seq");

-- CreateIndex
CREATE INDEX "audit_event_actor_id_idx" ON "audit_event"("actor_id");

-- CreateIndex
CREATE INDEX "audit_event_resource_type_resource_id_idx" ON "audit_event"("resource_type", "resource_id");

-- CreateIndex
CREATE INDEX "audit_event_case_reference_idx" ON "audit_event"("case_reference");
