import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';
import type { Engine } from '../engine/engine.js';
import { referenceParts } from '../model/reference.js';

/**
 * Points every ref at `id` as one change: each ref's image is looked up first, and when a tag call
 * fails, the refs already moved are put back (re-tagged to their previous image, or untagged when
 * they did not exist). Throws a failed KilnError naming the ref that failed; when putting back
 * fails too, it names exactly which refs now point at `id` and which were left as they were.
 */
export async function applyTags(options: { engine: Engine; id: string; refs: readonly string[]; signal: AbortSignal }): Promise<void> {
  const { engine, id, signal } = options;
  const previous = new Map(await Promise.all(options.refs.map(async (ref) => [ref, (await engine.inspectImage(ref, signal))?.Id] as const)));
  const moved: string[] = [];
  for (const ref of options.refs) {
    if (previous.get(ref) === id) continue;
    try {
      const { name, tag } = referenceParts(ref);
      await engine.tag(id, name, tag ?? 'latest', signal);
      moved.push(ref);
    } catch (error) {
      throw await tagFailure({ engine, id, ref, error, moved, previous, refs: options.refs });
    }
  }
}

/** Puts the moved refs back and describes the failure, with what could not be put back. */
async function tagFailure(options: {
  engine: Engine;
  id: string;
  ref: string;
  error: unknown;
  moved: readonly string[];
  previous: ReadonlyMap<string, string | undefined>;
  refs: readonly string[];
}): Promise<KilnError> {
  const { engine, moved, previous } = options;
  const stuck: string[] = [];
  // No signal: the run's may be aborted, and the refs must still go back.
  for (const ref of moved) {
    const before = previous.get(ref);
    try {
      if (before === undefined) await engine.removeImage(ref, { noprune: true });
      else {
        const { name, tag } = referenceParts(ref);
        await engine.tag(before, name, tag ?? 'latest');
      }
    } catch {
      stuck.push(ref);
    }
  }
  const reason = options.error instanceof Error ? options.error.message : String(options.error);
  const message = `tagging ${options.ref} failed: ${reason}`;
  if (stuck.length === 0) {
    const restored = moved.length > 0 ? `; ${moved.join(', ')} ${moved.length === 1 ? 'was' : 'were'} put back` : '';
    return new KilnError(diagnostic('failed', `${message}${restored}; no tag moved`));
  }
  const unchanged = options.refs.filter((ref) => !stuck.includes(ref));
  return new KilnError(
    diagnostic('failed', `${message}; moved to ${options.id} and not put back: ${stuck.join(', ')}; unchanged: ${unchanged.length > 0 ? unchanged.join(', ') : 'none'}`, {
      hint: 'Re-apply the tags with kiln tag once the engine answers again.',
    }),
  );
}
