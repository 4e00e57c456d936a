// `kiln rm` and `kiln tag`: thin, checked wrappers over the engine.
import type { Engine } from '../engine/engine.js';
import { diagnostic, KilnError, type Diagnostic } from '../diagnostics/diagnostic.js';
import { splitRepositoryTag } from './reference.js';

/** The outcome of removing several images: docker carries on past a failure and reports each. */
export interface RemoveResult {
  /** Engine lines in order, as docker prints them (`Untagged: x`, `Deleted: sha256:…`). */
  lines: string[];
  /** One `failed` diagnostic per reference that could not be removed. */
  failures: Diagnostic[];
}

/** Removes each reference (tag, digest reference or ID); `force` untags and deletes images containers use. */
export async function removeImages(
  engine: Engine,
  refs: readonly string[],
  options: { force?: boolean; noPrune?: boolean; signal?: AbortSignal } = {},
): Promise<RemoveResult> {
  const result: RemoveResult = { lines: [], failures: [] };
  for (const ref of refs) {
    try {
      const items = await engine.removeImage(ref, { force: options.force ?? false, noprune: options.noPrune ?? false }, options.signal);
      for (const item of items) {
        if (item.Untagged !== undefined) result.lines.push(`Untagged: ${item.Untagged}`);
        if (item.Deleted !== undefined) result.lines.push(`Deleted: ${item.Deleted}`);
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof KilnError && error.diagnostics[0]?.kind === 'unavailable') throw error;
      const message = error instanceof Error ? error.message : String(error);
      const inUse = /must be forced|must force/.test(message);
      result.failures.push(
        diagnostic('failed', `cannot remove ${ref}: ${message}`, inUse ? { hint: 'Remove the container first, or pass --force.' } : {}),
      );
    }
  }
  return result;
}

/** Points `target` (`repo[:tag]`, tag `latest` when absent) at the image `source`. */
export async function tagImage(engine: Engine, source: string, target: string, signal?: AbortSignal): Promise<void> {
  const parsed = splitRepositoryTag(target);
  if (parsed === undefined) {
    throw new KilnError(
      diagnostic('usage', `invalid reference format: "${target}"`, {
        hint: 'Write the target as repository[:tag], lowercase, e.g. 127.0.0.1:5000/acme/api:1.2.',
      }),
    );
  }
  if ((await engine.inspectImage(source, signal)) === undefined) {
    throw new KilnError(diagnostic('failed', `no such image: ${source}`, { hint: 'Build it first (kiln build), or check the name with kiln ls.' }));
  }
  await engine.tag(source, parsed.repository, parsed.tag, signal);
}
