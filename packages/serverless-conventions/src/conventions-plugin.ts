import { exactLogGroupGrants } from './log-group-grants';
import { type DerivedName, longestStageThatFits, nameProblems, namesInTemplate } from './name-limits';
import type { Template } from './template';
import { TestPrincipalError, trustTestPrincipal } from './test-principal-trust';

/** What a service's `custom.conventions` holds (serverless-common.yml `conventions`). */
export interface ConventionsConfig {
  /** `ephemeral`, `durable` or `production`, from serverless-common.yml `stageKinds`. */
  stageKind?: string;
  /** Opt-in: an IAM principal the function roles trust, for the integration suite. */
  testPrincipalArn?: string;
}

export const STAGE_KINDS = ['ephemeral', 'durable', 'production'] as const;

/** The slice of the Serverless Framework's plugin API this plugin uses. */
export interface ServerlessInstance {
  service: {
    service: string;
    custom?: { conventions?: ConventionsConfig };
    provider: { compiledCloudFormationTemplate: Template };
  };
  getProvider(name: 'aws'): {
    getStage(): string;
    getRegion(): string;
    naming: { getStackName(): string };
  };
  classes: { Error: new (message: string) => Error };
}

type Log = { notice?: (message: string) => void; info?: (message: string) => void };

/**
 * The Serverless Framework plugin every service lists: after the template is complete (its
 * `resources` merged, `#{…}` turned into `Fn::Sub`) and before it is saved, it
 * - refuses names AWS would refuse, so a long stage fails at package time with the name and the
 *   limit, not half-way through a CloudFormation deploy;
 * - narrows the function roles' log-group grants to this stage's own log groups;
 * - sets an explicit DeletionPolicy on log groups (they go with their stack; retention bounds them);
 * - adds the opt-in test principal to the function roles' trust policies.
 *
 * @example
 * // serverless.yml
 * plugins: [serverless-esbuild, serverless-pseudo-parameters, '@internal-apis/serverless-conventions']
 * custom:
 *   conventions: ${file(../../serverless-common.yml):conventions}
 */
export class ConventionsPlugin {
  readonly hooks: Record<string, () => void>;

  constructor(
    private readonly serverless: ServerlessInstance,
    _options: unknown,
    private readonly utils: { log?: Log } = {},
  ) {
    this.hooks = { 'before:aws:package:finalize:saveServiceState': () => this.apply() };
  }

  /** Checks and adjusts the compiled template in place; throws the framework's error to stop. */
  apply(): void {
    const { service, provider: providerConfig } = this.serverless.service;
    const provider = this.serverless.getProvider('aws');
    const template = providerConfig.compiledCloudFormationTemplate;
    const stage = provider.getStage();
    const config = this.config();
    const names: DerivedName[] = [
      { kind: 'stack', name: provider.naming.getStackName(), source: 'stack' },
      ...namesInTemplate(template, { region: provider.getRegion() }),
    ];
    const problems = nameProblems(names);
    if (problems.length > 0) {
      const longest = longestStageThatFits(
        stage,
        names.filter(({ name }) => name.includes(stage)),
      );
      const hint =
        Number.isFinite(longest) && longest > 0
          ? `\nAt most ${longest} characters of stage fit this service.`
          : '';
      this.fail(
        `Stage "${stage}" makes names AWS refuses in service ${service}:\n  ${problems.join('\n  ')}${hint}`,
      );
    }
    exactLogGroupGrants(template);
    explicitLogGroupDeletion(template);
    try {
      const roles = trustTestPrincipal(template, {
        principalArn: config.testPrincipalArn ?? '',
        stage,
        stageKind: config.stageKind ?? '',
      });
      if (roles.length > 0) {
        this.utils.log?.notice?.(`Test principal ${config.testPrincipalArn} may assume ${roles.join(', ')}`);
      }
    } catch (error) {
      if (error instanceof TestPrincipalError) this.fail(error.message);
      throw error;
    }
  }

  private config(): ConventionsConfig {
    const config = this.serverless.service.custom?.conventions;
    if (!config) {
      this.fail(
        `Service ${this.serverless.service.service} has no custom.conventions: add ` +
          `\`conventions: \${file(../../serverless-common.yml):conventions}\` under custom`,
      );
    }
    if (!STAGE_KINDS.includes(config.stageKind as (typeof STAGE_KINDS)[number])) {
      this.fail(
        `custom.conventions.stageKind is "${String(config.stageKind)}"; it must be one of ${STAGE_KINDS.join(', ')} (serverless-common.yml stageKinds)`,
      );
    }
    return config;
  }

  private fail(message: string): never {
    throw new this.serverless.classes.Error(message);
  }
}

/**
 * Log groups get `DeletionPolicy: Delete` spelled out (CloudFormation's default for them), so
 * every stateful resource in a template states what removal does (cfn-lint I3011).
 */
function explicitLogGroupDeletion(template: Template): void {
  for (const resource of Object.values(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Logs::LogGroup') continue;
    resource.DeletionPolicy ??= 'Delete';
    resource.UpdateReplacePolicy ??= 'Delete';
  }
}
