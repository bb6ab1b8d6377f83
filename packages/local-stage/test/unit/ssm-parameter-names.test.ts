import { handleSsmOperation, ParameterStore } from '../../src/ssm';
import {
  assertRegionServed,
  isServedHere,
  parseReference,
  referenceArn,
} from '../../src/ssm/parameter-names';

const HOME = { region: 'us-east-1', accountId: '000000000000' };

describe('SSM parameter names given as ARNs', () => {
  it('reads the name, selector and owner of a parameter ARN', () => {
    expect(parseReference('arn:aws:ssm:eu-west-1:111111111111:parameter/shared/url:3')).toEqual({
      name: '/shared/url',
      selector: ':3',
      owner: { partition: 'aws', region: 'eu-west-1', accountId: '111111111111' },
    });
    expect(parseReference('/local/users/url')).toEqual({ name: '/local/users/url' });
  });

  it('authorizes on the ARN as named, and on this account and region for a plain name', () => {
    expect(
      referenceArn(parseReference('arn:aws:ssm:us-east-1:111111111111:parameter/shared/url:3'), HOME),
    ).toBe('arn:aws:ssm:us-east-1:111111111111:parameter/shared/url');
    expect(referenceArn(parseReference('arn:aws:ssm:us-east-1:111111111111:parameter/flag'), HOME)).toBe(
      'arn:aws:ssm:us-east-1:111111111111:parameter/flag',
    );
    expect(referenceArn(parseReference('/local/users/url'), HOME)).toBe(
      'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url',
    );
  });

  it('is served here only for a plain name or an ARN of this account and region', () => {
    expect(isServedHere(parseReference('/x'), HOME)).toBe(true);
    expect(isServedHere(parseReference('arn:aws:ssm:us-east-1:000000000000:parameter/x'), HOME)).toBe(true);
    expect(isServedHere(parseReference('arn:aws:ssm:us-east-1:111111111111:parameter/x'), HOME)).toBe(false);
    expect(isServedHere(parseReference('arn:aws:ssm:eu-west-1:000000000000:parameter/x'), HOME)).toBe(false);
  });

  it('refuses an ARN of another region with a ValidationException', () => {
    expect(() =>
      assertRegionServed(parseReference('arn:aws:ssm:eu-west-1:000000000000:parameter/x'), HOME),
    ).toThrow(expect.objectContaining({ status: 400, errorType: 'ValidationException' }));
    expect(() =>
      assertRegionServed(parseReference('arn:aws:ssm:us-east-1:111111111111:parameter/x'), HOME),
    ).not.toThrow();
  });

  it('never answers a foreign ARN from this account’s store, whatever authorized the call', async () => {
    const store = new ParameterStore();
    store.put('/local/users/url', 'http://users.example', { type: 'String' });
    for (const operation of ['GetParameter', 'DeleteParameter']) {
      await expect(
        handleSsmOperation(
          store,
          operation,
          { Name: 'arn:aws:ssm:us-east-1:111111111111:parameter/local/users/url' },
          HOME,
        ),
      ).rejects.toThrow(expect.objectContaining({ errorType: 'ValidationException' }));
    }
    await expect(
      handleSsmOperation(
        store,
        'GetParameters',
        { Names: ['arn:aws:ssm:eu-west-1:000000000000:parameter/local/users/url'] },
        HOME,
      ),
    ).rejects.toThrow(expect.objectContaining({ errorType: 'ValidationException' }));
    expect(store.get('/local/users/url')?.value).toBe('http://users.example');
  });
});
