import { reject, type ServiceProfile } from './service-profile';
import type { SignatureParams } from './signature-params';

/** When a request says it was signed. */
export interface RequestTime {
  date: Date;
  /** The ISO 8601 basic form, `20150830T123600Z`, that the string to sign carries. */
  amzDate: string;
}

/** AWS's ceiling on `X-Amz-Expires`: one week. */
const MAX_EXPIRES_SECONDS = 604_800;

/**
 * Formats a date as SigV4 writes it.
 *
 * @example
 * formatAmzDate(new Date('2015-08-30T12:36:00.123Z')) // '20150830T123600Z'
 */
export function formatAmzDate(date: Date): string {
  const iso = date.toISOString();
  // `YYYY-MM-DDTHH:mm:ss.sssZ`, the form of every year from 0 to 9999, is cut up rather than rewritten.
  if (iso.length === 24) {
    return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  }
  return iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Reads the signing time: `X-Amz-Date` must be ISO 8601 basic format; a `Date` header (used when
 * there is no `X-Amz-Date`) is an HTTP date.
 *
 * @example
 * parseRequestTime({ timestamp: '20150830T123600Z', timestampSource: 'x-amz-date', … }, profile).date
 */
export function parseRequestTime(params: SignatureParams, profile: ServiceProfile): RequestTime {
  const fromAmzDate = params.timestampSource === 'x-amz-date';
  const date = fromAmzDate ? parseAmzDate(params.timestamp) : parseHttpDate(params.timestamp);
  if (!date) {
    throw reject.incomplete(
      profile,
      `Date must be in ISO-8601 'basic format'. Got '${params.timestamp}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  // An `X-Amz-Date` that parsed is already the form it formats back to.
  return { date, amzDate: fromAmzDate ? params.timestamp : formatAmzDate(date) };
}

/**
 * Refuses a request signed too long ago or too far ahead: ± the service's clock skew, or for a
 * presigned request, after its `X-Amz-Expires` seconds.
 *
 * @example
 * checkClockWindow(time, params, new Date(), serviceProfile('execute-api')) // throws "Signature expired: …"
 */
export function checkClockWindow(
  time: RequestTime,
  params: SignatureParams,
  now: Date,
  profile: ServiceProfile,
): void {
  const skewMs = profile.clockSkewMinutes * 60_000;
  const minutes = `${profile.clockSkewMinutes} min.`;
  if (time.date.getTime() > now.getTime() + skewMs) {
    throw reject.invalid(
      profile,
      `Signature not yet current: ${time.amzDate} is still later than ${shifted(now, skewMs)} (${formatAmzDate(now)} + ${minutes})`,
    );
  }
  const expires = params.presigned ? expiresSeconds(params.expires, profile) : undefined;
  const windowMs = expires === undefined ? skewMs : expires * 1000;
  if (time.date.getTime() < now.getTime() - windowMs) {
    const window = expires === undefined ? minutes : `${expires} sec.`;
    throw reject.invalid(
      profile,
      `Signature expired: ${time.amzDate} is now earlier than ${shifted(now, -windowMs)} (${formatAmzDate(now)} - ${window})`,
    );
  }
}

/** `X-Amz-Expires`: whole seconds, at most a week (S3's wording where it is wrong). */
function expiresSeconds(raw: string | undefined, profile: ServiceProfile): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw reject.incomplete(profile, 'X-Amz-Expires should be a number');
  const seconds = Number(raw);
  if (seconds > MAX_EXPIRES_SECONDS) {
    throw reject.incomplete(
      profile,
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  }
  return seconds;
}

function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 20150231 over into March (and reads years 0-99 as 1900-1999); a real timestamp
  // reads back the same parts.
  const same =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return same ? date : undefined;
}

function parseHttpDate(text: string): Date | undefined {
  const millis = Date.parse(text);
  return Number.isNaN(millis) ? undefined : new Date(millis);
}

function shifted(date: Date, byMs: number): string {
  return formatAmzDate(new Date(date.getTime() + byMs));
}
