import type { BuildGraph } from '../plan/graph.js';
import type { ResolvedGraph } from '../plan/resolve-graph.js';
import { toWaves } from '../plan/waves.js';

/**
 * The named images of an already resolved graph plus everything they depend on, without reading
 * or analysing a Dockerfile again: what `resolveGraph` would return for that selection, as long as
 * no Dockerfile or the manifest changed since (watch re-resolves the whole graph when one does).
 */
export function subgraph(resolved: ResolvedGraph, names: Iterable<string>): ResolvedGraph {
  const { graph } = resolved;
  const chosen = new Set<string>();
  const visit = (name: string): void => {
    const node = graph.nodes.get(name);
    if (node === undefined || chosen.has(name)) return;
    chosen.add(name);
    for (const dependency of node.dependencies) visit(dependency);
  };
  for (const name of names) visit(name);
  // Manifest order, as resolveGraph: the same waves in the same order.
  const kept = [...graph.project.images.keys()].filter((name) => chosen.has(name));
  const nodes = new Map(kept.map((name) => [name, graph.nodes.get(name)!]));
  const waves = toWaves(kept, (name) => graph.nodes.get(name)!.dependencies);
  // A subset closed under dependencies of a validated graph is itself valid (acyclic, every edge inside).
  const sub = { project: graph.project, nodes, order: waves.flat(), waves } as unknown as BuildGraph;
  return { graph: sub, analyses: resolved.analyses };
}
