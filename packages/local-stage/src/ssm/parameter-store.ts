import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AwsError, LocalStageError } from '../errors';
import { assertValidNewName } from './parameter-names';

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type ParameterTier = 'Standard' | 'Advanced';

/** One parameter at its latest version. */
export interface Parameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  lastModifiedDate: Date;
  tier: ParameterTier;
  /** `text` unless the caller said `aws:ec2:image` or `aws:ssm:integration`. */
  dataType: string;
  description?: string;
  /** The KMS key a SecureString is (notionally) encrypted with; `alias/aws/ssm` by default. */
  keyId?: string;
}

export interface PutOptions {
  type?: ParameterType;
  overwrite?: boolean;
  description?: string;
  keyId?: string;
  tier?: ParameterTier;
  dataType?: string;
}

export interface ParameterStoreOptions {
  /** The clock stamped on `LastModifiedDate`; tests pass a fixed one. */
  now?: () => Date;
  /** Keeps parameters between runs: read on construction, rewritten atomically after each change. */
  persistFile?: string;
}

interface PersistedParameter extends Omit<Parameter, 'lastModifiedDate'> {
  lastModifiedDate: string;
}

/**
 * The local stage's Parameter Store: names, values, types and versions, as SSM keeps them. It keeps
 * the latest version of each parameter only.
 *
 * @example
 * const store = new ParameterStore();
 * store.put('/local/users/url', 'http://127.0.0.1:4010/restapis/abc123/local/_user_request_', { type: 'String' });
 * store.get('/local/users/url')?.version; // 1
 */
export class ParameterStore {
  private readonly parameters = new Map<string, Parameter>();
  private readonly now: () => Date;
  private readonly persistFile: string | undefined;

  constructor(options: ParameterStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.persistFile = options.persistFile;
    if (this.persistFile) this.load(this.persistFile);
  }

  /**
   * Creates a parameter at version 1, or with `overwrite` replaces it as the next version; an existing
   * name without `overwrite` is refused with ParameterAlreadyExists, as PutParameter refuses it.
   */
  put(name: string, value: string, options: PutOptions = {}): { version: number; tier: ParameterTier } {
    assertValidNewName(name);
    const existing = this.parameters.get(name);
    if (existing && !options.overwrite) {
      throw new AwsError(
        400,
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const parameter = this.nextVersion(name, value, options, existing);
    this.parameters.set(name, parameter);
    this.save();
    return { version: parameter.version, tier: parameter.tier };
  }

  get(name: string): Parameter | undefined {
    const parameter = this.parameters.get(name);
    return parameter && { ...parameter };
  }

  delete(name: string): boolean {
    const deleted = this.parameters.delete(name);
    if (deleted) this.save();
    return deleted;
  }

  /**
   * The parameters under a path, sorted by name: its direct children, or with `recursive` every
   * descendant. A path names a hierarchy level, so `/local/users` and `/local/users/` are the same.
   */
  byPath(path: string, recursive: boolean): Parameter[] {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    return this.all().filter((parameter) => {
      if (!parameter.name.startsWith(prefix)) return false;
      return recursive || !parameter.name.slice(prefix.length).includes('/');
    });
  }

  /** Every parameter, sorted by name. */
  all(): Parameter[] {
    return [...this.parameters.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((parameter) => ({ ...parameter }));
  }

  private nextVersion(
    name: string,
    value: string,
    options: PutOptions,
    existing: Parameter | undefined,
  ): Parameter {
    const type = options.type ?? existing?.type ?? 'String';
    const keyId = type === 'SecureString' ? (options.keyId ?? existing?.keyId ?? 'alias/aws/ssm') : undefined;
    const description = options.description ?? existing?.description;
    return {
      name,
      type,
      value,
      version: (existing?.version ?? 0) + 1,
      lastModifiedDate: this.now(),
      tier: options.tier ?? existing?.tier ?? 'Standard',
      dataType: options.dataType ?? existing?.dataType ?? 'text',
      ...(description === undefined ? {} : { description }),
      ...(keyId === undefined ? {} : { keyId }),
    };
  }

  private load(file: string): void {
    if (!existsSync(file)) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { parameters: PersistedParameter[] };
      for (const parameter of saved.parameters) {
        this.parameters.set(parameter.name, {
          ...parameter,
          lastModifiedDate: new Date(parameter.lastModifiedDate),
        });
      }
    } catch (error) {
      throw new LocalStageError(`Cannot read the SSM parameters kept in ${file}; fix or delete it`, {
        cause: error,
      });
    }
  }

  /** Write-then-rename, so a stage stopped mid-write never leaves a half-written file behind. */
  private save(): void {
    if (!this.persistFile) return;
    const parameters = this.all().map((parameter) => ({
      ...parameter,
      lastModifiedDate: parameter.lastModifiedDate.toISOString(),
    }));
    const temporary = `${this.persistFile}.${process.pid}.tmp`;
    mkdirSync(dirname(this.persistFile), { recursive: true });
    writeFileSync(temporary, `${JSON.stringify({ parameters }, null, 2)}\n`);
    renameSync(temporary, this.persistFile);
  }
}
