/**
 * Orders nodes so each comes after its dependencies. Depth-first from the nodes in input order, so
 * nodes with no relation keep their input order. A cycle calls `onCycle` with its nodes, in order.
 *
 * @example
 * topologicalOrder(['api', 'table'], (n) => (n === 'api' ? ['table'] : []), () => new Error('cycle')); // ['table', 'api']
 */
export function topologicalOrder<T>(
  nodes: readonly T[],
  dependenciesOf: (node: T) => Iterable<T>,
  onCycle: (cycle: T[]) => Error,
): T[] {
  const order: T[] = [];
  const done = new Set<T>();
  const inProgress: T[] = [];
  const visit = (node: T): void => {
    if (done.has(node)) return;
    const seen = inProgress.indexOf(node);
    if (seen >= 0) throw onCycle(inProgress.slice(seen));
    inProgress.push(node);
    for (const dependency of dependenciesOf(node)) visit(dependency);
    inProgress.pop();
    done.add(node);
    order.push(node);
  };
  for (const node of nodes) visit(node);
  return order;
}
