import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ReportsController } from './reports.controller';

@Module({ imports: [AuditModule], controllers: [ReportsController] })
export class ReportsModule {}
