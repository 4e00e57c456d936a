import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Edge } from './graph.js';

/**
 * Finds dependency cycles (Tarjan's strongly connected components) and reports each one with
 * every edge of it, so the user sees all the lines to change, not just one.
 */
export function findCycles(names: string[], edgesOf: (name: string) => Edge[]): Diagnostic[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  // Recursive is fine: manifests have at most a few hundred images.
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const e of edgesOf(v)) {
      const w = e.dependency;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = edgesOf(v).some((e) => e.dependency === v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const n of names) if (!index.has(n)) visit(n);

  return components.map((component) => cycleDiagnostic(cyclePath(component, edgesOf)));
}

/** One closed walk through a strongly connected component, as edges. */
function cyclePath(component: string[], edgesOf: (name: string) => Edge[]): Edge[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  // Breadth-first search back to start gives the shortest cycle through it.
  const previous = new Map<string, Edge>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const e of edgesOf(v)) {
      if (!members.has(e.dependency)) continue;
      if (e.dependency === start) {
        const path = [e];
        let at = v;
        while (at !== start) {
          const p = previous.get(at)!;
          path.unshift(p);
          at = p.dependent;
        }
        return path;
      }
      if (!previous.has(e.dependency)) {
        previous.set(e.dependency, e);
        queue.push(e.dependency);
      }
    }
  }
  return [];
}

function cycleDiagnostic(path: Edge[]): Diagnostic {
  const names = [...path.map((e) => e.dependent), path[0]?.dependent ?? ''];
  return {
    kind: 'usage',
    message: `dependency cycle: ${names.join(' → ')}`,
    location: path[0]?.location,
    hint: 'remove one of these dependencies; an image cannot be built before itself',
    related: path.map((e) => ({ message: `${e.dependent} depends on ${e.dependency} (${describeEdge(e)})`, location: e.location })),
  };
}

/** How an edge (or a Dockerfile reference) came to be, in the user's words. */
export function describeEdge(e: Pick<Edge, 'kind' | 'ref'>): string {
  switch (e.kind) {
    case 'depends_on':
      return 'depends_on';
    case 'from':
      return `FROM ${e.ref}`;
    case 'copy-from':
      return `COPY --from=${e.ref}`;
    case 'mount-from':
      return `RUN --mount from=${e.ref}`;
  }
}
