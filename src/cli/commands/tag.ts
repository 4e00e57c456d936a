import type { Command } from 'commander';
import { findManifest } from '../../config/index.js';
import { diagnostic, KilnError, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { createEngine } from '../../engine/index.js';
import { tagImage } from '../../images/index.js';
import { applyTags } from '../../build/apply-tags.js';
import { ExitCode } from '../exit-codes.js';
import { withRunLock } from '../run-lock.js';
import type { CliIO } from '../io.js';
import { loadGraph, loadManifest, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';
import { reportDiagnostics } from '../report-error.js';
import { loadCurrentBuilds } from './ls.js';

/**
 * `kiln tag SOURCE TARGET` points TARGET at an image, as `docker tag`; `kiln tag [names...]`
 * re-applies the manifest's tags to the current build of each image (the one with today's key).
 */
export async function tag(io: CliIO, options: ManifestOptions, args: string[]): Promise<ExitCode> {
  if (args.length === 2 && !(await namesManifestImage(io, options, args[0]!))) {
    const engine = createEngine({ env: io.env });
    try {
      await tagImage(engine, args[0]!, args[1]!, io.signal);
    } finally {
      await engine.close();
    }
    return ExitCode.ok;
  }
  const resolved = await loadGraph(io, options, args);
  const engine = createEngine({ env: io.env });
  const problems: Diagnostic[] = [];
  const signal = io.signal ?? new AbortController().signal;
  try {
    await withRunLock(io, { root: resolved.graph.project.root, command: 'kiln tag', signal }, async () => {
      const builds = await loadCurrentBuilds(io, resolved, engine);
      for (const name of resolved.graph.order) {
        const spec = resolved.graph.nodes.get(name)!.spec;
        const id = builds.get(name)?.cached?.id;
        if (id === undefined) {
          problems.push(diagnostic('failed', `image "${name}" has no build of its current key`, { location: spec.locations.image, hint: `Build it first: kiln build ${name}` }));
          continue;
        }
        const refs = spec.tags.map((t) => `${spec.repository}:${t}`);
        // All of an image's tags move, or none (or the error says which did).
        await applyTags({ engine, id, refs, signal });
        for (const ref of refs) io.stdout.write(`${name}: ${ref} → ${id.slice(7, 19)}\n`);
      }
    });
  } finally {
    await engine.close();
  }
  return problems.length > 0 ? reportDiagnostics(io, problems) : ExitCode.ok;
}

/** Whether `word` is an image or group of the manifest (then `kiln tag a b` means two names). */
async function namesManifestImage(io: CliIO, options: ManifestOptions, word: string): Promise<boolean> {
  if (!findManifest(io.cwd, options.file).ok) return false;
  try {
    const project = await loadManifest(io, options);
    return project.images.has(word) || project.groups.has(word);
  } catch (error) {
    if (error instanceof KilnError) return false;
    throw error;
  }
}

/** Registers the command. */
export function registerTag(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(
    program
      .command('tag')
      .argument('[args...]', 'SOURCE TARGET (as docker tag), or images/groups whose manifest tags to re-apply (default: all)')
      .description("re-apply the manifest's tags to the current builds, or tag SOURCE as TARGET"),
  ).action((args: string[], options: ManifestOptions) => run(tag(io, options, args)));
}
