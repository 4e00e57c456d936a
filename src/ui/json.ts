/** The NDJSON reporter behind `--progress json`: every event verbatim, one JSON object a line. */
import type { EventSink } from '../run/events.js';

/** Creates a reporter that writes each event as one line of JSON to `out`. */
export function createJsonReporter(out: NodeJS.WritableStream): EventSink & { close(): void } {
  let closed = false;
  return {
    emit(event) {
      if (!closed) out.write(`${JSON.stringify(event)}\n`);
    },
    close() {
      closed = true;
    },
  };
}
