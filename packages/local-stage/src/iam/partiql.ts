import { AwsError } from '../errors';

/** What a PartiQL statement does, and to which table (and index, for a SELECT from one). */
export interface PartiqlTarget {
  /** The IAM action DynamoDB checks ("IAM security policies with PartiQL for DynamoDB"). */
  action:
    | 'dynamodb:PartiQLSelect'
    | 'dynamodb:PartiQLInsert'
    | 'dynamodb:PartiQLUpdate'
    | 'dynamodb:PartiQLDelete';
  table: string;
  index?: string;
}

type Token = { kind: 'word' | 'identifier' | 'symbol' | 'literal'; text: string };

/** DynamoDB's answer to a statement it cannot parse. */
function malformed(detail: string): AwsError {
  return new AwsError(
    400,
    'ValidationException',
    `Statement wasn't well formed, can't be processed: ${detail}`,
  );
}

/**
 * Reads the verb and the table of a PartiQL for DynamoDB statement, which is all IAM needs: SELECT …
 * FROM table[.index], INSERT INTO table, UPDATE table, DELETE FROM table, and a transaction's
 * `EXISTS(SELECT …)` condition check, which reads. Identifiers are bare or double-quoted; strings,
 * Ion literals and nested documents are skipped. Anything else is refused as DynamoDB refuses a
 * malformed statement, before authorization.
 *
 * @example
 * partiqlTarget('SELECT * FROM "users-local"."byEmail" WHERE email = ?');
 * // { action: 'dynamodb:PartiQLSelect', table: 'users-local', index: 'byEmail' }
 */
export function partiqlTarget(statement: string): PartiqlTarget {
  const tokens = tokenize(statement);
  const verb = tokens[0]?.kind === 'word' ? tokens[0].text.toUpperCase() : '';
  switch (verb) {
    case 'SELECT':
      return selectTarget(tokens, 1, 0);
    case 'EXISTS':
      if (tokens[1]?.text !== '(' || tokens[2]?.text.toUpperCase() !== 'SELECT')
        throw malformed('EXISTS needs a SELECT in parentheses');
      return selectTarget(tokens, 3, 1);
    case 'INSERT':
      expectWord(tokens, 1, 'INTO');
      return { action: 'dynamodb:PartiQLInsert', table: identifierAt(tokens, 2) };
    case 'UPDATE':
      return { action: 'dynamodb:PartiQLUpdate', table: identifierAt(tokens, 1) };
    case 'DELETE':
      expectWord(tokens, 1, 'FROM');
      return { action: 'dynamodb:PartiQLDelete', table: identifierAt(tokens, 2) };
    default:
      throw malformed(`unexpected keyword ${tokens[0]?.text ?? '(empty statement)'}`);
  }
}

function selectTarget(tokens: Token[], start: number, depth: number): PartiqlTarget {
  let level = depth;
  for (let at = start; at < tokens.length; at += 1) {
    const token = tokens[at] as Token;
    if (token.kind === 'symbol' && '([{'.includes(token.text)) level += 1;
    else if (token.kind === 'symbol' && ')]}'.includes(token.text)) level -= 1;
    else if (level === depth && token.kind === 'word' && token.text.toUpperCase() === 'FROM') {
      const table = identifierAt(tokens, at + 1);
      const index = tokens[at + 2]?.text === '.' ? identifierAt(tokens, at + 3) : undefined;
      return { action: 'dynamodb:PartiQLSelect', table, ...(index === undefined ? {} : { index }) };
    }
  }
  throw malformed('SELECT needs FROM and a table');
}

function expectWord(tokens: Token[], index: number, word: string): void {
  const token = tokens[index];
  if (token?.kind !== 'word' || token.text.toUpperCase() !== word) throw malformed(`expected ${word}`);
}

function identifierAt(tokens: Token[], index: number): string {
  const token = tokens[index];
  if (token && (token.kind === 'identifier' || token.kind === 'word') && token.text !== '') return token.text;
  throw malformed('expected a table name');
}

/** Splits a statement into words, "quoted identifiers", literals ('strings', `ion`) and symbols. */
function tokenize(statement: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < statement.length) {
    const char = statement[at] as string;
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '"' || char === "'" || char === '`') {
      const [text, next] = quoted(statement, at, char);
      tokens.push({ kind: char === '"' ? 'identifier' : 'literal', text });
      at = next;
    } else if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(statement.slice(at))?.[0] ?? char;
      tokens.push({ kind: 'word', text: word });
      at += word.length;
    } else {
      tokens.push({ kind: 'symbol', text: char });
      at += 1;
    }
  }
  return tokens;
}

/** A quoted run from `start`, where a doubled quote stands for the quote itself. */
function quoted(statement: string, start: number, quote: string): [string, number] {
  let text = '';
  let at = start + 1;
  while (at < statement.length) {
    const char = statement[at] as string;
    if (char === quote) {
      if (statement[at + 1] !== quote) return [text, at + 1];
      at += 1;
    }
    text += char;
    at += 1;
  }
  throw malformed(`unterminated ${quote}`);
}
