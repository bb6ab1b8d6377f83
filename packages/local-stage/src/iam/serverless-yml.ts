// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written in the framework's ${…} syntax
import { readFileSync, statSync } from 'node:fs';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** A path into serverless.yml, e.g. `['provider', 'iam', 'role', 'statements']`. */
export type YamlPath = ReadonlyArray<string | number>;

/** One statement of a list of IAM statements in serverless.yml, where it stands and what it says. */
export interface YamlStatementItem {
  /** Its position in the list. */
  index: number;
  /** First and last line of the item (1-based), the `- ` included. */
  startLine: number;
  endLine: number;
  /** Column of its `- `. */
  indent: number;
  effect?: string;
  /** As written; a single `Action: x` is one. */
  actions: string[];
  sid?: string;
  /** Each `Resource` as written: a string, or `Fn::GetAtt: [X, Arn]` as that text. */
  resources: string[];
}

/** A list of statements (`provider.iam.role.statements`, a policy resource's `Statement`). */
export interface YamlStatementList {
  path: YamlPath;
  /** The dotted path, for messages: `provider.iam.role.statements`. */
  where: string;
  /** The line of the list's key. */
  line: number;
  /** Column of the items' `- `. */
  indent: number;
  items: YamlStatementItem[];
}

/** An entry of `custom.iamAllowBroader`: a grant that may stay broader than the runs use it. */
export interface AllowBroaderEntry {
  sid?: string;
  /** The `Resource` exactly as the statement writes it. */
  resource?: string;
  action?: string;
  reason?: string;
  line: number;
}

const cache = new Map<string, { mtimeMs: number; yml: ServerlessYml }>();

/**
 * A service's serverless.yml read as YAML with the line of every node, so explanations and patches can
 * point at the statement that grants (or should grant) a request. Variables stay as written.
 *
 * @example
 * const yml = ServerlessYml.read('services/orders/serverless.yml');
 * yml?.statementList(['provider', 'iam', 'role', 'statements'])?.items[0]?.startLine; // 24
 */
export class ServerlessYml {
  readonly lines: string[];
  private readonly counter = new LineCounter();
  private readonly document: Document;

  private constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.lines = text.split('\n');
    this.document = parseDocument(text, { lineCounter: this.counter, strict: false, uniqueKeys: false });
  }

  /** The file, parsed (cached while it is unchanged); `undefined` when there is none. */
  static read(file: string): ServerlessYml | undefined {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    const cached = cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.yml;
    const yml = new ServerlessYml(file, readFileSync(file, 'utf8'));
    cache.set(file, { mtimeMs, yml });
    return yml;
  }

  /** Parses text as if it were the file (tests). */
  static fromText(file: string, text: string): ServerlessYml {
    return new ServerlessYml(file, text);
  }

  /** Where serverless takes the function role's statements from: `provider.iam.role.statements`, or the older `provider.iamRoleStatements`. */
  get providerStatementsPath(): YamlPath {
    if (this.document.hasIn(['provider', 'iamRoleStatements']) && !this.document.hasIn(['provider', 'iam']))
      return ['provider', 'iamRoleStatements'];
    return ['provider', 'iam', 'role', 'statements'];
  }

  /** Whether the file writes ARNs as `arn:#{AWS::Partition}:…`. */
  get usesPartitionVariable(): boolean {
    return this.text.includes('arn:#{AWS::Partition}:') || this.text.includes('arn:${AWS::Partition}:');
  }

  /** Whether the path exists. */
  has(path: YamlPath): boolean {
    return this.document.hasIn(path);
  }

  /** The statements of the list at `path`, or `undefined` when there is no list there. */
  statementList(path: YamlPath): YamlStatementList | undefined {
    const node = this.document.getIn(path, true) as Node | undefined;
    if (!isSeq(node)) return undefined;
    const items = node.items.map((item, index) => this.statementItem(item as Node, index));
    const keyLine = this.keyLine(path) ?? items[0]?.startLine ?? 1;
    const indent = items[0]?.indent ?? this.indentOf(keyLine) + 2;
    return { path, where: path.join('.'), line: keyLine, indent, items };
  }

  /** The line of the key at `path` (1-based), if present. */
  keyLine(path: YamlPath): number | undefined {
    const parent = path.length === 1 ? this.document.contents : this.document.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find(
      (candidate) => isScalar(candidate.key) && candidate.key.value === path.at(-1),
    );
    const offset = (pair?.key as Node | undefined)?.range?.[0];
    return offset === undefined ? undefined : this.counter.linePos(offset).line;
  }

  /** `custom.iamAllowBroader`: grants this service keeps broader than its use, each with a reason. */
  allowBroader(): AllowBroaderEntry[] {
    const node = this.document.getIn(['custom', 'iamAllowBroader'], true) as Node | undefined;
    if (!isSeq(node)) return [];
    return node.items.map((item) => {
      const value = (isMap(item) ? (item as unknown as { toJSON(): unknown }).toJSON() : {}) as Record<
        string,
        unknown
      >;
      const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : undefined);
      return {
        ...(text('sid') ? { sid: text('sid') } : {}),
        ...(text('resource') ? { resource: text('resource') } : {}),
        ...(text('action') ? { action: text('action') } : {}),
        ...(text('reason') ? { reason: text('reason') } : {}),
        line: this.lineOf(item as Node),
      };
    });
  }

  private statementItem(item: Node, index: number): YamlStatementItem {
    const json = (isMap(item) ? item.toJSON() : {}) as Record<string, unknown>;
    const startLine = this.lineOf(item);
    const end = item.range?.[1] ?? item.range?.[0] ?? 0;
    const endLine = this.lastLineBefore(end);
    const line = this.lines[startLine - 1] ?? '';
    const dash = line.lastIndexOf('-', Math.max(0, this.counter.linePos(item.range?.[0] ?? 0).col - 1));
    return {
      index,
      startLine,
      endLine: Math.max(startLine, endLine),
      indent: dash >= 0 ? dash : this.indentOf(startLine),
      ...(typeof json.Effect === 'string' ? { effect: json.Effect } : {}),
      actions: stringsOf(json.Action ?? json.NotAction),
      ...(typeof json.Sid === 'string' ? { sid: json.Sid } : {}),
      resources: resourcesOf(json.Resource ?? json.NotResource),
    };
  }

  private lineOf(node: Node): number {
    return this.counter.linePos(node.range?.[0] ?? 0).line;
  }

  /** The line of the last character before `offset` that is neither blank nor part of a comment line. */
  private lastLineBefore(offset: number): number {
    let line = this.counter.linePos(Math.max(0, offset - 1)).line;
    while (line > 1 && /^\s*(#.*)?$/.test(this.lines[line - 1] ?? '')) line -= 1;
    return line;
  }

  private indentOf(line: number): number {
    return /^\s*/.exec(this.lines[line - 1] ?? '')?.[0].length ?? 0;
  }
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function resourcesOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((item) => (typeof item === 'string' ? item : intrinsicText(item)));
}

/** `{ 'Fn::GetAtt': ['OrdersTable', 'Arn'] }` → `Fn::GetAtt: [OrdersTable, Arn]`. */
function intrinsicText(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const [[name, argument] = ['', '']] = Object.entries(value);
    return `${name}: ${Array.isArray(argument) ? `[${argument.join(', ')}]` : JSON.stringify(argument)}`;
  }
  return JSON.stringify(value);
}
