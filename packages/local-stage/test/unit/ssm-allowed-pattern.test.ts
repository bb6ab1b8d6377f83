import { AwsError } from '../../src/errors';
import { AllowedPatternMatcher } from '../../src/ssm';

// A catastrophic pattern: nested quantifiers backtrack exponentially on a near miss.
const CATASTROPHIC = '^(a+)+$';
const NEAR_MISS = `${'a'.repeat(40)}!`;

describe('AllowedPatternMatcher', () => {
  const matcher = new AllowedPatternMatcher({ timeoutMs: 200 });
  afterAll(() => matcher.close());

  it('tells a match, a mismatch and an invalid pattern apart', async () => {
    expect(await matcher.test('^\\d+$', '42')).toBe('match');
    expect(await matcher.test('^\\d+$', '4x2')).toBe('mismatch');
    expect(await matcher.test('(unclosed', 'x')).toBe('invalid');
  });

  it('refuses a pattern that runs past the bound, then goes on checking others', async () => {
    const outcome = matcher.test(CATASTROPHIC, NEAR_MISS);
    await expect(outcome).rejects.toThrow(AwsError);
    await expect(outcome).rejects.toMatchObject({
      status: 400,
      errorType: 'ValidationException',
      message: expect.stringContaining(
        `[local stage] AllowedPattern ${CATASTROPHIC} did not finish within 200 ms`,
      ),
    });
    expect(await matcher.test('^a+$', 'aaa')).toBe('match');
  });

  it('keeps the main thread free while a pattern runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await matcher.test(CATASTROPHIC, NEAR_MISS).catch(() => undefined);
    clearInterval(timer);
    // A pattern run on the main thread would have let no timer fire until it was stopped.
    expect(ticks).toBeGreaterThan(1);
  });

  it('answers patterns one after the other, each within its own bound', async () => {
    const outcomes = await Promise.allSettled([
      matcher.test(CATASTROPHIC, NEAR_MISS),
      matcher.test('^b$', 'b'),
      matcher.test('^b$', 'c'),
    ]);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'refused'))).toEqual([
      'refused',
      'match',
      'mismatch',
    ]);
  });

  it('fails at construction on a bound that is not positive', () => {
    expect(() => new AllowedPatternMatcher({ timeoutMs: 0 })).toThrow(
      'AllowedPattern timeoutMs must be positive',
    );
  });
});
