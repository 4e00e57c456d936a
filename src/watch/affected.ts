import type { BuildGraph } from '../plan/graph.js';

/** The images plus every image of the graph that depends on them, directly or not, in graph order. */
export function withDependents(graph: BuildGraph, names: Iterable<string>): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || !graph.nodes.has(name)) return;
    seen.add(name);
    for (const dependent of graph.nodes.get(name)!.dependents) visit(dependent);
  };
  for (const name of names) visit(name);
  return graph.order.filter((name) => seen.has(name));
}
