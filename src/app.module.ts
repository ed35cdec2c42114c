import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { ActivationService } from './audit/activation.service';
import { AccessGuard } from './auth/access.guard';
import { ResourceResolver } from './auth/resource-resolver';
import { ErrorFilter } from './common/http/error.filter';
import { LoggingModule } from './common/logging';
import { ConfigModule } from './config/config.module';
import { FlagsModule } from './flags/flags.module';
import { HealthModule } from './health/health.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { MetricsModule } from './metrics/metrics.module';
import { IdentityModule } from './identity/identity.module';
import { EvidenceModule } from './evidence/evidence.module';
import { PrismaModule } from './prisma/prisma.module';
import { ReportsModule } from './reports/reports.module';
import { ReviewModule } from './review/review.module';
import { RulesetsModule } from './rulesets/rulesets.module';
import { BacktestsModule } from './backtests/backtests.module';
import { EvaluationsModule } from './evaluation/evaluations.module';

/** The HTTP API process: producers only; no queue consumers run here. */
@Module({
  imports: [ConfigModule, LoggingModule, PrismaModule, AuditModule, AdminModule, IngestionModule, FlagsModule, ReviewModule, IdentityModule, ReportsModule, EvidenceModule, RulesetsModule, BacktestsModule, EvaluationsModule, HealthModule, MetricsModule],
  providers: [
    ResourceResolver,
    ActivationService,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
})
export class AppModule {}
