import { SSMClient } from '@aws-sdk/client-ssm';
import { DiscoveryConfigError, type DiscoveryError, DiscoveryTimeoutError } from './errors';
import { urlParameterName } from './parameter';
import { lookUpUrl, raceTimer, type SsmGetParameter } from './ssm-lookup';

export type { SsmGetParameter } from './ssm-lookup';

export interface DiscoveryOptions {
  /** Stage whose parameters are read. Default: `process.env.STAGE`, which every function gets. */
  stage?: string;
  /**
   * Default: an `SSMClient` that honours `AWS_ENDPOINT_URL_SSM` (set by the local stage) and gives up
   * on a silent connection after `timeoutMs`.
   */
  ssmClient?: SsmGetParameter;
  /**
   * How long a URL is used before SSM is asked again although calls to it succeed. Default: for the
   * container's life; a call that fails as if the service had moved asks for a `refresh` instead.
   */
  ttlMs?: number;
  /**
   * The least time between two GetParameter requests for one service after the first. It doubles each
   * time a request fails or a refresh brings back the URL already known (the service is down, it did
   * not move), up to `maxRefreshIntervalMs`, and starts again from here once a new URL is found.
   * Default 1000 ms.
   */
  refreshIntervalMs?: number;
  /**
   * Default 10 000 ms: a container that has seen the service fail asks again within 10 s of it
   * coming back (or moving), while asking SSM at most once per 10 s per service during an outage.
   */
  maxRefreshIntervalMs?: number;
  /** The most one GetParameter (the SDK's retries included) may take. Default 2000 ms. */
  timeoutMs?: number;
  /** Clock in milliseconds, injectable so tests can move time. Default `Date.now`. */
  now?: () => number;
}

export interface LookupOptions {
  /** Wait at most this long for SSM (the caller's remaining time); a shared request goes on for others. */
  maxWaitMs?: number;
}

export interface Discovery {
  /** The service's base URL (stage path included, no trailing slash). */
  getServiceUrl(name: string, options?: LookupOptions): Promise<string>;
  /**
   * Says that a call to the URL failed as if the service had moved, and resolves with the URL to use
   * now: a new one when SSM has one, else the same (no request is sent while the last one is younger
   * than the refresh interval, and concurrent callers share one request). A failing SSM leaves the
   * known URL in use.
   */
  refresh(name: string, options?: LookupOptions): Promise<string>;
}

const DEFAULTS = { refreshIntervalMs: 1000, maxRefreshIntervalMs: 10_000, timeoutMs: 2000 };

/** What discovery knows of one service. */
interface Entry {
  url?: string;
  fetchedAt: number;
  /** Why the last request failed; given to callers until `nextRequestAt` when no URL is known. */
  failure?: DiscoveryError;
  /** No GetParameter before this, unless the URL expired (ttlMs). */
  nextRequestAt: number;
  /** Requests in a row that failed or brought back the known URL. */
  unhelpful: number;
  inFlight?: Promise<string>;
}

/**
 * Discovers service URLs from SSM Parameter Store (`/{stage}/{name}/url`). Create one per container,
 * outside the handler: a URL is read once and kept while calls to it succeed; when they fail as if
 * the service had moved, `refresh` asks SSM again at most once per refresh interval, concurrent
 * callers sharing one request, so a callee that is down does not make every request a GetParameter
 * (SSM's default throughput for GetParameter is 40 requests per second per account and region,
 * "AWS Systems Manager endpoints and quotas"; beyond it SSM answers ThrottlingException).
 *
 * @example
 * const discovery = createDiscovery({ stage: 'dev' });
 * const usersUrl = await discovery.getServiceUrl('users');
 */
export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  for (const key of ['refreshIntervalMs', 'maxRefreshIntervalMs', 'timeoutMs'] as const) {
    if (!(settings[key] > 0))
      throw new DiscoveryConfigError(`${key} must be a number > 0, got ${settings[key]}`);
  }
  return new SsmDiscovery(
    requireStage(options.stage),
    options.ssmClient ?? defaultSsmClient(settings.timeoutMs),
    { ...settings, ttlMs: options.ttlMs ?? Number.POSITIVE_INFINITY, now: options.now ?? Date.now },
  );
}

