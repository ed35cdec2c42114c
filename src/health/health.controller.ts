import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, PrismaHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { PublicRoute } from '../auth/access.decorator';
import { PrismaService } from '../prisma/prisma.service';
import { QUEUE } from '../queue/queue.constants';
import { withTimeout } from '../queue/redis';

/** Readiness: PostgreSQL answers a query and Redis answers a ping. Public, for probes; no data. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly prismaIndicator: PrismaHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly prisma: PrismaService,
    @InjectQueue(QUEUE.classify) private readonly queue: Queue,
  ) {}

  @Get()
  @PublicRoute()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.prismaIndicator.pingCheck('database', this.prisma, { timeout: 3000 }),
      async () => {
        const redis = this.indicators.check('redis');
        try {
          const client = await withTimeout(this.queue.client, 2000, 'Redis');
          const pong = await withTimeout((client as unknown as { ping(): Promise<string> }).ping(), 2000, 'Redis');
          return pong === 'PONG' ? redis.up() : redis.down('no PONG');
        } catch (e) {
          return redis.down((e as Error).message);
        }
      },
    ]);
  }
}
