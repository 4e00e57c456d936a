import type { Command } from 'commander';
import { createEngine } from '../../engine/index.js';
import { removeImages } from '../../images/index.js';
import { ExitCode } from '../exit-codes.js';
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
  try {
    const result = await removeImages(engine, refs, { force: options.force ?? false, noPrune: options.prune === false, ...(io.signal ? { signal: io.signal } : {}) });
    for (const line of result.lines) io.stdout.write(`${line}\n`);
    return result.failures.length > 0 ? reportDiagnostics(io, result.failures) : ExitCode.ok;
  } finally {
    await engine.close();
  }
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
