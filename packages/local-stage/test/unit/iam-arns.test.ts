import fc from 'fast-check';
import { ownerOfResource, parseArn } from '../../src/iam/arns';

describe('the account that owns a resource', () => {
  it.each([
    ['arn:aws:dynamodb:us-east-1:111111111111:table/users', '111111111111'],
    ['arn:aws:execute-api:us-east-1:000000000000:a1b2c3/local/GET/users/a:b', '000000000000'],
    ['arn:aws:s3:::bucket/key', undefined],
    ['*', undefined],
    ['arn:aws:dynamodb:us-east-1:111111111111:', undefined],
  ])('of %s is %s', (resource, account) => {
    expect(ownerOfResource(resource)).toBe(account);
  });

  it('is the account field of the ARN as parseArn reads it, for any text', () => {
    const piece = fc.constantFrom('arn', ':', 'aws', '', '1', 'x/y', '\n', '::');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join('')),
        (text) => {
          expect(ownerOfResource(text)).toBe(parseArn(text)?.account || undefined);
        },
      ),
      { seed: 20261126, numRuns: 2000 },
    );
  });
});
