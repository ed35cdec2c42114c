import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { identityKeyProvider } from '../ingestion/identity-key.provider';
import { RevealController } from './reveal.controller';

@Module({ imports: [AuditModule], controllers: [RevealController], providers: [identityKeyProvider] })
export class IdentityModule {}
