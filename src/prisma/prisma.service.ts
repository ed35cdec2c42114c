import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { ENV, type Env } from '../config/config.module';
import { pgRoleOptions } from '../config/env';
import { DatabaseUnreachableError } from './database';

/** The Prisma client over `@prisma/adapter-pg`; connects at start and fails fast when it cannot. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(ENV) private readonly env: Env) {
    super({ adapter: new PrismaPg({ connectionString: env.DATABASE_URL, max: 10, ...pgRoleOptions(env) }) });
  }
  async onModuleInit(): Promise<void> {
    try {
      await this.$queryRaw`SELECT 1`;
    } catch (e) {
      throw new DatabaseUnreachableError(this.env.DATABASE_URL, e);
    }
  }
  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
