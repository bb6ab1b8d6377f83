import {
  checkHeaderSize,
  checkMethodArnLength,
  checkUrlLength,
  MAX_HEADER_BYTES,
  MAX_METHOD_ARN_BYTES,
  MAX_URL_CHARACTERS,
} from '../../src/apigateway';
import { AwsError } from '../../src/errors';

function outcome(check: () => void): string {
  try {
    check();
    return 'passes';
  } catch (error) {
    if (error instanceof AwsError) return `${error.status} ${error.message}`;
    throw error;
  }
}

/** Headers whose names, values, `: ` and CRLFs add up to exactly `bytes`. */
function headersOf(bytes: number): Array<[string, string]> {
  return [['X-Padding', 'p'.repeat(bytes - 'X-Padding'.length - 4)]];
}

// Figures from "Quotas for configuring and running a REST API in API Gateway" and "Amazon API
// Gateway quotas and important notes".
describe("API Gateway's request quotas", () => {
  it('allows 10,240 bytes of headers, names and line ends included, and refuses one more (8,000 for a private API)', () => {
    expect(MAX_HEADER_BYTES).toEqual({ EDGE: 10_240, REGIONAL: 10_240, PRIVATE: 8_000 });
    expect(outcome(() => checkHeaderSize(headersOf(10_240), 'REGIONAL'))).toBe('passes');
    expect(outcome(() => checkHeaderSize(headersOf(10_241), 'REGIONAL'))).toBe(
      '431 Request Header Fields Too Large',
    );
    expect(outcome(() => checkHeaderSize(headersOf(8_001), 'PRIVATE'))).toBe(
      '431 Request Header Fields Too Large',
    );
  });

  it('measures the URL as it is on AWS: 10,240 characters for a regional API, 8,192 for edge-optimized', () => {
    expect(MAX_URL_CHARACTERS).toEqual({ EDGE: 8_192, REGIONAL: 10_240, PRIVATE: 8_192 });
    const origin = 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com';
    const url = (length: number) => ({
      apiId: 'a1b2c3d4e5',
      region: 'us-east-1',
      pathAndQuery: `/local/${'x'.repeat(length - origin.length - '/local/'.length)}`,
    });
    expect(outcome(() => checkUrlLength(url(10_240), 'REGIONAL'))).toBe('passes');
    expect(outcome(() => checkUrlLength(url(10_241), 'REGIONAL'))).toBe('414 Request URI too long');
    expect(outcome(() => checkUrlLength(url(8_193), 'EDGE'))).toBe('414 Request URI too long');
  });

  it('answers a method ARN over 1,600 bytes with 414 Request URI too long, as the guide says', () => {
    const arn = (bytes: number) =>
      `arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/local/GET/`.padEnd(bytes, 'x');
    expect(MAX_METHOD_ARN_BYTES).toBe(1_600);
    expect(outcome(() => checkMethodArnLength([arn(1_600)]))).toBe('passes');
    expect(outcome(() => checkMethodArnLength([arn(1_599), arn(1_601)]))).toBe('414 Request URI too long');
    // Bytes, not characters: 800 two-byte characters and a little more are over.
    expect(outcome(() => checkMethodArnLength([`${arn(100)}${'é'.repeat(800)}`]))).toBe(
      '414 Request URI too long',
    );
  });
});
