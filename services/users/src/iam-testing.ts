/**
 * What a caller's policy tests check about its grant on users, offline: read from the compiled
 * templates and evaluated by the local stage's IAM engine (`loadStageIam`), without running
 * anything. Import it as `@internal-apis/users/iam-testing` from unit tests only; no handler imports
 * it, so no bundle carries it.
 */
import { loadStageIam, type RoleIam, type StageIam } from '@internal-apis/local-stage/iam';
import { contract, type UsersMethod } from './contract';

/** One request per route of the users API, as a caller would send it. */
const SAMPLE_PATHS: Record<UsersMethod, string> = {
  getUser: '/users/42',
  findUserByEmail: '/users?email=ada@example.com',
  createUser: '/users',
  updateUser: '/users/42',
  deleteUser: '/users/42',
};

/**
 * The local stage's IAM, loaded once before the file's tests (packaging what is out of date first,
 * as `npm start` does); call the returned function inside a test.
 *
 * @example
 * const iam = stageIamForTests();
 * it('may read one user', () => expect(iam().role('orders').can('GET', 'users', '/users/42')).toBe(true));
 */
export function stageIamForTests(): () => StageIam {
  let iam: StageIam | undefined;
  beforeAll(async () => {
    iam = await loadStageIam({ stage: 'local' });
  }, 180_000);
  return () => {
    if (!iam) throw new Error('The stage IAM is loaded in beforeAll: use it inside a test');
    return iam;
  };
}

/**
 * Declares the tests every caller of users owes its grant: the role may call each users route whose
 * client method it declares (`calls.users`) and is refused every other route of the users contract;
 * it may read the users URL from SSM, and neither the users API id nor a write to the parameter.
 *
 * @example
 * const iam = stageIamForTests();
 * describe('the orders role', () => {
 *   itCallsUsersExactly(() => iam().role('orders'), calls.users);
 * });
 */
export function itCallsUsersExactly(role: () => RoleIam, declared: readonly UsersMethod[]): void {
  const routes = Object.entries(contract.routes) as Array<[UsersMethod, { method: string }]>;
  const cases = routes.map(([method, route]) => ({
    may: declared.includes(method) ? 'may' : 'may not',
    verb: route.method,
    path: SAMPLE_PATHS[method],
    method,
  }));
  it.each(cases)('$may $verb $path on users ($method), as its calls declare', ({ may, verb, path }) => {
    expect(role().can(verb, 'users', path)).toBe(may === 'may');
  });

  it('reads the users URL in SSM, and neither the users API id nor a write to it', () => {
    expect(role().can('ssm:GetParameter', '/local/users/url')).toBe(true);
    expect(role().can('ssm:GetParameter', '/local/users/api-id')).toBe(false);
    expect(role().can('ssm:PutParameter', '/local/users/url')).toBe(false);
  });
}
