import { RestApiRouter } from '../../src/apigateway';
import { LocalStageError } from '../../src/errors';
import { usersApi } from '../fixtures/apigateway/users-api';

const router = new RestApiRouter(usersApi);

function route(path: string, method: string) {
  const matched = router.match(path, method);
  return (
    matched && {
      fn: matched.method.integration.functionName,
      resource: matched.resourcePath,
      params: matched.pathParameters,
    }
  );
}

describe('RestApiRouter', () => {
  it('matches a path parameter and names it', () => {
    expect(route('/users/42', 'GET')).toEqual({
      fn: 'users-local-getUser',
      resource: '/users/{id}',
      params: { id: '42' },
    });
  });

  it('prefers a literal segment to a path parameter', () => {
    expect(route('/users/me', 'GET')).toEqual({
      fn: 'users-local-getMe',
      resource: '/users/me',
      params: null,
    });
  });

  it('falls back to the path parameter when the literal resource lacks the method', () => {
    expect(route('/users/me', 'DELETE')).toEqual({
      fn: 'users-local-deleteUser',
      resource: '/users/{id}',
      params: { id: 'me' },
    });
  });

  it('prefers a path parameter to a greedy {proxy+}', () => {
    expect(route('/users/42/orders', 'PATCH')?.fn).toBe('users-local-userOrders');
  });

  it('gives {proxy+} the rest of the path, slashes included', () => {
    expect(route('/files/a/b/c.txt', 'GET')).toEqual({
      fn: 'users-local-files',
      resource: '/files/{path+}',
      params: { path: 'a/b/c.txt' },
    });
    expect(route('/anything/else', 'PUT')).toEqual({
      fn: 'users-local-catchAll',
      resource: '/{proxy+}',
      params: { proxy: 'anything/else' },
    });
  });

  it('lets ANY match every method', () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']) {
      expect(route('/users/1/orders', method)?.fn).toBe('users-local-userOrders');
    }
  });

  it('routes the root path to the root resource, never to {proxy+}', () => {
    expect(route('/', 'GET')).toEqual({ fn: 'users-local-home', resource: '/', params: null });
    expect(route('', 'GET')?.fn).toBe('users-local-home');
  });

  it('reaches the same resource with a trailing slash, and none through an empty segment', () => {
    expect(route('/users/42/', 'GET')?.params).toEqual({ id: '42' });
    expect(route('/files/dir/', 'GET')?.params).toEqual({ path: 'dir' });
    expect(route('//users/me', 'GET')).toBeUndefined();
    expect(route('/users//me', 'GET')).toBeUndefined();
  });

  it('matches method names whatever their case', () => {
    expect(route('/users/42', 'get')?.fn).toBe('users-local-getUser');
  });

  it('finds nothing without a method for the request (API Gateway then answers Missing Authentication Token)', () => {
    const strict = new RestApiRouter({
      ...usersApi,
      methods: usersApi.methods.filter((method) => method.resourceId !== 'proxy'),
    });
    expect(strict.match('/users/42', 'PUT')).toBeUndefined();
    expect(strict.match('/nowhere', 'GET')).toBeUndefined();
    expect(strict.match('/users', 'GET')).toBeUndefined();
    expect(strict.match('/files', 'GET')).toBeUndefined();
    expect(strict.match('/users//orders', 'GET')).toBeUndefined();
  });

  it('refuses an API without exactly one root resource', () => {
    expect(() => new RestApiRouter({ ...usersApi, resources: usersApi.resources.slice(1) })).toThrow(
      LocalStageError,
    );
  });
});
