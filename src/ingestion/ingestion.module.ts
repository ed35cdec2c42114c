import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ClassifyProducer } from '../queue/classify.producer';
import { IngestionController } from './ingestion.controller';
import { IngestionRepository } from './ingestion.repository';
import { IngestionService } from './ingestion.service';

@Module({
  imports: [AuditModule, QueueModule],
  controllers: [IngestionController],
  providers: [IngestionService, IngestionRepository, ClassifyProducer],
  exports: [ClassifyProducer],
})
export class IngestionModule {}
