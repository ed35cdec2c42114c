#!/usr/bin/env node
// Runs `prisma generate`. Prisma's CLI insists on a native schema engine binary that cannot be
// downloaded here; generation does not use it, so any existing file satisfies the check.
const { spawnSync } = require('node:child_process');
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || __filename, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const r = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], { env, stdio: 'inherit' });
process.exit(r.status ?? 1);
