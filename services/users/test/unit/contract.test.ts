import { createSignedClient } from '@internal-apis/signed-client';
import { createUsersClient, type UsersClient } from '../../src/client';
import { contract } from '../../src/contract';

// The routes the contract declares are the requests the client really sends: callers' grants are
// checked against the contract, so it must not drift from the client.

const BASE_URL = 'https://k3q8x0abcd.execute-api.us-east-1.amazonaws.com/local';
const USER = { id: 'u-1', email: 'ada@example.com', name: 'Ada', createdAt: '', updatedAt: '' };

/** The client over a transport that records each request as it would go on the wire. */
function recordingClient() {
  const sent: Array<{ method: string; path: string }> = [];
  const http = createSignedClient({
    callee: 'users',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' }),
    retry: { retries: 0 },
    axiosConfig: {
      adapter: async (config) => {
        const url = new URL(String(config.url));
        sent.push({ method: String(config.method).toUpperCase(), path: url.pathname.replace('/local', '') });
        const status = config.method?.toUpperCase() === 'DELETE' ? 204 : 200;
        return {
          status,
          statusText: '',
          data: status === 204 ? '' : JSON.stringify(USER),
          headers: { 'content-type': 'application/json' },
          config,
        };
      },
    },
  });
  return { client: createUsersClient({ baseUrl: BASE_URL, http }), sent };
}

/** One call of each client method. */
const CALLS: Record<keyof UsersClient, (client: UsersClient) => Promise<unknown>> = {
  getUser: (client) => client.getUser('u-1'),
  findUserByEmail: (client) => client.findUserByEmail('ada@example.com'),
  createUser: (client) => client.createUser({ email: 'ada@example.com', name: 'Ada' }),
  updateUser: (client) => client.updateUser('u-1', { name: 'Ada L.' }),
  deleteUser: (client) => client.deleteUser('u-1'),
};

/** `/users/{id}` as a pattern of the paths it stands for. */
function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{[^{}]+\}/g, '[^/]+')}$`);
}

describe('the users contract', () => {
  it.each(Object.keys(CALLS) as Array<keyof UsersClient>)('declares the request %s sends', async (method) => {
    const { client, sent } = recordingClient();

    await CALLS[method](client);

    const route = contract.routes[method];
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe(route.method);
    expect(sent[0]?.path).toMatch(pathPattern(route.path));
  });
});
