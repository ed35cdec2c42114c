import { Module } from '@nestjs/common';
import { LoggingModule } from './common/logging';
import { ConfigModule } from './config/config.module';
import { ClassifyPostProcessor } from './detection/classify-post.processor';
import { DetectionModule } from './detection/detection.module';
import { activeRulesetProvider } from './detection/detector.provider';
import { MaintenanceProcessor } from './detection/maintenance.processor';
import { AuditModule } from './audit/audit.module';
import { ActivationService } from './audit/activation.service';
import { PrismaModule } from './prisma/prisma.module';
import { QueueModule } from './queue/queue.module';
import { DeployedRulesetService } from './rulesets/deployed-ruleset.service';
import { BacktestProcessor } from './backtests/backtest.processor';

/** The worker process: the same feature modules plus every processor (the only place they are provided). */
@Module({
  imports: [ConfigModule, LoggingModule, PrismaModule, QueueModule, AuditModule, DetectionModule],
  providers: [ClassifyPostProcessor, MaintenanceProcessor, ActivationService, activeRulesetProvider, DeployedRulesetService, BacktestProcessor],
})
export class WorkerModule {}
