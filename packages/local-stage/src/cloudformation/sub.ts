/** One piece of an `Fn::Sub` string: literal text, or a `${Name}` / `${Resource.Attribute}` to substitute. */
export type SubPart = { literal: string } | { name: string };

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * Splits an `Fn::Sub` string into literals and placeholders. `${!Literal}` is CloudFormation's escape:
 * it yields the text `${Literal}`, unsubstituted.
 *
 * @example
 * parseSub('arn:${AWS::Partition}:s3:::${!Bucket}'); // [{literal:'arn:'},{name:'AWS::Partition'},{literal:':s3:::${Bucket}'}]
 */
export function parseSub(text: string): SubPart[] {
  const parts: SubPart[] = [];
  let literal = '';
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const inner = match[1] ?? '';
    literal += text.slice(last, match.index);
    last = match.index + match[0].length;
    if (inner.startsWith('!')) {
      literal += `\${${inner.slice(1)}}`;
      continue;
    }
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ name: inner });
  }
  literal += text.slice(last);
  if (literal) parts.push({ literal });
  return parts;
}

/**
 * The names an `Fn::Sub` string substitutes, without escaped `${!…}` ones.
 *
 * @example
 * subNames('${Api}.execute-api.${AWS::Region}'); // ['Api', 'AWS::Region']
 */
export function subNames(text: string): string[] {
  return parseSub(text).flatMap((part) => ('name' in part ? [part.name] : []));
}
