import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from '../../../src';
import { NodeSha256 } from './sha256';

/** A request as it left the client: what a SigV4 verifier on the other side gets to see. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/**
 * The Authorization header that @smithy/signature-v4 (the AWS SDK's signer, an implementation
 * independent of aws4) computes for the request as sent, over the headers it claims to sign.
 */
export async function independentAuthorization(
  sent: SentRequest,
  credentials: AwsCredentials,
  scope: { service: string; region: string; uriEscapePath?: boolean },
): Promise<string> {
  const headers = lowerCaseKeys(sent.headers);
  const signer = new SignatureV4({
    credentials,
    region: scope.region,
    service: scope.service,
    sha256: NodeSha256,
    uriEscapePath: scope.uriEscapePath ?? true,
    applyChecksum: false,
  });
  const url = new URL(sent.url);
  const signed = await signer.sign(
    {
      method: sent.method.toUpperCase(),
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: parseQuery(url.search),
      headers: pick(headers, signedHeaderNames(headers.authorization)),
      body: sent.body,
    },
    { signingDate: fromAmzDate(headers['x-amz-date']) },
  );
  return String(signed.headers.authorization);
}

/** The `SignedHeaders=` list of an Authorization header. */
export function signedHeaderNames(authorization: string | undefined): string[] {
  return /SignedHeaders=([^,]+)/.exec(authorization ?? '')?.[1]?.split(';') ?? [];
}

export function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

function pick(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.filter((name) => name in headers).map((name) => [name, headers[name] as string]),
  );
}

// Read the query literally, as AWS does: `+` is a plus, only %XX escapes are decoded.
function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of search.replace(/^\?/, '').split('&').filter(Boolean)) {
    const [key = '', value = ''] = pair.split(/=(.*)/s, 2).map(decodeURIComponent);
    const existing = query[key];
    query[key] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return query;
}

function fromAmzDate(amzDate: string | undefined): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '');
  if (!m) throw new Error(`not an X-Amz-Date: ${amzDate}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}
