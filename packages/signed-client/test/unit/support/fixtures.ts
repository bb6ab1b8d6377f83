import type { AwsCredentials } from '../../../src';
import type { CapturedRequest } from './fake-transport';
import { independentAuthorization, lowerCaseKeys, signedHeaderNames } from './independent-signature';

export const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev';

export const CREDENTIALS: AwsCredentials = {
  accessKeyId: 'AKIDUNITTEST',
  secretAccessKey: 'unit-test-secret-key',
  sessionToken: 'unit-test-session-token',
};

export const staticCredentials = async (): Promise<AwsCredentials> => CREDENTIALS;

/** Recomputes the signature of a captured request with @smithy/signature-v4 and compares. */
export async function expectValidSignature(
  sent: CapturedRequest,
  scope: { service?: string; region?: string; credentials?: AwsCredentials } = {},
): Promise<void> {
  const expected = await independentAuthorization(sent, scope.credentials ?? CREDENTIALS, {
    service: scope.service ?? 'execute-api',
    region: scope.region ?? 'eu-west-1',
  });
  expect(sent.headers.Authorization).toBe(expected);
}

export function signedHeadersOf(sent: CapturedRequest): string[] {
  return signedHeaderNames(lowerCaseKeys(sent.headers).authorization);
}
