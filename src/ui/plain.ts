/** The plain reporter: one prefixed, readable line per event worth reading in a CI log. */
import { styleText } from 'node:util';
import type { BuildEvent, EventSink } from '../run/events.js';
import { unreachable } from '../util/unreachable.js';
import { formatDuration, formatReasons, formatStep, formatSummary, shortId, shortKey } from './format.js';
import { initialState, reduce, type RunState } from './store.js';

/** Options of {@link createPlainReporter}. */
export interface PlainReporterOptions {
  out: NodeJS.WritableStream;
  /** ANSI colors; callers pass false when NO_COLOR is set or `out` is not a TTY. */
  color?: boolean;
  /** Print every log line (otherwise only a failing image's last lines). */
  verbose?: boolean;
}

type Style = Parameters<typeof styleText>[0];

/** Creates a reporter that writes plain lines such as `[api] built in 3.2s (sha256:abcd1234abcd)`. */
export function createPlainReporter(options: PlainReporterOptions): EventSink & { close(): void } {
  const paint = (style: Style, text: string): string => (options.color ? styleText(style, text) : text);
  let state: RunState = initialState();
  let closed = false;
  /** Step lines already printed, per image: BuildKit reports a vertex when it starts and when it completes, not always back to back. */
  const printedSteps = new Map<string, Set<string>>();

  const write = (line: string): void => {
    options.out.write(`${line}\n`);
  };
  const image = (name: string, text: string): void => write(`${paint('cyan', `[${name}]`)} ${text}`);
  const roundPrefix = (event: BuildEvent): string => (event.round === undefined ? '' : `${paint('bold', `[round ${event.round}]`)} `);

  const lines = (event: BuildEvent, before: RunState): void => {
    switch (event.type) {
      case 'plan': {
        printedSteps.clear(); // a new watch round prints its steps afresh
        const cached = event.images.filter((planned) => planned.cached).length;
        const count = event.images.length;
        write(`${roundPrefix(event)}plan: ${count} image${count === 1 ? '' : 's'}, ${cached} cached, ${count - cached} to build`);
        return;
      }
      case 'queued':
        return; // Noise in a log: the `building` line follows.
      case 'start':
        image(event.image, event.reasons.length > 0 ? `building (${formatReasons(event.reasons)})` : 'building');
        return;
      case 'step': {
        // BuildKit reports a step when it starts and again when it completes; print it once.
        const step = formatStep(event);
        const line = event.cached ? `${step} ${paint('dim', 'CACHED')}` : step;
        const printed = printedSteps.get(event.image) ?? new Set<string>();
        printedSteps.set(event.image, printed);
        // A completion is news only when it was not shown starting (or turned out cached).
        if (printed.has(line) || (event.completed && !event.cached && printed.has(step))) return;
        printed.add(line);
        image(event.image, line);
        return;
      }
      case 'log':
        if (options.verbose) image(event.image, `${paint('dim', '|')} ${event.line}`);
        return;
      case 'cached': {
        const where = event.source === 'registry' ? 'cached in registry' : 'cached';
        image(event.image, `${paint('green', where)} (key ${shortKey(event.key)})`);
        return;
      }
      case 'built':
        image(event.image, `${paint('green', `built in ${formatDuration(event.durationMs)}`)} (${shortId(event.id)})`);
        return;
      case 'failed': {
        image(event.image, paint(['red', 'bold'], `FAILED: ${event.error}`));
        const row = state.rows[event.image];
        const step = event.step ?? row?.step;
        if (step !== undefined) image(event.image, `  at ${step}`);
        // With verbose the lines were already printed as they came.
        if (!options.verbose) for (const line of row?.logs ?? []) image(event.image, `    ${line}`);
        if (event.hint !== undefined) image(event.image, `  ${paint('yellow', 'hint:')} ${event.hint}`);
        return;
      }
      case 'skipped':
        image(event.image, `${paint('yellow', 'skipped')}: ${event.reason}`);
        return;
      case 'pushed':
        image(event.image, `${paint('green', 'pushed')} ${event.tag} ${event.digest}`);
        return;
      case 'done': {
        const summary = state.summary;
        if (summary === undefined) return;
        const failed = summary.counts.failed > 0 || summary.interrupted;
        write(`${roundPrefix(event)}${paint(failed ? ['red', 'bold'] : ['green', 'bold'], formatSummary(summary))}`);
        return;
      }
      default:
        unreachable(event);
    }
  };

  return {
    emit(event) {
      if (closed) return;
      const before = state;
      state = reduce(state, event);
      lines(event, before);
    },
    close() {
      closed = true;
    },
  };
}
