import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { identityKeyProvider } from '../ingestion/identity-key.provider';
import { RevealController } from './reveal.controller';
import { RevealService } from './reveal.service';

@Module({ imports: [AuditModule], controllers: [RevealController], providers: [identityKeyProvider, RevealService] })
export class IdentityModule {}
