-- CreateEnum
CREATE TYPE "RevealStatus" AS ENUM ('pending', 'approved', 'refused', 'revealed');

-- CreateTable
CREATE TABLE "author_identity" (
    "pseudonym" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "author_identity_pkey" PRIMARY KEY ("pseudonym")
);

-- CreateTable
CREATE TABLE "reveal_request" (
    "id" UUID NOT NULL,
    "pseudonym" TEXT NOT NULL,
    "requester_id" UUID NOT NULL,
    "unit" TEXT NOT NULL,
    "case_reference" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "justification" TEXT NOT NULL,
    "status" "RevealStatus" NOT NULL DEFAULT 'pending',
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "revealed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reveal_request_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "reveal_request_unit_status_idx" ON "reveal_request"("unit", "status");
