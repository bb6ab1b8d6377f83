// In a `u` regular expression a surrogate pair is read as one code point, so only an unpaired
// (lone) surrogate matches the Surrogate category.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether a string is well-formed UTF-16, i.e. can be encoded as UTF-8 (`String.prototype.isWellFormed`
 * of ES2024). JSON can carry a lone surrogate (`"\ud800"`) but UTF-8 cannot: DynamoDB, a URL path or a
 * query string would receive something else, or refuse it.
 *
 * @example
 * isWellFormedText('Ada 🚀'); // true
 * isWellFormedText('\ud800'); // false
 */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/**
 * The message a 400 gives for a string with a lone surrogate. zod stays out of this module (the users
 * client's bundle carries lambda-http but not zod), so schemas refine with it themselves.
 *
 * @example
 * const userId = z.string().refine(isWellFormedText, { message: NOT_WELL_FORMED }).min(1);
 */
export const NOT_WELL_FORMED = 'Must be well-formed Unicode text (it holds an unpaired surrogate)';
