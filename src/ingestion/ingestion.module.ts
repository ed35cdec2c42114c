import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ClassifyProducer } from '../queue/classify.producer';
import { IngestionController } from './ingestion.controller';
import { IngestionRepository } from './ingestion.repository';
import { IngestionService } from './ingestion.service';
import { identityKeyProvider } from './identity-key.provider';

@Module({
  imports: [AuditModule, QueueModule],
  controllers: [IngestionController],
  providers: [IngestionService, IngestionRepository, ClassifyProducer, identityKeyProvider],
  exports: [ClassifyProducer, identityKeyProvider],
})
export class IngestionModule {}
