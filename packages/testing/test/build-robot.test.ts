import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineRobot, parseForm, toRobotCall } from '@b24hooks/core';
import { FIXTURE_EVENT_TOKEN, FIXTURE_PORTAL, FIXTURE_TOKEN, buildRobotBody, buildRobotForm } from '@b24hooks/testing';
import { startPhpOracle, type PhpOracle } from '../../../test/php/oracle.js';

const sendInvoice = defineRobot({
  code: 'send_invoice',
  name: 'Send invoice',
  properties: {
    email: { type: 'string', required: true },
    body: { type: 'text' },
    copies: { type: 'int', default: 1 },
    amount: { type: 'double' },
    urgent: { type: 'bool' },
    due: { type: 'date' },
    format: { type: 'select', options: { pdf: 'PDF', docx: 'DOCX' }, default: 'pdf' },
    owner: { type: 'user' },
    cc: { type: 'string', multiple: true },
  },
  returnProperties: { sent: { type: 'bool' } },
});

let php: PhpOracle;
beforeAll(async () => {
  php = await startPhpOracle();
});
afterAll(() => php.close());

describe('buildRobotBody', () => {
  it('writes the fields in the order Bitrix24 posts them, each declared property, booleans as Y/N', () => {
    const body = buildRobotBody(sendInvoice, { email: 'a@b.c', urgent: true, cc: ['x@y.z', 'q@r.s'] });
    const keys = [...new URLSearchParams(body).keys()];
    expect(keys.slice(0, 8)).toEqual([
      'workflow_id',
      'code',
      'document_id[0]',
      'document_id[1]',
      'document_id[2]',
      'document_type[0]',
      'document_type[1]',
      'document_type[2]',
    ]);
    expect(keys).toContain('event_token');
    expect(keys.indexOf('use_subscription')).toBeGreaterThan(keys.indexOf('properties[cc][1]'));
    expect(keys.slice(-12, -11)).toEqual(['auth[access_token]']);
    const form = parseForm(body);
    expect(form.properties).toEqual({
      email: 'a@b.c',
      body: '',
      copies: '1',
      amount: '',
      urgent: 'Y',
      due: '',
      format: 'pdf',
      owner: '',
      cc: ['x@y.z', 'q@r.s'],
    });
    expect(form).toMatchObject({ code: 'send_invoice', event_token: FIXTURE_EVENT_TOKEN, use_subscription: 'Y', timeout_duration: '0' });
    expect(form.auth).toMatchObject({ application_token: FIXTURE_TOKEN, member_id: FIXTURE_PORTAL.memberId });
  });

  it('is byte for byte what PHP http_build_query writes for the same array, multi-line and Unicode text included', async () => {
    const body = buildRobotBody(sendInvoice, { email: 'ä+ö@example.com', body: 'Zeile 1\nZeile 2\r\n€ & 100%', copies: 3, amount: 12.5 });
    const [answer] = await php.encode([parseForm(body)]);
    expect(answer).toEqual({ ok: true, result: body });
    const [parsed] = await php.parse([body]);
    expect(parsed).toEqual({ ok: true, result: parseForm(body) });
  });

  it('becomes the typed call the receiver gives a handler', () => {
    const call = toRobotCall(parseForm(buildRobotBody(sendInvoice, { email: 'a@b.c', copies: 2, urgent: false })), sendInvoice);
    expect(call.properties).toMatchObject({ email: 'a@b.c', copies: 2, urgent: false, format: 'pdf', cc: [] });
    expect(call.useSubscription).toBe(true);
    expect(call.document).toEqual({ module: 'crm', entity: 'CCrmDocumentDeal', id: 'DEAL_18' });
  });

  it('takes a bare code, use_subscription N or absent, a timeout, another token and document', () => {
    const form = buildRobotForm('anything', { x: '1' }, { useSubscription: null, timeout: 60, token: 'other', document: ['lists', 'BizprocDocument', '7'] });
    expect(form.use_subscription).toBeUndefined();
    expect(form).toMatchObject({ code: 'anything', properties: { x: '1' }, timeout_duration: '60', document_id: ['lists', 'BizprocDocument', '7'] });
    expect(buildRobotForm(sendInvoice, {}, { useSubscription: 'N' }).use_subscription).toBe('N');
    const waitsNot = defineRobot({ code: 'fire', name: 'Fire', useSubscription: false });
    expect(buildRobotForm(waitsNot).use_subscription).toBe('N');
    expect(form.auth).toMatchObject({ application_token: 'other' });
  });
});
