import { findManifest, loadProject } from '../config/index.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { fail, type Result } from '../util/result.js';
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
}

/** The library form of `kiln plan`: find and load the manifest, then resolve the selected graph. */
export async function plan(options: PlanOptions = {}): Promise<Result<ResolvedGraph, Diagnostic[]>> {
  const cwd = options.cwd ?? process.cwd();
  const file = findManifest(cwd, options.file);
  if (!file.ok) return fail(file.error);
  const project = await loadProject({ file: file.value, cwd, vars: options.vars ?? {}, sets: options.sets ?? [], env: options.env ?? process.env });
  if (!project.ok) return fail(project.error);
  return resolveGraph(project.value, { selection: options.selection ?? [] });
}
