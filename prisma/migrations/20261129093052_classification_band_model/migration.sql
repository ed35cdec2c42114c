-- AlterTable
ALTER TABLE "classification" ADD COLUMN     "band" TEXT NOT NULL DEFAULT 'low',
ADD COLUMN     "flagged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "model_probability" DOUBLE PRECISION,
ADD COLUMN     "pipeline_version" TEXT NOT NULL DEFAULT 'pipeline-1.0.0';

-- AlterTable
ALTER TABLE "flag" ADD COLUMN     "band" TEXT NOT NULL DEFAULT 'medium';

-- CreateIndex
CREATE INDEX "flag_status_band_score_idx" ON "flag"("status", "band", "score");
