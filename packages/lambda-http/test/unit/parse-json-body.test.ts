import * as z from 'zod';
import { BadRequestError, PayloadTooLargeError, parseJsonBody, UnsupportedMediaTypeError } from '../../src';
import { caught, proxyEvent } from '../../src/testing';

const schema = z.strictObject({ email: z.email(), name: z.string().min(1) });
const valid = { email: 'ada@example.com', name: 'Ada' };

describe('parseJsonBody', () => {
  it('returns the parsed, validated body', () => {
    const event = proxyEvent({
      body: JSON.stringify(valid),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(parseJsonBody(event, schema)).toEqual(valid);
  });

  it('decodes base64 bodies', () => {
    const event = proxyEvent({
      body: Buffer.from(JSON.stringify(valid)).toString('base64'),
      isBase64Encoded: true,
    });
    expect(parseJsonBody(event, schema)).toEqual(valid);
  });

  it.each(['application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json'])(
    'accepts the JSON media type %s',
    (contentType) => {
      const event = proxyEvent({ body: JSON.stringify(valid), headers: { 'content-type': contentType } });
      expect(parseJsonBody(event, schema)).toEqual(valid);
    },
  );

  it('rejects a non-JSON Content-Type with 415', () => {
    const event = proxyEvent({
      body: 'email=a',
      headers: { 'CONTENT-TYPE': 'application/x-www-form-urlencoded' },
    });
    const error = caught(() => parseJsonBody(event, schema));
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error.statusCode).toBe(415);
  });

  it('rejects a body over maxBytes with 413, counting decoded bytes', () => {
    const body = JSON.stringify({ ...valid, name: 'é'.repeat(40) });
    const error = caught(() => parseJsonBody(proxyEvent({ body }), schema, { maxBytes: 64 }));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.statusCode).toBe(413);
  });

  it('applies a 64 KiB limit by default', () => {
    const body = JSON.stringify({ ...valid, name: 'x'.repeat(64 * 1024) });
    expect(caught(() => parseJsonBody(proxyEvent({ body }), schema)).statusCode).toBe(413);
  });

  it.each([null, ''])('rejects a missing body (%p) with 400', (body) => {
    const error = caught(() => parseJsonBody(proxyEvent({ body }), schema));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.toBody()).toEqual({
      message: 'Request body is required',
      fields: [{ path: '', message: 'Required' }],
    });
  });

  it('rejects malformed JSON with 400 naming the body as a whole', () => {
    const error = caught(() => parseJsonBody(proxyEvent({ body: '{"email":' }), schema));
    expect(error.statusCode).toBe(400);
    expect(error.toBody()).toEqual({
      message: 'Request body is not valid JSON',
      fields: [{ path: '', message: 'Must be JSON' }],
    });
  });

  it('rejects a schema failure with 400 naming each field, unknown ones included', () => {
    const body = JSON.stringify({ email: 'not-an-email', name: '', admin: true });
    const error = caught(() => parseJsonBody(proxyEvent({ body }), schema));
    expect(error.statusCode).toBe(400);
    expect(error.toBody()).toEqual({
      message: 'Invalid request body',
      fields: expect.arrayContaining([
        { path: 'email', message: expect.any(String) },
        { path: 'name', message: expect.any(String) },
        { path: 'admin', message: 'Unknown field' },
      ]),
    });
  });

  it('names the root when the body is not an object', () => {
    const error = caught(() => parseJsonBody(proxyEvent({ body: '[1,2]' }), schema));
    expect(error.toBody()).toEqual({
      message: 'Invalid request body',
      fields: [{ path: '', message: expect.stringContaining('object') }],
    });
  });
});
