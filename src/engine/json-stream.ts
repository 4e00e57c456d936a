/** One message of the engine's progress streams (build, pull, push, load): docker's JSONMessage. */
export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  errorDetail?: { code?: number; message?: string };
  error?: string;
  aux?: unknown;
}

/**
 * Splits a progress stream into messages. Each JSON object ends with `\r\n`, but HTTP chunks do
 * not align with messages, so bytes are buffered until a newline (spec §1).
 */
export async function* jsonMessages(body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<JsonMessage> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const message = parseLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      if (message) yield message;
      newline = pending.indexOf('\n');
    }
  }
  const last = parseLine(pending + decoder.decode());
  if (last) yield last;
}

function parseLine(line: string): JsonMessage | undefined {
  const trimmed = line.replace(/\r$/, '').trim();
  if (trimmed === '') return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null ? (value as JsonMessage) : undefined;
  } catch {
    // Not JSON (a proxy's text, a truncated line): keep it as plain output rather than failing.
    return { stream: `${trimmed}\n` };
  }
}

/** The error a message carries, if any (the docker CLI's rule: errorDetail, else error). */
export function messageError(message: JsonMessage): string | undefined {
  if (message.errorDetail) return message.errorDetail.message ?? message.error ?? 'unknown error';
  return message.error;
}

/** A string field of a message's `aux` object (`ID` of a build, `Digest` of a push). */
export function auxField(message: JsonMessage, field: string): string | undefined {
  const aux = message.aux;
  if (typeof aux !== 'object' || aux === null) return undefined;
  const value = (aux as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
