-- CreateTable
CREATE TABLE "evidence_package" (
    "id" UUID NOT NULL,
    "created_by_id" UUID NOT NULL,
    "unit" TEXT NOT NULL,
    "case_reference" TEXT NOT NULL,
    "legal_basis" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "flag_ids" TEXT[],
    "manifest_sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_package_pkey" PRIMARY KEY ("id")
);
