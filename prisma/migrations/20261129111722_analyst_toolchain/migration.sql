-- CreateTable
CREATE TABLE "ruleset_version" (
    "version" TEXT NOT NULL,
    "files" JSONB NOT NULL,
    "rule_count" INTEGER NOT NULL,
    "origin" TEXT NOT NULL,
    "note" TEXT,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ruleset_version_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "shadow_classification" (
    "post_id" UUID NOT NULL,
    "ruleset_version" TEXT NOT NULL,
    "model_version" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "flagged" BOOLEAN NOT NULL,
    "band" TEXT NOT NULL,
    "rule_ids" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shadow_classification_pkey" PRIMARY KEY ("post_id","ruleset_version","model_version")
);

-- CreateTable
CREATE TABLE "backtest" (
    "id" UUID NOT NULL,
    "ruleset_version" TEXT NOT NULL,
    "model_version" TEXT NOT NULL,
    "from" TIMESTAMPTZ(3) NOT NULL,
    "to" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "cursor" UUID,
    "requested_by_id" TEXT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "backtest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backtest_result" (
    "backtest_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "flagged" BOOLEAN NOT NULL,
    "band" TEXT NOT NULL,
    "rule_ids" TEXT[],

    CONSTRAINT "backtest_result_pkey" PRIMARY KEY ("backtest_id","post_id")
);

-- CreateIndex
CREATE INDEX "shadow_classification_ruleset_version_created_at_idx" ON "shadow_classification"("ruleset_version", "created_at");

-- CreateIndex
CREATE INDEX "backtest_result_post_id_idx" ON "backtest_result"("post_id");

-- CreateIndex
CREATE INDEX "flag_created_at_idx" ON "flag"("created_at");

-- AddForeignKey
ALTER TABLE "shadow_classification" ADD CONSTRAINT "shadow_classification_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "post"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backtest_result" ADD CONSTRAINT "backtest_result_backtest_id_fkey" FOREIGN KEY ("backtest_id") REFERENCES "backtest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backtest_result" ADD CONSTRAINT "backtest_result_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "post"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Ruleset versions are history: who proposed or deployed which rules, and when. The service may add
-- versions but never alter or remove one.
REVOKE UPDATE, DELETE, TRUNCATE ON "ruleset_version" FROM smugwatch_app;
