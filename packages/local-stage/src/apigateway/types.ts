import type { PolicyDocument } from '../types';

/** Where a REST API is served from (`EndpointConfiguration.Types`); its URL and header quotas differ. */
export type EndpointType = 'EDGE' | 'REGIONAL' | 'PRIVATE';

/** A REST API (v1) as its template deploys it: the resource tree, its methods and their integrations. */
export interface RestApiDefinition {
  apiId: string;
  name: string;
  stageName: string;
  /** The root resource has neither `parentId` nor `pathPart`. */
  resources: Array<{ id: string; parentId?: string; pathPart?: string }>;
  methods: Array<RestApiMethod>;
  /** The API owner's account, `requestContext.accountId`; defaults to the account in the integration's Lambda ARN. */
  accountId?: string;
  /** `BinaryMediaTypes` of the API, e.g. `image/png` or `*\/*`; none by default. */
  binaryMediaTypes?: string[];
  /** `Policy`: the API's resource policy, its `execute-api:/…` shorthand expanded; none when absent or `''`. */
  resourcePolicy?: PolicyDocument;
  /** `EndpointConfiguration.Types`: `EDGE`, `REGIONAL` or `PRIVATE`. */
  endpointTypes?: string[];
}

export interface RestApiMethod {
  resourceId: string;
  /** `GET`, `POST`, …, or `ANY`. */
  httpMethod: string;
  /** `AWS_IAM`, `NONE`, … */
  authorizationType: string;
  integration: {
    /** `AWS_PROXY` */
    type: string;
    /** Parsed from the integration URI's Lambda ARN. */
    functionName?: string;
    uri: string;
  };
}

/** The method a request reaches, with the resource path it matched and its path parameters. */
export interface MatchedRoute {
  method: RestApiMethod;
  /** e.g. `/users/{id}` */
  resourcePath: string;
  /** `null` when the resource has none, as in the proxy event. */
  pathParameters: Record<string, string> | null;
}
