import { BlockList, isIP } from 'node:net';
import { arnMatches, stringLike } from './wildcards';

/** A comparison of one request value with one policy value: a verdict, or why there can be none. */
export type Comparison = boolean | { unparsable: string };

export interface OperatorDefinition {
  /** Compares one request value with one policy value, as the positive form of the operator. */
  compare: (requestValue: string, policyValue: string) => Comparison;
  /** `StringNotEquals` and kin: true when the request value matches none of the policy values. */
  negated: boolean;
  /** Whether `${…}` policy variables are substituted in the policy values (string and ARN operators). */
  takesVariables: boolean;
}

const equals = (a: string, b: string): boolean => a === b;
const equalsIgnoreCase = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function numeric(test: (request: number, policy: number) => boolean) {
  return (requestValue: string, policyValue: string): Comparison => {
    const request = Number(requestValue);
    const policy = Number(policyValue);
    if (requestValue.trim() === '' || Number.isNaN(request))
      return { unparsable: `'${requestValue}' is not a number` };
    if (policyValue.trim() === '' || Number.isNaN(policy))
      return { unparsable: `'${policyValue}' is not a number` };
    return test(request, policy);
  };
}

/** IAM accepts ISO 8601 dates and epoch seconds, in policies and in `aws:EpochTime`. */
function parseDate(value: string): number {
  return /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value);
}

function date(test: (request: number, policy: number) => boolean) {
  return (requestValue: string, policyValue: string): Comparison => {
    const request = parseDate(requestValue);
    const policy = parseDate(policyValue);
    if (Number.isNaN(request)) return { unparsable: `'${requestValue}' is not a date` };
    if (Number.isNaN(policy)) return { unparsable: `'${policyValue}' is not a date` };
    return test(request, policy);
  };
}

const subnets = new Map<string, BlockList | { unparsable: string }>();

/** A policy's `IpAddress` value (an address or CIDR block, IPv4 or IPv6) as a Node BlockList. */
function subnetOf(cidr: string): BlockList | { unparsable: string } {
  const cached = subnets.get(cidr);
  if (cached) return cached;
  const [address = '', prefix] = cidr.trim().split('/');
  const family = isIP(address);
  const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
  let parsed: BlockList | { unparsable: string } = {
    unparsable: `'${cidr}' is not an IP address or CIDR block`,
  };
  if (family !== 0 && Number.isInteger(bits) && bits >= 0 && bits <= (family === 6 ? 128 : 32)) {
    parsed = new BlockList();
    parsed.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  subnets.set(cidr, parsed);
  return parsed;
}

function ipAddress(requestValue: string, policyValue: string): Comparison {
  // Node reports IPv4 clients of a dual-stack socket as `::ffff:a.b.c.d`; IAM sees the IPv4 address.
  const address = requestValue.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const family = isIP(address);
  if (family === 0) return { unparsable: `'${requestValue}' is not an IP address` };
  const subnet = subnetOf(policyValue);
  if (!(subnet instanceof BlockList)) return subnet;
  return subnet.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

function bool(requestValue: string, policyValue: string): Comparison {
  return equalsIgnoreCase(requestValue, policyValue);
}

const positive = (compare: OperatorDefinition['compare'], takesVariables = false): OperatorDefinition => ({
  compare,
  negated: false,
  takesVariables,
});
const negative = (compare: OperatorDefinition['compare'], takesVariables = false): OperatorDefinition => ({
  compare,
  negated: true,
  takesVariables,
});

/**
 * The condition operators the local stage evaluates, by name without `IfExists` or set prefix.
 * `ArnEquals` and `ArnLike` are the same operator in IAM: both honour wildcards.
 * Not here (so unevaluable): `BinaryEquals`, which compares base64 bytes no request context key carries.
 */
export const OPERATORS: Record<string, OperatorDefinition> = {
  StringEquals: positive(equals, true),
  StringNotEquals: negative(equals, true),
  StringEqualsIgnoreCase: positive(equalsIgnoreCase, true),
  StringNotEqualsIgnoreCase: negative(equalsIgnoreCase, true),
  StringLike: positive((value, pattern) => stringLike(pattern, value), true),
  StringNotLike: negative((value, pattern) => stringLike(pattern, value), true),
  NumericEquals: positive(numeric((a, b) => a === b)),
  NumericNotEquals: negative(numeric((a, b) => a === b)),
  NumericLessThan: positive(numeric((a, b) => a < b)),
  NumericLessThanEquals: positive(numeric((a, b) => a <= b)),
  NumericGreaterThan: positive(numeric((a, b) => a > b)),
  NumericGreaterThanEquals: positive(numeric((a, b) => a >= b)),
  DateEquals: positive(date((a, b) => a === b)),
  DateNotEquals: negative(date((a, b) => a === b)),
  DateLessThan: positive(date((a, b) => a < b)),
  DateLessThanEquals: positive(date((a, b) => a <= b)),
  DateGreaterThan: positive(date((a, b) => a > b)),
  DateGreaterThanEquals: positive(date((a, b) => a >= b)),
  Bool: positive(bool),
  IpAddress: positive(ipAddress),
  NotIpAddress: negative(ipAddress),
  ArnEquals: positive((value, pattern) => arnMatches(pattern, value), true),
  ArnLike: positive((value, pattern) => arnMatches(pattern, value), true),
  ArnNotEquals: negative((value, pattern) => arnMatches(pattern, value), true),
  ArnNotLike: negative((value, pattern) => arnMatches(pattern, value), true),
};
