import { isWellFormedText } from '../../src';

describe('isWellFormedText', () => {
  it.each(['', 'Ada', 'Zoë', '日本', '🚀', 'a\u0000b'])('accepts %j, which UTF-8 can carry', (text) => {
    expect(isWellFormedText(text)).toBe(true);
  });

  it.each(['\ud800', '\udfff', 'a\ud83d', '\ude80b', '🚀\ud800'])(
    'refuses %j, which holds a lone surrogate',
    (text) => {
      expect(isWellFormedText(text)).toBe(false);
    },
  );
});
