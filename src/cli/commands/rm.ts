import type { Command } from 'commander';
import { createEngine } from '../../engine/index.js';
import { removeImages } from '../../images/index.js';
import { findManifest } from '../../config/index.js';
import type { Engine } from '../../engine/engine.js';
import { KilnLabel } from '../../model/labels.js';
import type { Project } from '../../model/project.js';
import type { ProjectLock } from '../../run/project-lock.js';
import { ExitCode } from '../exit-codes.js';
import { loadManifest } from '../load.js';
import { acquireRunLock } from '../run-lock.js';
import type { CliIO } from '../io.js';
import { reportDiagnostics } from '../report-error.js';

/** Options of `kiln rm`, as `docker rmi`'s. */
export interface RmOptions {
  force?: boolean;
  prune?: boolean;
}

/** `kiln rm IMAGE...`: removes images as `docker rmi` does, carrying on past failures (exit 1 if any). */
export async function rm(io: CliIO, options: RmOptions, refs: string[]): Promise<ExitCode> {
  const engine = createEngine({ env: io.env });
  const lock = await lockIfProjectImages(io, engine, refs);
  try {
    const result = await removeImages(engine, refs, { force: options.force ?? false, noPrune: options.prune === false, ...(io.signal ? { signal: io.signal } : {}) });
    for (const line of result.lines) io.stdout.write(`${line}\n`);
    return result.failures.length > 0 ? reportDiagnostics(io, result.failures) : ExitCode.ok;
  } finally {
    lock?.release();
    await engine.close();
  }
}

/**
 * The run lock of the project in the current folder, when one of `refs` is an image it built (by
 * its `dev.kiln.project` label), so no build of it runs meanwhile; removing any other image needs none.
 */
async function lockIfProjectImages(io: CliIO, engine: Engine, refs: readonly string[]): Promise<ProjectLock | undefined> {
  if (!findManifest(io.cwd).ok) return undefined;
  let project: Project;
  try {
    project = await loadManifest(io, {});
  } catch {
    return undefined; // a broken manifest is no reason not to remove an image
  }
  const labels = await Promise.all(refs.map((ref) => engine.inspectImage(ref, io.signal).then((i) => i?.Config?.Labels?.[KilnLabel.project], () => undefined)));
  if (!labels.includes(project.name)) return undefined;
  return acquireRunLock(io, { root: project.root, command: 'kiln rm', signal: io.signal });
}

/** Registers the command. */
export function registerRm(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  program
    .command('rm')
    .alias('rmi')
    .argument('<images...>', 'tags, digest references or image IDs')
    .description('remove images (as docker rmi)')
    .option('-f, --force', 'untag and delete even when containers use the image')
    .option('--no-prune', 'do not delete untagged parents')
    .action((refs: string[], options: RmOptions) => run(rm(io, options, refs)));
}