// The SDK's socket timeouts end a silent connection early; `lookUpUrl` bounds the whole request.
function defaultSsmClient(timeoutMs: number): SSMClient {
  return new SSMClient({
    requestHandler: { connectionTimeout: Math.min(1000, timeoutMs), requestTimeout: timeoutMs },
  });
}

interface Settings {
  ttlMs: number;
  refreshIntervalMs: number;
  maxRefreshIntervalMs: number;
  timeoutMs: number;
  now: () => number;
}

class SsmDiscovery implements Discovery {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly stage: string,
    private readonly ssmClient: SsmGetParameter,
    private readonly settings: Settings,
  ) {}

  async getServiceUrl(name: string, options: LookupOptions = {}): Promise<string> {
    const entry = this.entries.get(name);
    // A cached entry exists only for a name that already passed urlParameterName's check.
    if (entry?.url !== undefined && this.settings.now() - entry.fetchedAt < this.settings.ttlMs)
      return entry.url;
    return this.answer(name, urlParameterName(this.stage, name), entry, options);
  }

  async refresh(name: string, options: LookupOptions = {}): Promise<string> {
    const parameterName = urlParameterName(this.stage, name);
    return this.answer(name, parameterName, this.entries.get(name), options);
  }

  /** The request in flight, else what is known while no request is due, else a new request. */
  private answer(name: string, parameterName: string, entry: Entry | undefined, options: LookupOptions) {
    if (entry?.inFlight) return waitAtMost(entry.inFlight, options.maxWaitMs, parameterName);
    if (entry && this.settings.now() < entry.nextRequestAt) {
      if (entry.url !== undefined) return Promise.resolve(entry.url);
      if (entry.failure) return Promise.reject(entry.failure);
    }
    return waitAtMost(this.request(name, parameterName, entry), options.maxWaitMs, parameterName);
  }

  private request(name: string, parameterName: string, known: Entry | undefined): Promise<string> {
    const entry: Entry = known ?? { fetchedAt: 0, nextRequestAt: 0, unhelpful: 0 };
    this.entries.set(name, entry);
    const previous = entry.url;
    const settle = (helped: boolean) => {
      entry.unhelpful = helped ? 0 : entry.unhelpful + 1;
      entry.nextRequestAt = this.settings.now() + this.intervalAfter(entry.unhelpful);
      entry.inFlight = undefined;
    };
    entry.inFlight = lookUpUrl(this.ssmClient, parameterName, this.stage, this.settings.timeoutMs).then(
      (url) => {
        Object.assign(entry, { url, fetchedAt: this.settings.now(), failure: undefined });
        settle(url !== previous);
        return url;
      },
      (error: DiscoveryError) => {
        entry.failure = error;
        settle(false);
        // The known URL stays in use: SSM failing says nothing about the service having moved.
        if (entry.url !== undefined) return entry.url;
        throw error;
      },
    );
    return entry.inFlight;
  }

  private intervalAfter(unhelpful: number): number {
    const { refreshIntervalMs, maxRefreshIntervalMs } = this.settings;
    return Math.min(maxRefreshIntervalMs, refreshIntervalMs * 2 ** Math.max(0, unhelpful - 1));
  }
}

/** A shared request, waited for at most `maxWaitMs` by this caller. */
function waitAtMost(request: Promise<string>, maxWaitMs: number | undefined, parameterName: string) {
  if (maxWaitMs === undefined || !Number.isFinite(maxWaitMs)) return request;
  const waitMs = Math.max(0, maxWaitMs);
  return raceTimer(request, waitMs, () => new DiscoveryTimeoutError(parameterName, Math.floor(waitMs)));
}

function requireStage(stage: string | undefined): string {
  const resolved = stage ?? process.env.STAGE;
  if (!resolved) {
    throw new DiscoveryConfigError('No stage: pass { stage } or set the STAGE environment variable.');
  }
  return resolved;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
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
