import { formatDiagnostics } from '../diagnostics/print.js';
import { KilnError, type Diagnostic } from '../diagnostics/diagnostic.js';
import { RunLockInterrupted } from '../run/project-lock.js';
import { ExitCode } from './exit-codes.js';
import { useColor, type CliIO } from './io.js';

/** The exit code for a set of diagnostics: unreachable services beat bad input beat failures. */
export function exitCodeFor(diagnostics: Diagnostic[]): ExitCode {
  if (diagnostics.some((d) => d.kind === 'unavailable')) return ExitCode.unavailable;
  if (diagnostics.some((d) => d.kind === 'usage')) return ExitCode.usage;
  return ExitCode.failed;
}

/** Prints diagnostics to stderr and returns the exit code they call for. */
export function reportDiagnostics(io: CliIO, diagnostics: Diagnostic[]): ExitCode {
  io.stderr.write(formatDiagnostics(diagnostics, { color: useColor(io), cwd: io.cwd }) + '\n');
  return exitCodeFor(diagnostics);
}

/** Turns whatever a command threw into output and an exit code; only bugs print a stack. */
export function reportError(io: CliIO, error: unknown): ExitCode {
  if (error instanceof KilnError) return reportDiagnostics(io, error.diagnostics);
  if (io.signal?.aborted || error instanceof RunLockInterrupted) return ExitCode.interrupted;
  io.stderr.write(`kiln: internal error (a bug, please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.failed;
}
