import { createUsersClient, type UsersClient } from '../../src/client';
import { contract } from '../../src/contract';
import { fakeUsersApi } from './fakes';

// The routes the contract declares are the requests the client really sends: callers' grants are
// checked against the contract, so it must not drift from the client.

const BASE_URL = 'https://k3q8x0abcd.execute-api.us-east-1.amazonaws.com/local';
const USER = { id: 'u-1', email: 'ada@example.com', name: 'Ada', createdAt: '', updatedAt: '' };

/** The client over a fake users API that records each request as it would go on the wire. */
function recordingClient() {
  const { http, sent } = fakeUsersApi(({ method }) =>
    method === 'DELETE' ? { status: 204 } : { status: 200, body: USER },
  );
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
    expect(new URL(String(sent[0]?.url)).pathname.replace('/local', '')).toMatch(pathPattern(route.path));
  });
});
