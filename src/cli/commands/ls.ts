import type { Command } from 'commander';
import { computeKeys } from '../../build/keys.js';
import type { PreparedImage } from '../../build/prepare.js';
import { findManifest } from '../../config/index.js';
import type { Engine } from '../../engine/engine.js';
import { createEngine } from '../../engine/index.js';
import { formatImages, kilnFields, listKilnImages, parseFilterFlags } from '../../images/index.js';
import { createDockerCredentialStore } from '../../registry/index.js';
import type { ResolvedGraph } from '../../plan/resolve-graph.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadGraph, loadManifest, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';

/** Options of `kiln ls`, named after `docker images`' flags. */
export interface LsOptions extends ManifestOptions {
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  trunc?: boolean;
  filter?: string[];
  format?: string;
}

/** The current key (and build) of every image of the graph, computed as `kiln build` computes it (see computeKeys). */
export async function loadCurrentBuilds(io: CliIO, resolved: ResolvedGraph, engine: Engine): Promise<Map<string, PreparedImage>> {
  const { prepared } = await computeKeys({
    graph: resolved.graph,
    engine,
    signal: io.signal ?? new AbortController().signal,
    pullWith: createDockerCredentialStore({ env: io.env }),
    onNote: (message) => io.stderr.write(`kiln: note: ${message}\n`),
  });
  return prepared;
}

/** Each image's current key, by manifest name. */
export function currentKeys(builds: ReadonlyMap<string, PreparedImage>): Map<string, string> {
  return new Map([...builds].map(([name, p]) => [name, p.key]));
}

/**
 * `kiln ls`: this project's kiln images (or every image with `-a`), printed byte for byte as
 * `docker images` prints the same images with the same flags. `-a` works without a manifest.
 */
export async function ls(io: CliIO, options: LsOptions): Promise<ExitCode> {
  const filters = parseFilterFlags(options.filter ?? []);
  const needsManifest = !options.all || findManifest(io.cwd, options.file).ok;
  const project = needsManifest ? await loadManifest(io, options) : undefined;
  const engine = createEngine({ env: io.env });
  try {
    // Only `.Current` needs keys, and keys cost hashing every context: compute them only then.
    let keys = new Map<string, string>();
    if (project !== undefined && options.format?.includes('.Current')) {
      keys = currentKeys(await loadCurrentBuilds(io, await loadGraph(io, options, []), engine));
    }
    const images = await listKilnImages(engine, { project: project?.name ?? '', all: options.all ?? false, filters, ...(io.signal ? { signal: io.signal } : {}) });
    io.stdout.write(
      formatImages(images, {
        ...(options.format !== undefined ? { format: options.format } : {}),
        quiet: options.quiet ?? false,
        digests: options.digests ?? false,
        noTrunc: options.trunc === false,
        extra: kilnFields(keys),
      }),
    );
    return ExitCode.ok;
  } finally {
    await engine.close();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers the command. */
export function registerLs(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('ls').alias('images').description("list this project's kiln images (-a: every image), as docker images prints them"))
    .option('-a, --all', 'every image of the engine, not only this project\'s kiln images')
    .option('-q, --quiet', 'only image IDs')
    .option('--digests', 'show digests')
    .option('--no-trunc', "don't truncate output")
    .option('--filter <key=value>', 'filter: dangling, label, reference, before, since (repeatable)', collect)
    .option('--format <format>', "table, json, or a Go template: docker's fields (.ID, .Repository, .Tag, ...) and kiln's .Image, .Key, .Current")
    .action((options: LsOptions) => run(ls(io, options)));
}
