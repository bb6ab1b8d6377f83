import { routesOf } from '../../src/stage-routes';
import { lambdaMethod, usersApi } from '../fixtures/apigateway/users-api';

describe('the routes the ready banner lists', () => {
  it('gives every method its resource path and function, sorted by path then method', () => {
    expect(routesOf(usersApi)).toEqual([
      { method: 'GET', path: '/', functionName: 'users-local-home' },
      { method: 'GET', path: '/files/{path+}', functionName: 'users-local-files' },
      { method: 'POST', path: '/users', functionName: 'users-local-createUser' },
      { method: 'GET', path: '/users/me', functionName: 'users-local-getMe' },
      { method: 'DELETE', path: '/users/{id}', functionName: 'users-local-deleteUser' },
      { method: 'GET', path: '/users/{id}', functionName: 'users-local-getUser' },
      { method: 'ANY', path: '/users/{id}/orders', functionName: 'users-local-userOrders' },
      { method: 'ANY', path: '/{proxy+}', functionName: 'users-local-catchAll' },
    ]);
  });

  it('lists a mock integration without a function', () => {
    const api = {
      ...usersApi,
      methods: [
        lambdaMethod('users', 'POST', 'users-local-createUser'),
        {
          resourceId: 'users',
          httpMethod: 'OPTIONS',
          authorizationType: 'NONE',
          integration: { type: 'MOCK', uri: '' },
        },
      ],
    };
    expect(routesOf(api)).toEqual([
      { method: 'OPTIONS', path: '/users' },
      { method: 'POST', path: '/users', functionName: 'users-local-createUser' },
    ]);
  });
});
