import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, PrismaHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { PublicRoute } from '../auth/access.decorator';
import { PrismaService } from '../prisma/prisma.service';
import { QUEUE } from '../queue/queue.constants';

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
          const client = await this.queue.client;
          return (await (client as unknown as { ping(): Promise<string> }).ping()) === 'PONG' ? redis.up() : redis.down('no PONG');
        } catch (e) {
          return redis.down((e as Error).message);
        }
      },
    ]);
  }
}
