import { encodeForm, parseForm } from '@b24hooks/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakePortal, postBody, type FakePortal } from '@b24hooks/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let portal: FakePortal;
afterEach(() => portal?.close());

/** A receiving end that keeps each body and answers 200. */
async function collector() {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
      bodies.push(Buffer.concat(chunks).toString());
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/b24`, bodies, close: () => server.close() };
}

/** Calls the portal as an application does (`auth=<access token>` to its client endpoint): the result, or throws the error body. */
const appClient = (p: FakePortal) => ({
  async call(method: string, params: Record<string, unknown> = {}) {
    const answer = await postBody(`${p.clientEndpoint}${method}.json`, encodeForm({ ...params, auth: p.tokens.accessToken }));
    const body = answer.body as { result?: unknown; error?: string; error_description?: string };
    if (body.error !== undefined) throw Object.assign(new Error(body.error), { code: body.error, description: body.error_description });
    return body.result;
  },
});

describe('the fake portal\'s business-process side, over HTTP', () => {
  it('records bizproc.event.send and bizproc.activity.log; tokens of calls it posted are known', async () => {
    portal = await createFakePortal({ rateLimit: false });
    const end = await collector();
    try {
      const posted = await portal.postRobot(end.url, 'any_code', { x: '1' });
      await portal.postRobotCall(end.url, { code: 'raw', eventToken: 'raw|token|1' });
      const sent = parseForm(end.bodies[0]!);
      expect(sent.event_token).toBe(posted.eventToken);
      const b24 = appClient(portal);
      await b24.call('bizproc.event.send', { EVENT_TOKEN: posted.eventToken, RETURN_VALUES: { a: 'Y' }, LOG_MESSAGE: 'done' });
      await b24.call('bizproc.event.send', { event_token: 'raw|token|1', return_values: { b: ['1', '2'] } });
      await b24.call('bizproc.event.send', { EVENT_TOKEN: 'never|posted' });
      await b24.call('bizproc.activity.log', { EVENT_TOKEN: posted.eventToken, LOG_MESSAGE: 'a line' });
      expect(portal.bizproc.replies.map(({ eventToken, returnValues, known, logMessage }) => ({ eventToken, returnValues, known, logMessage }))).toEqual([
        { eventToken: posted.eventToken, returnValues: { a: 'Y' }, known: true, logMessage: 'done' },
        { eventToken: 'raw|token|1', returnValues: { b: ['1', '2'] }, known: true, logMessage: undefined },
        { eventToken: 'never|posted', returnValues: {}, known: false, logMessage: undefined },
      ]);
      expect(portal.bizproc.log).toMatchObject([{ eventToken: posted.eventToken, message: 'a line' }]);
      await expect(b24.call('bizproc.event.send', {})).rejects.toMatchObject({ code: 'ERROR_ARGUMENT' });
    } finally {
      end.close();
    }
  });

  it('keeps robots and activities apart, validates them as Bitrix24 does, and deletes them', async () => {
    portal = await createFakePortal({ rateLimit: false });
    const b24 = appClient(portal);
    const fields = { HANDLER: 'https://app.example.com/b24', NAME: 'A robot', PROPERTIES: { phone: { Name: 'Phone', Type: 'string' } } };
    await b24.call('bizproc.robot.add', { CODE: 'one', ...fields });
    await b24.call('bizproc.activity.add', { CODE: 'one', ...fields });
    expect(await b24.call('bizproc.robot.list')).toEqual(['one']);
    expect(await b24.call('bizproc.activity.list')).toEqual(['one']);
    await expect(b24.call('bizproc.robot.add', { CODE: 'one', ...fields })).rejects.toMatchObject({ code: 'ERROR_ACTIVITY_ALREADY_INSTALLED' });
    await expect(b24.call('bizproc.robot.add', { CODE: 'bad code', ...fields })).rejects.toMatchObject({ code: 'ERROR_ACTIVITY_VALIDATION_FAILURE', description: 'Wrong activity code!' });
    await expect(b24.call('bizproc.robot.add', { CODE: 'two', ...fields, HANDLER: 'ftp://x' })).rejects.toMatchObject({ code: 'ERROR_UNSUPPORTED_PROTOCOL' });
    await expect(b24.call('bizproc.robot.add', { CODE: 'two', ...fields, NAME: '' })).rejects.toMatchObject({ description: 'Empty activity NAME!' });
    await expect(b24.call('bizproc.robot.add', { CODE: 'two', ...fields, PROPERTIES: { '1x': { Name: 'x' } } })).rejects.toMatchObject({ description: 'Wrong property key 1x!' });
    await expect(b24.call('bizproc.robot.update', { CODE: 'missing', FIELDS: fields })).rejects.toMatchObject({ code: 'ERROR_ACTIVITY_NOT_FOUND' });
    await b24.call('bizproc.robot.update', { CODE: 'one', FIELDS: { NAME: 'Renamed' } });
    expect(portal.bizproc.robots.get('one')).toMatchObject({ updates: 1, fields: { NAME: 'Renamed', HANDLER: fields.HANDLER } });
    await b24.call('bizproc.robot.delete', { CODE: 'one' });
    expect(portal.bizproc.robots.size).toBe(0);
    expect(portal.bizproc.activities.size).toBe(1);
  });
});
