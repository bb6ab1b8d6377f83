import type { RequestTime } from './request-time';
import { reject, type ServiceProfile } from './service-profile';

/** `AKID/20150830/us-east-1/service/aws4_request`, split. */
export interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  /** `date/region/service/terminator`, as the string to sign carries it. */
  scope: string;
}

/**
 * Splits the `Credential` parameter; trailing slashes are ignored, as AWS ignores them.
 *
 * @example
 * parseCredential('AKID/20150830/us-east-1/ssm/aws4_request', profile).region // 'us-east-1'
 */
export function parseCredential(raw: string, profile: ServiceProfile): Credential {
  const parts = (raw.endsWith('/') ? raw.replace(/\/+$/, '') : raw).split('/');
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = parts;
  if (parts.length !== 5) {
    throw reject.incomplete(
      profile,
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${raw}'`,
    );
  }
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    scope: `${date}/${region}/${service}/${terminator}`,
  };
}

/**
 * Checks the scope against this endpoint and the request's date; AWS names every wrong part in one
 * message, in this order.
 *
 * @example
 * checkCredentialScope(credential, { region: 'us-east-1', service: 'ssm' }, time, profile)
 */
export function checkCredentialScope(
  credential: Credential,
  expected: { region: string; service: string },
  time: RequestTime,
  profile: ServiceProfile,
): void {
  const requestDay = time.amzDate.slice(0, 8);
  const problems = [
    credential.region === expected.region
      ? ''
      : `Credential should be scoped to a valid region, not '${credential.region}'. `,
    credential.service === expected.service
      ? ''
      : `Credential should be scoped to correct service: '${expected.service}'. `,
    credential.terminator === 'aws4_request'
      ? ''
      : `Credential should be scoped with a valid terminator: 'aws4_request', not '${credential.terminator}'. `,
    credential.date === requestDay
      ? ''
      : `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${credential.date}' != '${requestDay}', from '${time.amzDate}'.`,
  ].join('');
  if (problems) throw reject.invalid(profile, problems);
}
