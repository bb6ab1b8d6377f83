/** The shapes of a CloudFormation template as `serverless package` writes it, and of a packaged stack. */

export interface TemplateParameter {
  Type: string;
  Default?: string | number | string[];
  AllowedValues?: Array<string | number>;
  AllowedPattern?: string;
  ConstraintDescription?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  NoEcho?: boolean | string;
  Description?: string;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
}

export interface TemplateOutput {
  Value: unknown;
  Export?: { Name: unknown };
  Description?: string;
  Condition?: string;
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, TemplateParameter>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, TemplateOutput>;
}

/** One service as `serverless package` left it in `{dir}/.serverless`. */
export interface PackagedStack {
  service: string;
  stage: string;
  region: string;
  /** `${service}-${stage}`, or `provider.stackName` where the service sets one. */
  stackName: string;
  /** The service directory (absolute). */
  dir: string;
  template: Template;
  /** S3Key of each Lambda Code (and layer Content) → absolute path of its zip. */
  artifacts: Map<string, string>;
  /** S3Key → the folder holding that zip's files, for code the stage bundled itself (no zip). */
  codeDirectories?: Map<string, string>;
}

/** A template parameter's value once resolved: lists for `CommaDelimitedList`, `List<…>` types. */
export type ParameterValues = Record<string, string | string[]>;
