import { findManifest, loadProject } from '../config/index.js';
import { KilnError, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Engine } from '../engine/engine.js';
import { fail, ok, type Result } from '../util/result.js';
import { planCacheState } from './cache-state.js';
import type { ImageCacheState } from './render-plan.js';
import { resolveGraph, type ResolvedGraph } from './resolve-graph.js';

/** Options of {@link plan}. */
export interface PlanOptions {
  /** Where to search for the manifest (upward); default the process's working directory. */
  cwd?: string;
  /** An explicit manifest path (`-f`). */
  file?: string;
  /** Image and group names; all images when empty. */
  selection?: string[];
  vars?: Record<string, string>;
  sets?: string[];
  env?: NodeJS.ProcessEnv;
  /** When given, each image's key and cache state are looked up on it (nothing is built or pulled). */
  engine?: Engine;
  signal?: AbortSignal;
}

/** The resolved graph, with each image's cache state when an engine was given. */
export interface PlanResult extends ResolvedGraph {
  cache?: Map<string, ImageCacheState>;
}

/** The library form of `kiln plan`: find and load the manifest, resolve the selected graph, and (given an engine) its cache state. */
export async function plan(options: PlanOptions = {}): Promise<Result<PlanResult, Diagnostic[]>> {
  const cwd = options.cwd ?? process.cwd();
  const file = findManifest(cwd, options.file);
  if (!file.ok) return fail(file.error);
  const project = await loadProject({ file: file.value, cwd, vars: options.vars ?? {}, sets: options.sets ?? [], env: options.env ?? process.env });
  if (!project.ok) return fail(project.error);
  const resolved = await resolveGraph(project.value, { selection: options.selection ?? [] });
  if (!resolved.ok || options.engine === undefined) return resolved;
  try {
    const cache = await planCacheState({ resolved: resolved.value, engine: options.engine, signal: options.signal ?? new AbortController().signal });
    return ok({ ...resolved.value, cache });
  } catch (error) {
    // An unreachable engine is an expected failure: a value, like the manifest's problems.
    if (error instanceof KilnError) return fail(error.diagnostics);
    throw error;
  }
}
