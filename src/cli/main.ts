import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { ExitCode } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { reportError } from './report-error.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** How a command module adds its command to the program. */
type Register = (program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void) => void;

/**
 * Every command: its names (with aliases) and its registration, loaded on demand, in the order
 * `--help` lists them. Only the module of the command being run is imported (~50 of kiln's
 * modules and chokidar fewer for a build), all of them for help and unknown commands.
 */
const commands: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['validate'], load: async () => (await import('./commands/validate.js')).registerValidate },
  { names: ['plan'], load: async () => (await import('./commands/plan.js')).registerPlan },
  { names: ['graph'], load: async () => (await import('./commands/graph.js')).registerGraph },
  { names: ['build'], load: async () => (await import('./commands/build.js')).registerBuild },
  { names: ['push'], load: async () => (await import('./commands/push.js')).registerPush },
  { names: ['reconcile'], load: async () => (await import('./commands/reconcile.js')).registerReconcile },
  { names: ['watch'], load: async () => (await import('./commands/watch.js')).registerWatch },
  { names: ['pull'], load: async () => (await import('./commands/pull.js')).registerPull },
  { names: ['lock'], load: async () => (await import('./commands/lock.js')).registerLock },
  { names: ['ls', 'images'], load: async () => (await import('./commands/ls.js')).registerLs },
  { names: ['tag'], load: async () => (await import('./commands/tag.js')).registerTag },
  { names: ['rm', 'rmi'], load: async () => (await import('./commands/rm.js')).registerRm },
  { names: ['prune'], load: async () => (await import('./commands/prune.js')).registerPrune },
  { names: ['search'], load: async () => (await import('./commands/search.js')).registerSearch },
  { names: ['commit'], load: async () => (await import('./commands/commit.js')).registerCommit },
];

/** The registrations to load: the named command's alone, or every one (help, version, unknown names). */
async function registrations(argv: string[]): Promise<Register[]> {
  // kiln has no program-level option that takes a value, so the first operand names the command.
  const name = argv.find((arg) => !arg.startsWith('-'));
  const named = commands.filter((command) => name !== undefined && command.names.includes(name));
  return Promise.all((named.length > 0 ? named : commands).map((command) => command.load()));
}

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
  for (const register of await registrations(argv)) register(program, io, run);
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
