import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { analyzeDockerfile, imageReferences, neededStages } from '../dockerfile/index.js';
import { producedIndex, type ProducedIndex } from '../model/produced.js';
import type { DockerfileAnalysis } from '../dockerfile/index.js';
import type { ImageSpec, Project } from '../model/project.js';
import { fail, ok, type Result } from '../util/result.js';
import { unreachable } from '../util/unreachable.js';
import { findCycles } from './cycles.js';
import { matchReference } from './match-reference.js';
import { selfReferenceDiagnostic, unproducedTagDiagnostic } from './reference-diagnostics.js';
import type { BuildGraph, Edge, ImageNode } from './graph.js';
import { selectImages } from './select.js';
import { toWaves } from './waves.js';

/** Options for resolving a project into a graph. */
export interface ResolveOptions {
  /** Image and group names to select; all images when empty. */
  selection?: string[];
  /** Reads a Dockerfile; injectable for tests. */
  readDockerfile?: (file: string) => Promise<string>;
}

/** The result of resolving: the graph, and each image's Dockerfile analysis (the planner reuses it). */
export interface ResolvedGraph {
  graph: BuildGraph;
  analyses: ReadonlyMap<string, DockerfileAnalysis>;
}

/**
 * Reads every Dockerfile, infers edges from FROM / COPY --from / RUN --mount references that are
 * exactly a reference another manifest image produces (repository and tag), adds depends_on edges,
 * rejects cycles, and returns the validated graph of the selection (the named images and groups
 * plus all they depend on).
 */
export async function resolveGraph(project: Project, options: ResolveOptions = {}): Promise<Result<ResolvedGraph, Diagnostic[]>> {
  const read = options.readDockerfile ?? ((f: string) => readFile(f, 'utf8'));
  const problems: Diagnostic[] = [];
  const analyses = new Map<string, DockerfileAnalysis>();
  const produced = producedIndex(project.images.values());
  const nodes = new Map<string, ImageNode>();

  // Dockerfiles are independent: read and analyze them concurrently.
  await Promise.all(
    [...project.images.values()].map(async (spec) => {
      const result = await analyzeImage(spec, project.root, read);
      if (!result.ok) {
        problems.push(...result.error);
        return;
      }
      analyses.set(spec.name, result.value.analysis);
      nodes.set(spec.name, nodeFor(spec, result.value.references, project.images, produced, problems));
    }),
  );
  if (problems.length > 0) return fail(sortByLocation(problems));

  // Keep manifest order everywhere, whatever order the reads finished in.
  const names = [...project.images.keys()];
  for (const name of names) {
    for (const dependency of nodes.get(name)!.dependencies) nodes.get(dependency)!.dependents.push(name);
  }
  const cycles = findCycles(names, (n) => nodes.get(n)!.edges);
  if (cycles.length > 0) return fail(cycles);

  const selected = selectImages(project, nodes, options.selection ?? []);
  if (!selected.ok) return fail(selected.error);
  const chosen = names.filter((n) => selected.value.has(n));
  const subset = new Map(chosen.map((n) => [n, nodes.get(n)!]));
  const waves = toWaves(chosen, (n) => nodes.get(n)!.dependencies);
  const graph = { project, nodes: subset, order: waves.flat(), waves } as unknown as BuildGraph;
  return ok({ graph, analyses });
}

type Analyzed = { analysis: DockerfileAnalysis; references: ReturnType<typeof imageReferences> };

async function analyzeImage(spec: ImageSpec, root: string, read: (file: string) => Promise<string>): Promise<Result<Analyzed, Diagnostic[]>> {
  let text: string;
  try {
    text = await read(spec.dockerfile);
  } catch (error) {
    return fail([
      {
        kind: 'usage',
        message: `cannot read the Dockerfile of image "${spec.name}": ${(error as Error).message}`,
        location: spec.locations.dockerfile ?? spec.locations.context ?? spec.locations.image,
      },
    ]);
  }
  const analyzed = analyzeDockerfile({ file: spec.dockerfile, text, buildArgs: spec.args, displayPath: relative(root, spec.dockerfile), ...(spec.platform ? { platform: spec.platform } : {}) });
  if (!analyzed.ok) return fail(analyzed.error);
  const stages = neededStages(analyzed.value, spec.target, spec.locations.target);
  if (!stages.ok) return fail([stages.error]);
  return ok({ analysis: analyzed.value, references: imageReferences(analyzed.value, spec.target) });
}

/**
 * An image's edges and external bases. A reference is an edge only when it is exactly a reference
 * another image produces; its own produced reference, or a manifest repository under a tag nobody
 * produces, is a problem at the Dockerfile line.
 */
function nodeFor(
  spec: ImageSpec,
  references: Analyzed['references'],
  images: ReadonlyMap<string, ImageSpec>,
  produced: ProducedIndex,
  problems: Diagnostic[],
): ImageNode {
  const edges: Edge[] = [];
  const externalBases: string[] = [];
  for (const reference of references) {
    const match = matchReference(reference.ref, produced);
    switch (match.kind) {
      case 'external':
        if (!externalBases.includes(reference.ref)) externalBases.push(reference.ref);
        break;
      case 'produced':
        if (match.producer.image.name === spec.name) problems.push(selfReferenceDiagnostic(spec, reference, match.producer));
        else edges.push({ dependent: spec.name, dependency: match.producer.image.name, kind: reference.kind, ref: reference.ref, location: reference.location });
        break;
      case 'unproduced-tag':
        problems.push(unproducedTagDiagnostic(spec, reference, match));
        break;
      default:
        unreachable(match);
    }
  }
  spec.dependsOn.forEach((dependency, i) => {
    const location = spec.locations[`dependsOn.${i}`] ?? spec.locations.dependsOn ?? spec.locations.image;
    // The loader reports unknown names; a Project built by other means gets the same check here.
    if (!images.has(dependency)) {
      problems.push({ kind: 'usage', message: `image "${spec.name}" depends on "${dependency}", which is not an image of the manifest`, location });
      return;
    }
    edges.push({ dependent: spec.name, dependency, kind: 'depends_on', location });
  });
  const dependencies = [...new Set(edges.map((e) => e.dependency))];
  return { spec, edges, dependencies, dependents: [], externalBases };
}

function sortByLocation(list: Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => `${d.location?.file ?? ''}\0${String(d.location?.line ?? 0).padStart(8, '0')}\0${String(d.location?.column ?? 0).padStart(8, '0')}`;
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
