-- AlterTable
ALTER TABLE "post" ADD COLUMN     "cluster_signature" JSONB;

-- CreateTable
CREATE TABLE "post_cluster_key" (
    "post_id" UUID NOT NULL,
    "key" TEXT NOT NULL,

    CONSTRAINT "post_cluster_key_pkey" PRIMARY KEY ("key","post_id")
);

-- CreateIndex
CREATE INDEX "post_cluster_key_post_id_idx" ON "post_cluster_key"("post_id");

-- AddForeignKey
ALTER TABLE "post_cluster_key" ADD CONSTRAINT "post_cluster_key_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "post"("id") ON DELETE CASCADE ON UPDATE CASCADE;
