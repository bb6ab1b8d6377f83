import { createHash } from 'node:crypto';
import { RequestSigner } from 'aws4';

export interface RequestToSign {
  method: string;
  /** Absolute URL exactly as it will be sent (path and query already percent-encoded as on the wire). */
  url: string;
  /**
   * Headers to send and sign. A header that appears several times is passed once, its values joined
   * with `,` in order (`a,b`): that is the SigV4 canonical form. A folded (multi-line) value may be
   * passed raw: SigV4 collapses its whitespace, but Node refuses to send it, so unfold it before sending.
   */
  headers: Record<string, string>;
  body?: string | Buffer | Uint8Array;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignOptions {
  service: string;
  region: string;
  /**
   * Default true except for s3. API Gateway (`execute-api`) and the other services encode the
   * already-encoded path once more in the canonical request; S3 and the generic `service` of the AWS
   * test suite do not.
   */
  doubleEncodePath?: boolean;
  /** For tests: a fixed clock. An `x-amz-date` header in the request wins over it. */
  now?: () => Date;
}

type Headers = Record<string, string>;

/**
 * Signs a request with AWS Signature Version 4 (aws4 does the canonical request and the HMACs) and
 * returns the complete header set to send: the input headers plus `Host`, `X-Amz-Date`,
 * `X-Amz-Content-Sha256` (s3 only), `X-Amz-Security-Token` (when there is a session token) and
 * `Authorization`.
 *
 * @example
 * const headers = signRequest(
 *   { method: 'GET', url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/users/42', headers: {} },
 *   await fromEnv()(),
 *   { service: 'execute-api', region: 'eu-west-1' },
 * );
 */
export function signRequest(
  request: RequestToSign,
  credentials: AwsCredentials,
  options: SignOptions,
): Headers {
  const url = new URL(request.url);
  const body = toSignableBody(request.body);
  const headers = withSigningHeaders(request.headers, url, credentials, options, body);
  const signer = new RequestSigner(
    {
      method: request.method.toUpperCase(),
      host: url.host,
      path: url.pathname + url.search,
      headers,
      body,
      service: options.service,
      region: options.region,
      // aws4 encodes each path segment once more unless told the path is final (what S3 expects).
      doNotEncodePath: !(options.doubleEncodePath ?? options.service !== 's3'),
      // We add the signing headers ourselves: left alone, aws4 would also add and sign Content-Type
      // and Content-Length headers that the caller never meant to send.
      doNotModifyHeaders: true,
    },
    credentials,
  );
  // With doNotModifyHeaders aws4 no longer reads X-Amz-Date, so give it the date we send.
  signer.datetime = headerValue(headers, 'x-amz-date');
  const signed = signer.sign();
  return { ...headers, Authorization: String(signed.headers?.Authorization) };
}

function toSignableBody(body: RequestToSign['body']): string | Buffer | undefined {
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return body;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Adds the headers SigV4 requires, replacing stale copies (any letter case) of the ones we own. */
function withSigningHeaders(
  input: Headers,
  url: URL,
  credentials: AwsCredentials,
  options: SignOptions,
  body: string | Buffer | undefined,
): Headers {
  const headers = withoutHeaders(input, ['authorization']);
  setIfAbsent(headers, 'Host', url.host);
  setIfAbsent(headers, 'X-Amz-Date', toAmzDate(options.now?.() ?? new Date()));
  if (credentials.sessionToken) {
    // The token must be signed too: API Gateway rejects a request whose token is not in SignedHeaders.
    replace(headers, 'X-Amz-Security-Token', credentials.sessionToken);
  }
  if (options.service === 's3') {
    setIfAbsent(
      headers,
      'X-Amz-Content-Sha256',
      createHash('sha256')
        .update(body ?? '')
        .digest('hex'),
    );
  }
  return headers;
}

/** `20150830T123600Z`: ISO 8601 basic format, the only date format SigV4 accepts. */
function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

function findKey(headers: Headers, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(headers).find((key) => key.toLowerCase() === lower);
}

function headerValue(headers: Headers, name: string): string | undefined {
  const key = findKey(headers, name);
  return key === undefined ? undefined : headers[key]?.trim();
}

function withoutHeaders(headers: Headers, lowerCaseNames: string[]): Headers {
  return Object.fromEntries(
    Object.entries(headers).filter(([key]) => !lowerCaseNames.includes(key.toLowerCase())),
  );
}

/** Keeps a caller's value (in whatever case it was written) but under the name aws4 looks for. */
function setIfAbsent(headers: Headers, name: string, value: string): void {
  const key = findKey(headers, name);
  const existing = key === undefined ? undefined : headers[key];
  replace(headers, name, existing ?? value);
}

function replace(headers: Headers, name: string, value: string): void {
  for (let key = findKey(headers, name); key !== undefined; key = findKey(headers, name)) delete headers[key];
  headers[name] = value;
}
