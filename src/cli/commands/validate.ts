import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';

/** `kiln validate`: checks the manifest, Dockerfiles and graph; prints only problems. */
export async function validate(io: CliIO, options: ManifestOptions): Promise<ExitCode> {
  await loadGraph(io, options, []);
  return ExitCode.ok;
}

/** Registers the command. */
export function registerValidate(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('validate').description('check the manifest, its Dockerfiles and the graph; print only problems (exit 0 or 2)'))
    .addHelpText('after', '\nNothing is printed when all is well; each problem is shown at its file:line:col, and the exit code is 2.')
    .action((options: ManifestOptions) => run(validate(io, options)));
}
