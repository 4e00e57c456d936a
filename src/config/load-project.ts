import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Project } from '../model/project.js';
import { fail, ok } from '../util/result.js';
import type { Result } from '../util/result.js';
import { checkProject } from './checks.js';
import type { ConfigContext } from './define-config.js';
import { lazyGitInfo } from './git-info.js';
import { variableLookup } from './interpolate.js';
import { normalizeProject } from './normalize.js';
import { createManifestValidator } from './schema.js';
import { schemaDiagnostics } from './schema-errors.js';
import { loadScriptManifest } from './script-source.js';
import { applySets } from './sets.js';
import type { DataPath, ManifestSource } from './source.js';
import { parseYamlManifest } from './yaml-source.js';

/** What to load and how to expand it. */
export interface LoadProjectOptions {
  /** The manifest (images.yaml / images.yml / kiln.config.{ts,mts,js,mjs}); see findManifest. */
  file: string;
  /** `--var K=V`: variables that win over git built-ins and the environment. */
  vars?: Record<string, string>;
  /** `--set image.field=value` overrides, applied in order. */
  sets?: string[];
  /** Environment for interpolation and config functions. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Folder relative `file` is resolved against. Default: process.cwd(). */
  cwd?: string;
}

/** Loads, validates and normalizes a manifest; every problem found comes back, each with its location. */
export async function loadProject(options: LoadProjectOptions): Promise<Result<Project, Diagnostic[]>> {
  const file = path.resolve(options.cwd ?? process.cwd(), options.file);
  const root = path.dirname(file);
  const env = options.env ?? process.env;
  const git = lazyGitInfo(root);
  const loaded = await loadSource(file, {
    env,
    root,
    git: {
      get sha() {
        return git().sha;
      },
      get shortSha() {
        return git().shortSha;
      },
      get branch() {
        return git().branch;
      },
    },
  });
  if (!loaded.ok) return loaded;
  if (loaded.value.data === null || loaded.value.data === undefined) {
    return fail([
      diagnostic('usage', 'the manifest is empty', {
        location: { file, line: 1, column: 1 },
        hint: 'start with "version: 1" and an "images" map',
      }),
    ]);
  }
  const sets = applySets(loaded.value.data, options.sets ?? []);
  const source = withSetOrigins(loaded.value, sets.origins);
  const validate = createManifestValidator();
  if (!validate(source.data)) {
    return fail(sorted([...sets.diagnostics, ...schemaDiagnostics(validate.errors ?? [], source)]));
  }
  if (sets.diagnostics.length > 0) return fail(sets.diagnostics);
  const normalized = normalizeProject({
    config: source.data,
    source,
    root,
    lookup: variableLookup({ vars: options.vars ?? {}, git, env }),
  });
  const problems = [...normalized.problems, ...checkProject(normalized.project)];
  return problems.length > 0 ? fail(sorted(problems)) : ok(normalized.project);
}

async function loadSource(
  file: string,
  context: ConfigContext,
): Promise<Result<ManifestSource, Diagnostic[]>> {
  if (/\.(c|m)?[jt]s$/.test(file)) return loadScriptManifest({ file, context });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    return fail([diagnostic('usage', `cannot read manifest ${file}: ${reason}`)]);
  }
  return parseYamlManifest(file, text);
}

/** Values written by --set have no place in the file: their diagnostics name the --set instead. */
function withSetOrigins(source: ManifestSource, origins: ReadonlyMap<string, string>): ManifestSource {
  // Every location of every image is looked up: without --set, skip the per-lookup path encoding.
  if (origins.size === 0) return source;
  const setOf = (dataPath: DataPath): string | undefined =>
    dataPath.map((_, index) => origins.get(JSON.stringify(dataPath.slice(0, index + 1)))).find((set) => set !== undefined);
  const fromSet = (dataPath: DataPath): boolean => setOf(dataPath) !== undefined;
  return {
    ...source,
    origin: (dataPath) => {
      const set = setOf(dataPath);
      return set === undefined ? undefined : `--set "${set}"`;
    },
    locate: (dataPath, part) => (fromSet(dataPath) ? undefined : source.locate(dataPath, part)),
    locateWithin: (dataPath, needle) => (fromSet(dataPath) ? undefined : source.locateWithin(dataPath, needle)),
  };
}

/** File order, then position, diagnostics without a location first; each once (a default shared by images fails once). */
function sorted(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = list.filter((d) => {
    const key = JSON.stringify([d.message, d.location?.file, d.location?.line, d.location?.column]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
}
