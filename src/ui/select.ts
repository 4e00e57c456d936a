/** Picks the reporter for `--progress auto|tty|plain|json` and the environment. */
import type { BuildEvent, EventSink } from '../run/events.js';
import { unreachable } from '../util/unreachable.js';
import { createJsonReporter } from './json.js';
import { createPlainReporter } from './plain.js';
import type { TerminalStream } from './tui/reporter.js';

export type { TerminalStream };

/** The `--progress` values. */
export type ProgressMode = 'auto' | 'tty' | 'plain' | 'json';

/** Options of {@link createReporter}. */
export interface ReporterOptions {
  progress: ProgressMode;
  stdout: TerminalStream;
  stderr: TerminalStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Plain mode: print every build log line. */
  verbose?: boolean;
}

/** A reporter to close once the run is over (the TUI leaves its last frame on screen). */
export type Reporter = EventSink & { close(): Promise<void> };

/** The concrete reporter `auto` resolves to: TUI on an interactive terminal, plain lines elsewhere. */
export function resolveProgress(options: Pick<ReporterOptions, 'progress' | 'stdout' | 'env'>): 'tty' | 'plain' | 'json' {
  if (options.progress !== 'auto') return options.progress;
  const interactive = options.stdout.isTTY === true && options.env['TERM'] !== 'dumb';
  // CI terminals are often TTYs that cannot redraw; Ink itself falls back to printing only the last frame there.
  const ci = options.env['CI'] !== undefined && options.env['CI'] !== 'false' && options.env['CI'] !== '0';
  return interactive && !ci ? 'tty' : 'plain';
}

/** Whether color is allowed: https://no-color.org, FORCE_COLOR, and a TTY otherwise. */
export function colorAllowed(stream: TerminalStream, env: ReporterOptions['env']): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/** Creates the reporter for the options; json writes NDJSON to stdout and nothing else there. */
export function createReporter(options: ReporterOptions): Reporter {
  const mode = resolveProgress(options);
  switch (mode) {
    case 'json': {
      const json = createJsonReporter(options.stdout);
      return { emit: (event) => json.emit(event), close: async () => json.close() };
    }
    case 'plain': {
      const plain = createPlainReporter({ out: options.stdout, color: colorAllowed(options.stdout, options.env), verbose: options.verbose ?? false });
      return { emit: (event) => plain.emit(event), close: async () => plain.close() };
    }
    case 'tty':
      return lazyTuiReporter({ stdout: options.stdout, stderr: options.stderr, noColor: !colorAllowed(options.stdout, options.env) });
    default:
      return unreachable(mode);
  }
}

/**
 * The Ink reporter, imported only when a terminal asks for it: ink and react cost ~250 ms of
 * start-up that `--progress plain|json` runs (CI, scripts, a no-op build) should not pay.
 * Events emitted before the import settles are queued and replayed in order.
 */
function lazyTuiReporter(options: { stdout: TerminalStream; stderr: TerminalStream; noColor: boolean }): Reporter {
  const pending: BuildEvent[] = [];
  let reporter: Reporter | undefined;
  const loading = import('./tui/reporter.js').then(({ createTuiReporter }) => {
    reporter = createTuiReporter(options);
    for (const event of pending.splice(0)) reporter.emit(event);
    return reporter;
  });
  return {
    emit: (event) => (reporter ? reporter.emit(event) : void pending.push(event)),
    close: async () => (await loading).close(),
  };
}
