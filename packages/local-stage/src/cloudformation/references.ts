import { subNames } from './sub';
import { forEachIntrinsic, isRecord } from './walk';

/** A name a template value depends on: a resource's logical id, a parameter or a pseudo parameter. */
export interface Reference {
  name: string;
  /** The property that holds the reference, e.g. `Properties.Role`. */
  path: string;
}

/**
 * Every name that `Ref`, `Fn::GetAtt` and `Fn::Sub` placeholders in `value` point at. Names that an
 * `Fn::Sub` defines in its own variable map are not references.
 *
 * @example
 * referencesIn({ 'Fn::Sub': '${Table.Arn}/index/*' }, 'Properties.Resource'); // [{ name: 'Table', path: 'Properties.Resource' }]
 */
export function referencesIn(value: unknown, path: string): Reference[] {
  const references: Reference[] = [];
  forEachIntrinsic(value, path, (name, argument, at) => {
    for (const target of targetsOf(name, argument)) references.push({ name: target, path: at });
  });
  return references;
}

function targetsOf(name: string, argument: unknown): string[] {
  if (name === 'Ref' && typeof argument === 'string') return [argument];
  if (name === 'Fn::GetAtt') return getAttTarget(argument);
  if (name === 'Fn::Sub') return subTargets(argument);
  return [];
}

function getAttTarget(argument: unknown): string[] {
  if (typeof argument === 'string') return [argument.split('.')[0] ?? argument];
  return Array.isArray(argument) && typeof argument[0] === 'string' ? [argument[0]] : [];
}

function subTargets(argument: unknown): string[] {
  const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
  if (typeof text !== 'string') return [];
  const defined = isRecord(variables) ? variables : {};
  return subNames(text)
    .filter((name) => !Object.hasOwn(defined, name))
    .map((name) => name.split('.')[0] ?? name);
}
