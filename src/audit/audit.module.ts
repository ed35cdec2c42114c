import { Module } from '@nestjs/common';
import { ENV, type Env } from '../config/config.module';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService, SIGNING_KEY } from './audit.service';
import { loadSigningKey } from './signing-key';

const signingKey = { provide: SIGNING_KEY, inject: [ENV], useFactory: (env: Env) => loadSigningKey(env.AUDIT_SIGNING_KEY_FILE, env.NODE_ENV === 'production') };

@Module({ controllers: [AuditController], providers: [AuditRepository, AuditService, signingKey], exports: [AuditRepository, AuditService, SIGNING_KEY] })
export class AuditModule {}
