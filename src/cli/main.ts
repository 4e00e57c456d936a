import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { registerBuild } from './commands/build.js';
import { registerGraph } from './commands/graph.js';
import { registerPlan } from './commands/plan.js';
import { registerPush } from './commands/push.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerValidate } from './commands/validate.js';
import { registerWatch } from './commands/watch.js';
import { registerPull } from './commands/pull.js';
import { registerLock } from './commands/lock.js';
import { registerLs } from './commands/ls.js';
import { registerTag } from './commands/tag.js';
import { registerRm } from './commands/rm.js';
import { registerPrune } from './commands/prune.js';
import { registerSearch } from './commands/search.js';
import { registerCommit } from './commands/commit.js';
import { ExitCode } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { reportError } from './report-error.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Every command's registration, in the order `--help` lists them. */
const commands = [registerValidate, registerPlan, registerGraph, registerBuild, registerPush, registerReconcile, registerWatch, registerPull, registerLock, registerLs, registerTag, registerRm, registerPrune, registerSearch, registerCommit];

/** Runs kiln with the given arguments (without `node kiln`); resolves with the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = new Command('kiln')
    .description('Build every container image of a repository from one manifest.')
    .version(version)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  let result: Promise<ExitCode> | undefined;
  const run = (p: Promise<ExitCode>) => {
    result = p;
  };
  for (const register of commands) register(program, io, run);
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is bad usage.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return reportError(io, error);
  }
  if (result === undefined) return ExitCode.ok;
  try {
    return await result;
  } catch (error) {
    return reportError(io, error);
  }
}
