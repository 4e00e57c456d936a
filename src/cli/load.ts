import { findManifest, loadProject } from '../config/index.js';
import { KilnError } from '../diagnostics/diagnostic.js';
import type { Project } from '../model/project.js';
import { sharedFileReader } from '../util/file-reader.js';
import { resolveGraph, type ResolvedGraph } from '../plan/resolve-graph.js';
import type { CliIO } from './io.js';

/** Options every manifest-reading command takes. */
export interface ManifestOptions {
  file?: string;
  var?: string[];
  set?: string[];
}

/** Parses `--var K=V` pairs. */
export function parseVars(pairs: string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new KilnError({ kind: 'usage', message: `--var ${pair}: expected NAME=VALUE` });
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}

/** Finds, loads and validates the manifest; throws a KilnError with every problem. */
export async function loadManifest(io: CliIO, options: ManifestOptions): Promise<Project> {
  const file = await findManifest(io.cwd, options.file);
  if (!file.ok) throw new KilnError(file.error);
  const project = await loadProject({ file: file.value, vars: parseVars(options.var), sets: options.set ?? [], env: io.env, cwd: io.cwd });
  if (!project.ok) throw new KilnError(project.error);
  return project.value;
}

/** Loads the manifest and resolves the graph of the selected names. */
export async function loadGraph(io: CliIO, options: ManifestOptions, names: string[]): Promise<ResolvedGraph> {
  const project = await loadManifest(io, options);
  const resolved = await resolveGraph(project, { selection: names, readDockerfile: sharedFileReader() });
  if (!resolved.ok) throw new KilnError(resolved.error);
  return resolved.value;
}
