import type { Engine } from '../engine/engine.js';
import { dependencyRef, isDependencyRef } from '../model/dependency-ref.js';

/**
 * The temporary references of one run: each is tagged once, when the first dependent needs it, and
 * all are removed by {@link DependencyRefs.release} when the run ends, whatever the way it ends.
 */
export class DependencyRefs {
  readonly #engine: Engine;
  readonly #made = new Map<string, Promise<string>>();
  /** Left by earlier runs: removed at the end, never trusted to name anything (a dependent re-tags its own). */
  readonly #adopted = new Set<string>();

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  /**
   * Also removes these references when the run ends: ones an earlier run left (it was killed, or a
   * reference was its image's last tag then). The run lock keeps any other run of the project from using them.
   */
  adopt(refs: Iterable<string>): void {
    for (const ref of refs) if (isDependencyRef(ref)) this.#adopted.add(ref);
  }

  /** Tags `id` as its {@link dependencyRef} (once per run) and resolves with that reference. */
  point(repository: string, id: string, signal: AbortSignal): Promise<string> {
    const ref = dependencyRef(repository, id);
    let made = this.#made.get(ref);
    if (made === undefined) {
      made = this.#engine.tag(id, repository, ref.slice(repository.length + 1), signal).then(() => ref);
      this.#made.set(ref, made);
      // A failed tag is not remembered: the next dependent tries again.
      made.catch(() => this.#made.delete(ref));
    }
    return made;
  }

  /**
   * Removes every reference this run made. Untagging an image's last tag would delete the image
   * (the engine has no untag), so a reference that is the only tag left on its image stays; it
   * still names that exact image. Never rejects: resolves with the references this run made that
   * it could not remove (adopted ones kept again were told about by the run that made them).
   */
  async release(): Promise<string[]> {
    const made = new Set(await Promise.all([...this.#made.values()].map((p) => p.catch(() => undefined))));
    const refs = [...new Set([...made, ...this.#adopted])];
    this.#made.clear();
    this.#adopted.clear();
    const kept: string[] = [];
    await Promise.all(
      refs.map(async (ref) => {
        if (ref === undefined) return;
        try {
          // No signal: the run's own may be aborted (Ctrl-C), and this cleanup must still happen.
          const image = await this.#engine.inspectImage(ref);
          if (image === undefined) return;
          if (!image.RepoTags.some((t) => !isDependencyRef(t))) {
            kept.push(ref);
            return;
          }
          await this.#engine.removeImage(ref, { noprune: true });
        } catch {
          kept.push(ref);
        }
      }),
    );
    return kept.filter((ref) => made.has(ref)).sort();
  }
}

/**
 * Removes the temporary references a run left on `images`' tags (it was killed before its cleanup),
 * under the rule of {@link DependencyRefs.release}.
 */
export async function removeLeftoverDependencyRefs(engine: Engine, images: readonly { RepoTags: string[] | null }[]): Promise<void> {
  const refs = new DependencyRefs(engine);
  refs.adopt(images.flatMap((image) => image.RepoTags ?? []));
  await refs.release();
}
