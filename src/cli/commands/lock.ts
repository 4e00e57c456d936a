import type { Command } from 'commander';
import { createEngine } from '../../engine/index.js';
import { createLock, lockPath, readLock, writeLock } from '../../lock/index.js';
import { createDockerCredentialStore } from '../../registry/index.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';

/** Options of `kiln lock`. */
export interface LockOptions extends ManifestOptions {
  update?: boolean;
}

/**
 * `kiln lock`: writes kiln.lock next to the manifest, pinning each external base to its registry
 * digest (or, for a local-only image, its image ID). Existing pins stay unless `--update`.
 */
export async function lock(io: CliIO, options: LockOptions): Promise<ExitCode> {
  const resolved = await loadGraph(io, options, []);
  const root = resolved.graph.project.root;
  const previous = await readLock(root);
  const engine = createEngine({ env: io.env });
  try {
    const next = await createLock({
      graph: resolved.graph,
      engine,
      credentials: createDockerCredentialStore({ env: io.env }),
      update: options.update ?? false,
      ...(previous ? { previous } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    await writeLock(root, next);
    for (const [ref, pin] of [...next.bases].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const was = previous?.bases.get(ref);
      const value = pin.kind === 'digest' ? pin.digest : `${pin.id} (local image)`;
      const change = was === undefined ? 'added' : JSON.stringify(was) === JSON.stringify(pin) ? 'unchanged' : 'updated';
      io.stdout.write(`${ref}: ${value} ${change}\n`);
    }
    io.stdout.write(`wrote ${lockPath(root)}\n`);
    return ExitCode.ok;
  } finally {
    await engine.close();
  }
}

/** Registers the command. */
export function registerLock(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('lock').description('pin every external base image to a digest in kiln.lock (builds then use it)'))
    .option('--update', 're-resolve every pin instead of keeping the existing ones')
    .action((options: LockOptions) => run(lock(io, options)));
}
