import { relative } from 'node:path';
import type { RebuildReason } from '../run/events.js';
import { describeEdge } from './cycles.js';
import type { BuildGraph, ImageNode } from './graph.js';

/** What the planner knows about an image's cache state, when it has looked. */
export interface ImageCacheState {
  /** Undefined while a base is not in the engine: its ID, and so the key, is known once a build pulls it. */
  key?: string;
  cached: boolean;
  /** Where the cached build was found. */
  source?: 'local' | 'registry';
  reasons: RebuildReason[];
}

/** The `kiln plan --json` document. */
export interface PlanDocument {
  project: string;
  file: string;
  images: {
    name: string;
    repository: string;
    tags: string[];
    context: string;
    dockerfile: string;
    target: string | null;
    platform: string | null;
    dependsOn: string[];
    edges: { dependency: string; kind: string; ref: string | null; location: string }[];
    externalBases: string[];
    key?: string;
    cached?: boolean;
    reasons?: RebuildReason[];
  }[];
  order: string[][];
}

/** Builds the JSON plan: paths relative to the project root, edges with `file:line:col`. */
export function planDocument(graph: BuildGraph, cache?: ReadonlyMap<string, ImageCacheState>): PlanDocument {
  const root = graph.project.root;
  const rel = (p: string) => relative(root, p) || '.';
  return {
    project: graph.project.name,
    file: rel(graph.project.file),
    images: graph.order.map((name) => {
      const node = graph.nodes.get(name)!;
      const state = cache?.get(name);
      return {
        name,
        repository: node.spec.repository,
        tags: node.spec.tags,
        context: rel(node.spec.context),
        dockerfile: rel(node.spec.dockerfile),
        target: node.spec.target ?? null,
        platform: node.spec.platform ?? null,
        dependsOn: node.dependencies,
        edges: node.edges.map((e) => ({
          dependency: e.dependency,
          kind: e.kind,
          ref: e.ref ?? null,
          location: `${rel(e.location.file)}:${e.location.line}:${e.location.column}`,
        })),
        externalBases: node.externalBases,
        ...(state ? { key: state.key, cached: state.cached, reasons: state.reasons } : {}),
      };
    }),
    order: graph.waves,
  };
}

/** The human-readable plan: waves in order, each image with its tags, why each edge exists, and cache state. */
export function renderPlan(graph: BuildGraph, cache?: ReadonlyMap<string, ImageCacheState>): string {
  const root = graph.project.root;
  const count = graph.order.length;
  const lines = [`${graph.project.name} (${relative(root, graph.project.file)}): ${count} image${count === 1 ? '' : 's'} in ${graph.waves.length} wave${graph.waves.length === 1 ? '' : 's'}`];
  graph.waves.forEach((wave, i) => {
    lines.push('', `wave ${i + 1}`);
    for (const name of wave) lines.push(...renderImage(graph.nodes.get(name)!, root, cache?.get(name)));
  });
  if (cache) {
    const toBuild = [...cache.values()].filter((s) => !s.cached).length;
    lines.push('', `${toBuild} to build, ${count - toBuild} cached`);
  }
  return lines.join('\n') + '\n';
}

function renderImage(node: ImageNode, root: string, state: ImageCacheState | undefined): string[] {
  const spec = node.spec;
  const refs = spec.tags.map((t) => `${spec.repository}:${t}`).join(', ');
  const lines = [`  ${spec.name}  ${refs}${spec.target ? `  (target ${spec.target})` : ''}`];
  if (state) {
    const status = state.cached ? `cached${state.source === 'registry' ? ' in the registry' : ''}` : `build: ${state.reasons.map((r) => r.detail).join('; ')}`;
    lines.push(`    key ${state.key?.slice(0, 12) ?? 'unknown'}  ${status}`);
  }
  for (const edge of node.edges) {
    const where = `${relative(root, edge.location.file)}:${edge.location.line}`;
    lines.push(`    ← ${edge.dependency}  ${describeEdge(edge)}  (${where})`);
  }
  for (const base of node.externalBases) lines.push(`    ← ${base}  external base`);
  return lines;
}
