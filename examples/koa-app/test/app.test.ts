import { buildEventBody, FIXTURE_PORTAL } from '@b24hooks/testing';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM .js example without declarations
import { createApp } from '../app.js';

const TOKEN = 'k0a-example-t0ken-000000000000001';

describe('examples/koa-app', () => {
  const lines: string[] = [];
  const warnings: string[] = [];
  const { app } = createApp({ log: (line: string) => lines.push(line), logger: { warn: (message: string) => warnings.push(message) } });
  const agent = supertest(app.callback());
  const post = (path: string, body: string) => agent.post(path).type('form').send(body);

  it('refuses events from a portal that has not installed the app', async () => {
    const response = await post('/b24', buildEventBody('ONCRMDEALUPDATE', { token: TOKEN }));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNKNOWN_PORTAL');
  });

  it('trusts the first install, then takes the portal events that carry its token', async () => {
    expect((await post('/b24', buildEventBody('ONAPPINSTALL', { token: TOKEN }))).status).toBe(200);
    expect((await post('/b24', buildEventBody('ONCRMDEALADD', { token: TOKEN, data: { FIELDS: { ID: 7 } } }))).status).toBe(200);
    expect((await post('/b24', buildEventBody('ONCRMDEALADD', { token: 'forged' }))).status).toBe(401);
    expect(lines).toEqual([`installed on ${FIXTURE_PORTAL.domain} (version 1.0.0)`, `ONCRMDEALADD for deal #7 on ${FIXTURE_PORTAL.domain}`]);
  });

  it('hands the event to its own route with respond: false', async () => {
    const response = await post('/b24/tasks', buildEventBody('ONTASKADD', { token: TOKEN }));
    expect(response.body).toEqual({ received: 'ONTASKADD', at: expect.any(String) });
  });

  it('keeps @koa/bodyparser working for its other routes', async () => {
    const response = await agent.post('/notes').send({ text: 'hi' });
    expect(response.body).toEqual({ saved: { text: 'hi' } });
    expect(warnings.some((message) => message.includes('body parser'))).toBe(false);
  });
});
