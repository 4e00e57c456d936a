import type { BuildGraph } from './graph.js';
import { describeEdge } from './cycles.js';

/** Output formats of `kiln graph`. */
export type GraphFormat = 'dot' | 'mermaid' | 'json';

/** Renders the graph for Graphviz, Mermaid or machines; edges point from an image to what it needs. */
export function renderGraph(graph: BuildGraph, format: GraphFormat): string {
  const names = graph.order;
  const edges = names.flatMap((n) => graph.nodes.get(n)!.edges);
  switch (format) {
    case 'dot': {
      const lines = ['digraph kiln {', '  rankdir=LR;', '  node [shape=box];'];
      for (const n of names) lines.push(`  ${quote(n)} [label=${quote(`${n}\n${graph.nodes.get(n)!.spec.repository}`)}];`);
      for (const e of edges) lines.push(`  ${quote(e.dependent)} -> ${quote(e.dependency)} [label=${quote(describeEdge(e))}];`);
      lines.push('}');
      return lines.join('\n') + '\n';
    }
    case 'mermaid': {
      const id = new Map(names.map((n, i) => [n, `n${i}`]));
      const lines = ['graph LR'];
      for (const n of names) lines.push(`  ${id.get(n)}["${escapeMermaid(n)}"]`);
      for (const e of edges) lines.push(`  ${id.get(e.dependent)} -->|"${escapeMermaid(describeEdge(e))}"| ${id.get(e.dependency)}`);
      return lines.join('\n') + '\n';
    }
    case 'json':
      return (
        JSON.stringify(
          {
            nodes: names.map((n) => ({ name: n, repository: graph.nodes.get(n)!.spec.repository, dependsOn: graph.nodes.get(n)!.dependencies })),
            edges: edges.map((e) => ({ from: e.dependent, to: e.dependency, kind: e.kind, ref: e.ref ?? null })),
            order: graph.waves,
          },
          null,
          2,
        ) + '\n'
      );
  }
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function escapeMermaid(s: string): string {
  return s.replace(/"/g, '#quot;');
}
