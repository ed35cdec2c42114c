import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FlagsRepository } from '../flags/flags.repository';
import { FlaggingController } from './flagging.controller';
import { ReviewController } from './review.controller';
import { ReviewService } from './review.service';

@Module({ imports: [AuditModule], controllers: [ReviewController, FlaggingController], providers: [ReviewService, FlagsRepository] })
export class ReviewModule {}
