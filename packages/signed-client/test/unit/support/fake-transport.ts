import {
  type AxiosAdapter,
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

/** What the fake network answers with, in order; once they run out every request gets 200 `{}`. */
export type Reply =
  | { status: number; headers?: Record<string, string>; data?: unknown }
  | { networkError: string }
  | { timeout: true };

/** A request exactly as the signing adapter handed it to the transport. */
export interface CapturedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  config: InternalAxiosRequestConfig;
}

/**
 * An axios adapter that records requests instead of sending them and behaves like axios's http adapter
 * on the way back: it rejects a status that validateStatus refuses, and fails like Node on the network.
 */
export function fakeTransport(...replies: Reply[]): { adapter: AxiosAdapter; requests: CapturedRequest[] } {
  const requests: CapturedRequest[] = [];
  const adapter: AxiosAdapter = async (config) => {
    requests.push(capture(config));
    return answer(replies.shift() ?? { status: 200, data: {} }, config);
  };
  return { adapter, requests };
}

function capture(config: InternalAxiosRequestConfig): CapturedRequest {
  const headers = Object.fromEntries(
    Object.entries(config.headers.toJSON(true)).map(([k, v]) => [k, String(v)]),
  );
  return {
    method: String(config.method).toUpperCase(),
    url: String(config.url),
    headers,
    body: config.data as string | Buffer | undefined,
    config,
  };
}

function answer(reply: Reply, config: InternalAxiosRequestConfig): AxiosResponse {
  if ('networkError' in reply) {
    const cause = Object.assign(new Error(`connect ${reply.networkError} users.example.invalid:443`), {
      code: reply.networkError,
    });
    throw AxiosError.from(cause, undefined, config, {});
  }
  if ('timeout' in reply) {
    throw new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ECONNABORTED, config, {});
  }
  const response: AxiosResponse = {
    status: reply.status,
    statusText: String(reply.status),
    headers: AxiosHeaders.from(reply.headers ?? {}),
    data: typeof reply.data === 'string' ? reply.data : JSON.stringify(reply.data ?? {}),
    config,
    request: {},
  };
  if (config.validateStatus?.(reply.status) === false) {
    throw new AxiosError(
      `Request failed with status code ${reply.status}`,
      'ERR_BAD_REQUEST',
      config,
      {},
      response,
    );
  }
  return response;
}
