/** A node of a dependency graph as the scheduler sees it. */
export interface GraphNode {
  /** Names of the nodes this one needs. */
  dependencies: readonly string[];
}

/**
 * Length of the longest chain from each node down to a leaf of the reversed graph:
 * 1 + the longest among the nodes that depend on it. Starting the longest chains first shortens
 * the whole run when slots are scarce. `order` lists dependencies before dependents.
 */
export function criticalPathLengths(nodes: ReadonlyMap<string, GraphNode>, order: readonly string[]): Map<string, number> {
  const dependents = new Map<string, string[]>();
  for (const name of order) dependents.set(name, []);
  for (const name of order) {
    for (const dependency of nodes.get(name)?.dependencies ?? []) dependents.get(dependency)?.push(name);
  }
  const lengths = new Map<string, number>();
  for (const name of [...order].reverse()) {
    let longest = 0;
    for (const dependent of dependents.get(name) ?? []) longest = Math.max(longest, lengths.get(dependent) ?? 0);
    lengths.set(name, 1 + longest);
  }
  return lengths;
}
