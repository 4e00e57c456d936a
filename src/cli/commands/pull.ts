import type { Command } from 'commander';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createEngine } from '../../engine/index.js';
import { pinnedReference, pullBases, readLock } from '../../lock/index.js';
import { createDockerCredentialStore } from '../../registry/index.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { withInterrupt } from '../interrupt.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';
import { reportDiagnostics } from '../report-error.js';

/**
 * `kiln pull [names...]`: pulls the external base images the selected images need (the pinned
 * digests when kiln.lock pins them), each with its registry's credentials from docker's config.
 */
export async function pull(io: CliIO, options: ManifestOptions, names: string[]): Promise<ExitCode> {
  const resolved = await loadGraph(io, options, names);
  const lock = await readLock(resolved.graph.project.root);
  const refs: string[] = [];
  for (const ref of new Set([...resolved.graph.nodes.values()].flatMap((n) => n.externalBases))) {
    const pin = lock?.bases.get(ref);
    if (pin?.kind === 'local') {
      io.stdout.write(`${ref}: local image pinned in kiln.lock, not pulled\n`);
      continue;
    }
    refs.push(pin?.kind === 'digest' ? pinnedReference(ref, pin.digest) : ref);
  }
  if (refs.length === 0) {
    io.stdout.write('No external base images to pull.\n');
    return ExitCode.ok;
  }
  const engine = createEngine({ env: io.env });
  const problems: Diagnostic[] = [];
  try {
    const results = await withInterrupt(io, (signal) =>
      pullBases({
        refs,
        engine,
        credentials: createDockerCredentialStore({ env: io.env }),
        signal,
        onLine: (line) => io.stdout.write(`  ${line}\n`),
      }),
    );
    for (const r of results) {
      if (r.problem) problems.push(r.problem);
      else if (r.warning) io.stderr.write(`kiln: warning: ${r.ref} not pulled (${r.warning}); the engine's local image ${r.id ?? ''} stays in use\n`);
      else io.stdout.write(`${r.ref}: pulled ${r.id ?? ''}\n`);
    }
  } finally {
    await engine.close();
  }
  return problems.length > 0 ? reportDiagnostics(io, problems) : ExitCode.ok;
}

/** Registers the command. */
export function registerPull(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('pull').argument('[names...]', 'images or groups (default: all)').description('pull the external base images the graph needs (pinned digests with kiln.lock)')).action(
    (names: string[], options: ManifestOptions) => run(pull(io, options, names)),
  );
}
