import { afterAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildEventBody } from '@b24hooks/testing';
import { FORM, GuardedModule, startApp } from './support/apps.js';

describe('smoke', () => {
  it('module route and guard answer', async () => {
    const app = await startApp({ imports: [GuardedModule] });
    afterAll(() => app.close());
    const body = buildEventBody('ONCRMDEALUPDATE');
    const a = await request(app.getHttpServer()).post('/b24').type(FORM).send(body);
    expect([a.status, a.body]).toEqual([200, { ok: true }]);
    const b = await request(app.getHttpServer()).post('/guarded').type(FORM).send(body);
    expect([b.status, b.body]).toEqual([200, { ok: true }]);
    const c = await request(app.getHttpServer()).post('/guarded').type(FORM).send(body.replace(/application_token%5D=[^&]+/, 'application_token%5D=x'));
    expect([c.status, c.body]).toEqual([401, expect.objectContaining({ error: expect.objectContaining({ code: 'TOKEN_MISMATCH' }) })]);
  });
});
it('runs on the Nest of its vitest project', async ({ task }) => {
  const { NEST_MAJOR, NEST_VERSION } = await import('./support/nest-version.js');
  console.log(task.file.projectName, NEST_VERSION);
  expect(NEST_MAJOR).toBe(task.file.projectName === 'nest11' ? 11 : 12);
});
