// Prisma 7 configuration. The CLI is used only for `prisma generate`; migrations are applied by
// scripts/db-migrate.ts with Prisma's WebAssembly schema engine.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/smugwatch' },
});
