import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { identityKeyProvider } from '../ingestion/identity-key.provider';
import { EvidenceController } from './evidence.controller';
import { EvidenceService } from './evidence.service';

@Module({ imports: [AuditModule], controllers: [EvidenceController], providers: [EvidenceService, identityKeyProvider] })
export class EvidenceModule {}
