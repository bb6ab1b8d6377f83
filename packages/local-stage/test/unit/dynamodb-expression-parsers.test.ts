import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { memoize } from '../../src/dynamodb/expression-parsers';
import { LocalStageError } from '../../src/errors';

// dynalite's expression parsers, memoized: the same answers as the parsers dynalite ships, for
// expressions that parse and for those that do not, in linear time.

type Parse = (input: string, options: unknown) => unknown;

function load(source: string): Parse {
  const module = { exports: {} as { parse: Parse } };
  runInThisContext(`(function (module, exports) {${source}\n})`)(module, module.exports);
  return module.exports.parse;
}

function parsers(name: string) {
  const source = readFileSync(require.resolve(`dynalite/db/${name}`), 'utf8');
  return { shipped: load(source), memoized: load(memoize(source, name)) };
}

/** What a parse gives: its result, or the error's name and message (the context records unused names). */
function outcome(parse: Parse, expression: string) {
  const context = {
    attrNames: { '#n': 'name', '#e': 'email' },
    attrVals: { ':v': { S: 'x' }, ':n': { N: '1' }, ':l': { L: [] } },
    unusedAttrNames: {},
    unusedAttrVals: {},
    isReserved: (name: string) => ['NAME', 'SIZE'].includes(name.toUpperCase()),
    compare: () => false,
  };
  const unused = () => ({ names: context.unusedAttrNames, values: context.unusedAttrVals });
  try {
    return JSON.parse(JSON.stringify({ result: parse(expression, { context }), unused: unused() }));
  } catch (error) {
    // A syntax error's list of expected tokens may be shorter once memoized (a remembered rule does
    // not record its expectations again, as with PEG.js's own cache); where it stops is the same.
    const { name, message, location } = error as Error & { location?: unknown };
    const detail = name === 'SyntaxError' ? JSON.stringify(location) : message;
    return { error: `${name}: ${detail}`, unused: unused() };
  }
}

const CONDITIONS = [
  'attribute_not_exists(id)',
  '#e = :v AND (size(#n) > :n OR attribute_type(#n, :v))',
  'NOT (#e = :v) AND #e IN (:v, :v)',
  'a BETWEEN :n AND :n',
  '((a = :v))',
  '(a = :v',
  'name = :v',
  'attribute_nope(id)',
  'a.b[1].c = :v OR begins_with(a, :v)',
  '#missing = :v',
  'a = :missing',
  'size(a)',
  'a = :v OR (a = :v OR (a = :v OR (a = :v)))',
];
const UPDATES = [
  'SET #n = :v, a = a + :n REMOVE b ADD c :n DELETE d :l',
  'SET a = list_append(if_not_exists(a, :l), :l)',
  'SET a = ((:v))',
  'SET a.b[2] = :v',
  'SET',
  'REMOVE a, a',
];
const PROJECTIONS = ['a, b.c, d[1]', '#n', 'a,', 'name'];

describe.each([
  ['conditionParser', CONDITIONS],
  ['updateParser', UPDATES],
  ['projectionParser', PROJECTIONS],
])('%s memoized', (name, expressions) => {
  const { shipped, memoized } = parsers(name);

  it.each(expressions)('answers %j as the shipped parser does', (expression) => {
    expect(outcome(memoized, expression)).toEqual(outcome(shipped, expression));
  });
});

it('parses 200 nested parentheses in linear time (the shipped parser needs about 3^200 steps)', () => {
  const { memoized } = parsers('conditionParser');
  let expression = 'a = :v';
  for (let level = 0; level < 200; level += 1) expression = `a = :v OR (${expression})`;

  expect(outcome(memoized, expression)).not.toHaveProperty('error');
});

it('refuses to patch code that is not the PEG.js output it knows, rather than guess', () => {
  expect(() => memoize('module.exports = { parse() {} }', 'conditionParser')).toThrow(LocalStageError);
});
