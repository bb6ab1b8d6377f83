import fc from 'fast-check';
import { gatewayPath } from '../../src/apigateway';
import { AwsError } from '../../src/errors';
import { routedSegments, signedSegments, TRICKY_SEGMENTS } from '../fixtures/apigateway/path-segments';

function refusal(path: string): string | undefined {
  try {
    gatewayPath(path);
    return undefined;
  } catch (error) {
    if (error instanceof AwsError) return `${error.status} ${error.errorType}`;
    throw error;
  }
}

describe('gatewayPath', () => {
  it('keeps an ordinary path as received, with one ARN path', () => {
    expect(gatewayPath('/users/42')).toEqual({ raw: '/users/42', arnPaths: ['/users/42'] });
    expect(gatewayPath('')).toEqual({ raw: '/', arnPaths: ['/'] });
    expect(gatewayPath('/')).toEqual({ raw: '/', arnPaths: ['/'] });
  });

  it('authorizes a trailing slash both with and without it, as API Gateway may build the ARN either way', () => {
    expect(gatewayPath('/users/42/')).toEqual({ raw: '/users/42/', arnPaths: ['/users/42/', '/users/42'] });
  });

  it('authorizes an escaped path both as received and decoded, and routes it as received', () => {
    expect(gatewayPath('/users/ada%40example.com')).toEqual({
      raw: '/users/ada%40example.com',
      arnPaths: ['/users/ada%40example.com', '/users/ada@example.com'],
    });
    expect(gatewayPath('/users/%41%C3%A9')).toEqual({
      raw: '/users/%41%C3%A9',
      arnPaths: ['/users/%41%C3%A9', '/users/Aé'],
    });
  });

  it.each([
    ['a repeated slash', '/users//42'],
    ['a leading repeated slash', '//users/42'],
    ['a trailing repeated slash', '/users/42//'],
    ['a dot segment', '/users/./42'],
    ['a dot-dot segment', '/users/../users/42'],
    ['an encoded dot-dot segment', '/users/%2e%2e/admin'],
    ['a half-encoded dot segment', '/users/.%2E/admin'],
    ['a trailing dot segment', '/users/42/..'],
    ['an encoded slash', '/users/a%2Fb'],
    ['an encoded slash in lower case', '/users/a%2fb'],
    ['an encoded backslash', '/users/a%5Cb'],
    ['a raw backslash', '/users/a\\b'],
    ['a malformed escape', '/users/%zz'],
    ['a truncated escape', '/users/%4'],
    ['a lone percent sign', '/users/100%'],
    ['an escape that is not UTF-8', '/users/%FF'],
    ['a raw non-ASCII character', '/users/é'],
    ['a raw space', '/users/a b'],
    ['a raw control character', '/users/a\tb'],
    ['a fragment', '/users/a#b'],
  ])(
    'refuses a path with %s as one no route serves (403), never guessing at what API Gateway does',
    (_, path) => {
      expect(refusal(path)).toBe('403 MissingAuthenticationTokenException');
    },
  );

  it('says why it refuses, and where that is documented', () => {
    expect(() => gatewayPath('/users/%2e%2e/admin')).toThrow(
      "Missing Authentication Token ([local stage] The path has a dot segment ('%2e%2e'): API Gateway's handling of such a path is not documented, so no route serves it here; see SECURITY.md)",
    );
  });

  // The signer normalises the path before signing (RFC 3986 dot-segment removal, empty segments
  // merged: botocore, smithy, and the stage's verifier alike). On every path the front door accepts,
  // that normalisation changes nothing: the path signed is the path routed and the path authorized.
  it('accepts only paths that signing, routing and the method ARN all see the same way', () => {
    const segment = fc.oneof(
      fc.constantFrom('users', '42', ...TRICKY_SEGMENTS, '%', 'é'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.boolean(), (segments, trailing) => {
        const path = `/${segments.join('/')}${trailing ? '/' : ''}`;
        let accepted: ReturnType<typeof gatewayPath>;
        try {
          accepted = gatewayPath(path);
        } catch (error) {
          if (error instanceof AwsError && error.status === 403) return;
          throw error;
        }
        expect(accepted.raw).toBe(path);
        expect(signedSegments(path)).toEqual(routedSegments(accepted.raw));
        const asReceived = `/${routedSegments(path).join('/')}`;
        const decoded = `/${routedSegments(path).map(decodeURIComponent).join('/')}`;
        const spellings = [asReceived, decoded].flatMap((arnPath) => [arnPath, `${arnPath}/`]);
        expect(accepted.arnPaths).toContain(asReceived);
        for (const arnPath of accepted.arnPaths) expect(spellings).toContain(arnPath);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});
