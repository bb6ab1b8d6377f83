import { GetParameterCommand, type GetParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import { DiscoveryConfigError } from './errors';
import { parseServiceUrl, toDiscoveryError, urlParameterName } from './parameter';

/** The one SSM call discovery makes; an `SSMClient` satisfies it, and so does a test's fake. */
export interface SsmGetParameter {
  send(command: GetParameterCommand): Promise<GetParameterCommandOutput>;
}

export interface DiscoveryOptions {
  /** Stage whose parameters are read. Default: `process.env.STAGE`, which every function gets. */
  stage?: string;
  /** Default `new SSMClient({})`, which honours `AWS_ENDPOINT_URL_SSM` (set by the local stage). */
  ssmClient?: SsmGetParameter;
  /** How long a URL is reused before SSM is asked again. Default 5 minutes. */
  ttlMs?: number;
  /** Clock in milliseconds, injectable so tests can move time. Default `Date.now`. */
  now?: () => number;
}

export interface Discovery {
  /** The service's base URL (stage path included, no trailing slash). */
  getServiceUrl(name: string): Promise<string>;
  /** Forgets a cached URL, e.g. after a call to it failed in a way that suggests it moved. */
  invalidate(name: string): void;
}

const DEFAULT_TTL_MS = 5 * 60 * 1000;

interface CachedUrl {
  url: string;
  expiresAt: number;
}

/**
 * Discovers service URLs from SSM Parameter Store (`/{stage}/{name}/url`). Create one per container,
 * outside the handler: URLs are cached for `ttlMs`, and concurrent first calls share one
 * GetParameter request, so a cold container under load does not hit SSM's throughput limit.
 *
 * @example
 * const discovery = createDiscovery({ stage: 'dev' });
 * const usersUrl = await discovery.getServiceUrl('users');
 */
export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  return new SsmDiscovery(
    requireStage(options.stage),
    options.ssmClient ?? new SSMClient({}),
    options.ttlMs ?? DEFAULT_TTL_MS,
    options.now ?? Date.now,
  );
}

class SsmDiscovery implements Discovery {
  private readonly cache = new Map<string, CachedUrl>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly stage: string,
    private readonly ssmClient: SsmGetParameter,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async getServiceUrl(name: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && this.now() < cached.expiresAt) return cached.url;
    return this.inFlight.get(name) ?? this.startFetch(name);
  }

  invalidate(name: string): void {
    this.cache.delete(name);
    this.inFlight.delete(name);
  }

  // Only the request still registered for `name` may fill the cache: one that `invalidate` dropped
  // while it was running must not bring the stale URL back. A failure is never cached.
  private startFetch(name: string): Promise<string> {
    const request = this.fetchUrl(name)
      .then((url) => {
        if (this.inFlight.get(name) === request)
          this.cache.set(name, { url, expiresAt: this.now() + this.ttlMs });
        return url;
      })
      .finally(() => {
        if (this.inFlight.get(name) === request) this.inFlight.delete(name);
      });
    this.inFlight.set(name, request);
    return request;
  }

  private async fetchUrl(name: string): Promise<string> {
    const parameterName = urlParameterName(this.stage, name);
    let output: GetParameterCommandOutput;
    try {
      output = await this.ssmClient.send(new GetParameterCommand({ Name: parameterName }));
    } catch (error) {
      throw toDiscoveryError(error, parameterName, this.stage);
    }
    return parseServiceUrl(parameterName, output.Parameter?.Value);
  }
}

function requireStage(stage: string | undefined): string {
  const resolved = stage ?? process.env.STAGE;
  if (!resolved) {
    throw new DiscoveryConfigError('No stage: pass { stage } or set the STAGE environment variable.');
  }
  return resolved;
}

const discoveriesByStage = new Map<string, Discovery>();

/**
 * The base URL of a service, through one module-level `Discovery` per stage (created on first use
 * with the default SSM client), so handlers can discover without wiring anything.
 *
 * @example
 * const usersUrl = await getServiceUrl('users'); // stage from process.env.STAGE
 * const devUrl = await getServiceUrl('users', { stage: 'dev' });
 */
export async function getServiceUrl(name: string, options: { stage?: string } = {}): Promise<string> {
  const stage = options.stage ?? process.env.STAGE ?? '';
  let discovery = discoveriesByStage.get(stage);
  if (!discovery) {
    discovery = createDiscovery({ stage });
    discoveriesByStage.set(stage, discovery);
  }
  return discovery.getServiceUrl(name);
}
