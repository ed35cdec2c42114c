-- CreateEnum
CREATE TYPE "Role" AS ENUM ('analyst', 'reviewer', 'supervisor', 'auditor', 'admin');

-- CreateEnum
CREATE TYPE "CollectionMethod" AS ENUM ('manual_capture', 'platform_api', 'platform_export', 'crawler');

-- CreateEnum
CREATE TYPE "PostStatus" AS ENUM ('queued', 'classified');

-- CreateEnum
CREATE TYPE "FlagStatus" AS ENUM ('pending', 'confirmed', 'dismissed', 'escalated');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('allow', 'deny', 'success', 'failure');

-- CreateTable
CREATE TABLE "principal" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "unit" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "principal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "principal_id" UUID NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingest_batch" (
    "id" UUID NOT NULL,
    "submitted_by_id" UUID NOT NULL,
    "source_platform" TEXT NOT NULL,
    "collection_method" "CollectionMethod" NOT NULL,
    "legal_basis" TEXT NOT NULL,
    "case_reference" TEXT,
    "collected_by" TEXT NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "tool_version" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "received_count" INTEGER NOT NULL,
    "accepted_count" INTEGER NOT NULL,
    "duplicate_count" INTEGER NOT NULL,
    "rejected_count" INTEGER NOT NULL,
    "rejections" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "ingest_batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post" (
    "id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "platform_post_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "author_pseudonym" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'und',
    "language_confidence" DOUBLE PRECISION,
    "posted_at" TIMESTAMPTZ(3),
    "raw_payload" JSONB NOT NULL,
    "raw_sha256" TEXT NOT NULL,
    "status" "PostStatus" NOT NULL DEFAULT 'queued',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "classification" (
    "id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "label" TEXT NOT NULL,
    "explanation" JSONB NOT NULL,
    "ruleset_version" TEXT NOT NULL,
    "model_version" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "flag_threshold" DOUBLE PRECISION NOT NULL,
    "worker_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "classification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "flag" (
    "id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "classification_id" UUID NOT NULL,
    "status" "FlagStatus" NOT NULL DEFAULT 'pending',
    "score" DOUBLE PRECISION NOT NULL,
    "language" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "seq" BIGINT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_id" TEXT,
    "actor_role" TEXT,
    "unit" TEXT,
    "action" TEXT NOT NULL,
    "resource_type" TEXT,
    "resource_id" TEXT,
    "purpose" TEXT,
    "case_reference" TEXT,
    "legal_basis" TEXT,
    "outcome" "AuditOutcome" NOT NULL,
    "reason" TEXT,
    "request_id" TEXT,
    "policy_version" TEXT,
    "ruleset_version" TEXT,
    "model_version" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "principal_name_key" ON "principal"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key"("key_hash");

-- CreateIndex
CREATE INDEX "post_status_created_at_idx" ON "post"("status", "created_at");

-- CreateIndex
CREATE INDEX "post_batch_id_idx" ON "post"("batch_id");

-- CreateIndex
CREATE UNIQUE INDEX "post_platform_platform_post_id_key" ON "post"("platform", "platform_post_id");

-- CreateIndex
CREATE INDEX "classification_created_at_idx" ON "classification"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "classification_post_id_ruleset_version_model_version_key" ON "classification"("post_id", "ruleset_version", "model_version");

-- CreateIndex
CREATE UNIQUE INDEX "flag_classification_id_key" ON "flag"("classification_id");

-- CreateIndex
CREATE INDEX "flag_status_score_idx" ON "flag"("status", "score");

-- CreateIndex
CREATE INDEX "flag_language_idx" ON "flag"("language");

-- CreateIndex
CREATE UNIQUE INDEX "audit_event_hash_key" ON "audit_event"("hash");

-- CreateIndex
CREATE INDEX "audit_event_occurred_at_idx" ON "audit_event"("occurred_at");

-- CreateIndex
CREATE INDEX "audit_event_action_idx" ON "audit_event"("action");

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_principal_id_fkey" FOREIGN KEY ("principal_id") REFERENCES "principal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_batch" ADD CONSTRAINT "ingest_batch_submitted_by_id_fkey" FOREIGN KEY ("submitted_by_id") REFERENCES "principal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post" ADD CONSTRAINT "post_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "ingest_batch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "classification" ADD CONSTRAINT "classification_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flag" ADD CONSTRAINT "flag_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flag" ADD CONSTRAINT "flag_classification_id_fkey" FOREIGN KEY ("classification_id") REFERENCES "classification"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
