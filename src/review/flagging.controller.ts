import { Controller, Get, Post, Req } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { Access } from '../auth/access.decorator';
import { auditActor, type AppRequest } from '../auth/request-context';
import { PrismaService } from '../prisma/prisma.service';
import { FLAGGING_PAUSED, isFlaggingPaused } from './flagging-switch';

/** The whole-queue stop (admins): pause or resume the raising of flags; scoring goes on. */
@Controller('v1/admin/flagging')
export class FlaggingController {
  constructor(private readonly prisma: PrismaService, private readonly audit: AuditRepository) {}

  @Get()
  @Access('flagging.pause')
  async state() {
    return { paused: await isFlaggingPaused(this.prisma) };
  }

  @Post('pause')
  @Access('flagging.pause')
  pause(@Req() req: AppRequest) {
    return this.set(true, req);
  }

  @Post('resume')
  @Access('flagging.pause')
  resume(@Req() req: AppRequest) {
    return this.set(false, req);
  }

  private async set(paused: boolean, req: AppRequest) {
    const ctx = req.ctx!;
    await this.prisma.$transaction(async (tx) => {
      await tx.systemSetting.upsert({ where: { key: FLAGGING_PAUSED }, update: { value: paused, updatedBy: ctx.principal.id }, create: { key: FLAGGING_PAUSED, value: paused, updatedBy: ctx.principal.id } });
      await this.audit.append(tx, [{ ...auditActor(ctx), action: paused ? 'flagging.pause' : 'flagging.resume', outcome: 'success', resourceType: 'service' }]);
    });
    return { paused };
  }
}
