import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { apiKey, startApi, testPrisma } from '../support/harness';

describe('admin: principals and API keys', () => {
  let api: INestApplication;
  let prisma: PrismaClient;
  let admin: string;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startApi();
    admin = await apiKey(prisma, 'admin', 'operations');
  });
  afterAll(async () => {
    await api?.close();
    await prisma?.$disconnect();
  });

  it('creates a key that works at once, revokes it so it stops at once, and audits both', async () => {
    const server = api.getHttpServer();
    const created = await request(server).post('/v1/admin/keys').set('Authorization', `Bearer ${admin}`).send({ name: 'reviewer-admin-test', role: 'reviewer', unit: 'unit-k' }).expect(201);
    const key: string = created.body.apiKey;
    expect(key).toMatch(/^sw_/);
    await request(server).get('/v1/flags').set('Authorization', `Bearer ${key}`).set('X-Purpose', 'review').expect(200);

    const list = await request(server).get('/v1/admin/principals').set('Authorization', `Bearer ${admin}`).expect(200);
    const mine = list.body.find((p: { name: string }) => p.name === 'reviewer-admin-test');
    expect(JSON.stringify(list.body)).not.toContain(key); // only prefixes are ever shown again
    const keyId: string = mine.keys[0].id;

    await request(server).delete(`/v1/admin/keys/${keyId}`).set('Authorization', `Bearer ${admin}`).expect(204);
    await request(server).get('/v1/flags').set('Authorization', `Bearer ${key}`).set('X-Purpose', 'review').expect(401);
    await request(server).delete(`/v1/admin/keys/${keyId}`).set('Authorization', `Bearer ${admin}`).expect(404);

    const events = await prisma.auditEvent.findMany({ where: { resourceType: 'api_key', resourceId: keyId }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['key.create', 'key.revoke']);
  });

  it('refuses key management to other roles and bad bodies with the field path', async () => {
    const supervisor = await apiKey(prisma, 'supervisor');
    await request(api.getHttpServer()).post('/v1/admin/keys').set('Authorization', `Bearer ${supervisor}`).send({ name: 'x', role: 'admin', unit: 'u' }).expect(403);
    const bad = await request(api.getHttpServer()).post('/v1/admin/keys').set('Authorization', `Bearer ${admin}`).send({ name: 'x', role: 'root', unit: 'u' }).expect(400);
    expect(bad.body.details.issues[0].path).toBe('role');
  });
});
