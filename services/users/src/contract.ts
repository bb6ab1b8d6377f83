import type { UsersClient } from './client';

/**
 * The routes of the users API that its typed client calls, by client method. Callers declare which
 * methods they use (their `src/calls.ts`), and `npm test` proves from the compiled templates that each
 * caller's IAM grant covers exactly those routes, and that every route here is one the API serves.
 * A test of the client checks that each method sends the request declared here.
 */
export const contract = {
  service: 'users',
  client: '@internal-apis/users/client',
  routes: {
    getUser: { method: 'GET', path: '/users/{id}' },
    findUserByEmail: { method: 'GET', path: '/users' },
    createUser: { method: 'POST', path: '/users' },
    updateUser: { method: 'PATCH', path: '/users/{id}' },
    deleteUser: { method: 'DELETE', path: '/users/{id}' },
  },
} as const satisfies {
  service: string;
  client: string;
  routes: Record<keyof UsersClient, { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string }>;
};

/** A users client method, as callers name it in their `calls`. */
export type UsersMethod = keyof typeof contract.routes;
