import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PrismaService } from '../prisma/prisma.service';
import { EffectivenessRepository } from './effectiveness.repository';
import { ReportsController } from './reports.controller';

// The repository is a plain class (the CLI builds its own); here it gets the service's client.
const effectiveness = { provide: EffectivenessRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new EffectivenessRepository(prisma) };

@Module({ imports: [AuditModule], controllers: [ReportsController], providers: [effectiveness] })
export class ReportsModule {}
