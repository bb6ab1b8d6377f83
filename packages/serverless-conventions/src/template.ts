/** The parts of a compiled CloudFormation template the conventions read and change. */
export interface Template {
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Resources?: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
}

export interface Resource {
  Type?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
  Properties?: Record<string, unknown>;
}

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}

/** Where a stack is deployed: what the pseudo parameters in a name resolve to at package time. */
export interface StackPlace {
  region: string;
  /** A placeholder account id is fine: names only need its length (12 digits). */
  accountId?: string;
  partition?: string;
}

/** Resources of one type, with their logical ids. */
export function resourcesOfType(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const PSEUDO: Record<string, (place: StackPlace) => string> = {
  'AWS::Region': (place) => place.region,
  'AWS::AccountId': (place) => place.accountId ?? '123456789012',
  'AWS::Partition': (place) => place.partition ?? 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
};

/**
 * The string a name property will have once deployed, when the template alone decides it: a
 * string, `Ref` to a pseudo parameter, `Fn::Join` or `Fn::Sub` of those. `undefined` for anything
 * that depends on other resources or parameters (CloudFormation generates or resolves it).
 *
 * @example
 * staticString({ 'Fn::Join': ['-', ['users', 'dev', { Ref: 'AWS::Region' }, 'lambdaRole']] }, { region: 'eu-west-1' });
 * // 'users-dev-eu-west-1-lambdaRole'
 */
export function staticString(value: unknown, place: StackPlace): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [name, argument] = entries[0] as [string, unknown];
  if (name === 'Ref' && typeof argument === 'string') return PSEUDO[argument]?.(place);
  if (name === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string') {
    const parts = asArray(argument[1] as unknown[]).map((part) => staticString(part, place));
    return parts.every((part) => part !== undefined) ? parts.join(argument[0]) : undefined;
  }
  if (name === 'Fn::Sub' && typeof argument === 'string') {
    let unresolved = false;
    const text = argument.replace(/\$\{([^}!]+)\}/g, (_match, variable: string) => {
      const resolved = PSEUDO[variable]?.(place);
      if (resolved === undefined) unresolved = true;
      return resolved ?? '';
    });
    return unresolved ? undefined : text;
  }
  return undefined;
}
