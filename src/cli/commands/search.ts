import type { Command } from 'commander';
import { findManifest } from '../../config/index.js';
import { diagnostic, KilnError } from '../../diagnostics/diagnostic.js';
import { createEngine, EngineRequestError } from '../../engine/index.js';
import { formatRows } from '../../images/format-rows.js';
import { baseRef } from '../../lock/index.js';
import { createDockerCredentialStore, createRegistryClient, isRegistryError } from '../../registry/index.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadManifest, type ManifestOptions } from '../load.js';
import { manifestOptions, positiveInt } from '../options.js';

/** Options of `kiln search`. */
export interface SearchOptions extends ManifestOptions {
  /** Registry host whose catalog to search (default: the manifest's `registry`). */
  registry?: string;
  /** Search Docker Hub through the engine, even when a registry is configured. */
  hub?: boolean;
  limit?: number;
  filter?: string[];
  format?: string;
  trunc?: boolean;
}

/** Whether a repository name matches the term: a glob (`*`, `?`) matches the whole name, else a substring. */
export function matchesTerm(name: string, term: string): boolean {
  if (!/[*?]/.test(term)) return name.includes(term);
  // Two wildcards only: a library (picomatch) would add path semantics repository names don't have.
  const pattern = term.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${pattern}$`).test(name);
}

/**
 * `kiln search TERM`: the configured registry's catalog (every page), by substring or glob; or
 * Docker Hub through the engine's search endpoint (`--hub`, or when no registry is configured).
 */
export async function search(io: CliIO, options: SearchOptions, term: string): Promise<ExitCode> {
  const registry = options.hub ? undefined : (options.registry ?? (await manifestRegistry(io, options)));
  if (registry !== undefined) return searchCatalog(io, options, registry, term);
  return searchHub(io, options, term);
}

async function manifestRegistry(io: CliIO, options: SearchOptions): Promise<string | undefined> {
  if (!findManifest(io.cwd, options.file).ok) return undefined;
  const prefix = (await loadManifest(io, options)).registry;
  if (prefix === undefined) return undefined;
  const { host } = baseRef(`${prefix}/x`);
  // Docker Hub has no catalog endpoint: its search goes through the engine.
  return host === 'docker.io' ? undefined : host;
}

async function searchCatalog(io: CliIO, options: SearchOptions, host: string, term: string): Promise<ExitCode> {
  if (options.filter?.length) {
    throw new KilnError(diagnostic('usage', '--filter applies to Docker Hub search only', { hint: `Pass --hub to search Docker Hub instead of ${host}'s catalog.` }));
  }
  const limit = options.limit ?? 25;
  const client = createRegistryClient({ host, credentials: createDockerCredentialStore({ env: io.env }) });
  const names: string[] = [];
  try {
    for await (const name of client.catalog()) {
      if (matchesTerm(name, term)) names.push(name);
      if (names.length >= limit) break;
    }
  } catch (error) {
    if (isRegistryError(error)) throw new KilnError(error.toDiagnostic());
    throw error;
  } finally {
    await client.close();
  }
  const rows = names.map((name) => ({ Name: `${host}/${name}`, Repository: name, Registry: host }));
  io.stdout.write(formatRows(rows, { ...(options.format ? { format: options.format } : {}), defaultTable: 'table {{.Name}}', headers: { Name: 'NAME', Repository: 'REPOSITORY', Registry: 'REGISTRY' } }));
  return ExitCode.ok;
}

async function searchHub(io: CliIO, options: SearchOptions, term: string): Promise<ExitCode> {
  const filters: Record<string, string[]> = {};
  for (const flag of options.filter ?? []) {
    const [key = '', value = ''] = flag.split('=', 2);
    if (!['stars', 'is-official', 'is-automated'].includes(key) || value === '') {
      throw new KilnError(diagnostic('usage', `invalid filter "${flag}"`, { hint: 'Use stars=N, is-official=true|false or is-automated=true|false.' }));
    }
    (filters[key] ??= []).push(value);
  }
  const engine = createEngine({ env: io.env });
  try {
    const results = await engine.search(term, { limit: options.limit ?? 25, filters }, io.signal).catch((error: unknown) => {
      // The daemon proxies Docker Hub and answers 500 when it cannot reach it (no network).
      if (error instanceof EngineRequestError && error.status >= 500) {
        throw new KilnError(
          diagnostic('unavailable', `Docker Hub search is not reachable from the engine (offline?): ${error.message}`, {
            hint: 'Check the engine host\'s network, or search your registry\'s catalog with --registry HOST.',
          }),
        );
      }
      throw error;
    });
    const trunc = options.trunc !== false;
    const rows = results.map((r) => ({
      Name: r.name,
      Description: trunc && r.description.length > 45 ? `${r.description.slice(0, 42)}...` : r.description,
      StarCount: String(r.star_count),
      IsOfficial: r.is_official ? '[OK]' : '',
    }));
    const headers = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL' };
    io.stdout.write(formatRows(rows, { ...(options.format ? { format: options.format } : {}), defaultTable: 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}', headers }));
    return ExitCode.ok;
  } finally {
    await engine.close();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers the command. */
export function registerSearch(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('search').argument('<term>', 'substring, or a glob with * and ?').description("search the registry's catalog (or Docker Hub)"))
    .option('--registry <host>', "registry whose catalog to search (default: the manifest's registry)")
    .option('--hub', 'search Docker Hub through the engine')
    .option('--limit <n>', 'at most this many results (default 25)', positiveInt('--limit'))
    .option('--filter <key=value>', 'Docker Hub only: stars=N, is-official=true (repeatable)', collect)
    .option('--format <format>', 'table, json, or a Go template (.Name, .Repository, .Registry; Hub: .Name, .Description, .StarCount, .IsOfficial)')
    .option('--no-trunc', "don't truncate descriptions")
    .action((term: string, options: SearchOptions) => run(search(io, options, term)));
}
