// A fake engine for applyPrune with the engine's delete rules: pure logic tests, no Docker.
import type { Engine, ImageSummary } from '../../src/engine/engine.js';
import { EngineRequestError } from '../../src/engine/transport.js';

/** A fake engine with the engine's delete rules (moby daemon/images/image_delete.go), for applyPrune. */
export function fakePruneEngine(start: readonly ImageSummary[], inUse: ReadonlySet<string>) {
  const store = new Map(start.map((i) => [i.Id, { tags: [...(i.RepoTags ?? [])], digests: [...(i.RepoDigests ?? [])] }]));
  const repoOf = (ref: string): string => ref.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
  const forced: string[] = [];
  const engine = {
    imagesInUse: async () => new Set(inUse),
    inspectImage: async (ref: string) => {
      const refs = store.get(ref);
      return refs === undefined ? undefined : { Id: ref, RepoTags: [...refs.tags], RepoDigests: [...refs.digests], Created: '', Size: 0 };
    },
    removeImage: async (ref: string, options: { force?: boolean }) => {
      if (options.force) forced.push(ref);
      const items: { Untagged?: string; Deleted?: string }[] = [];
      let imageId = store.has(ref) ? ref : undefined;
      if (imageId === undefined) {
        const found = [...store].find(([, r]) => r.tags.includes(ref) || r.digests.includes(ref));
        if (found === undefined) throw new EngineRequestError({ status: 404, message: `No such image: ${ref}` });
        const [foundId, refs] = found;
        imageId = foundId;
        const all = [...refs.tags, ...refs.digests];
        if (all.length === 1 && inUse.has(foundId)) throw new EngineRequestError({ status: 409, message: 'conflict: must force' });
        refs.tags = refs.tags.filter((t) => t !== ref);
        refs.digests = refs.digests.filter((d) => d !== ref);
        items.push({ Untagged: ref });
        if (!refs.tags.some((t) => repoOf(t) === repoOf(ref))) refs.digests = refs.digests.filter((d) => repoOf(d) !== repoOf(ref));
        if (refs.tags.length + refs.digests.length > 0) return items;
      } else {
        const refs = store.get(imageId)!;
        const repos = new Set([...refs.tags, ...refs.digests].map(repoOf));
        if (!options.force && (refs.tags.length > 1 || repos.size > 1)) throw new EngineRequestError({ status: 409, message: 'conflict: must be forced' });
        items.push(...[...refs.tags, ...refs.digests].map((r) => ({ Untagged: r })));
      }
      if (inUse.has(imageId) && !options.force) throw new EngineRequestError({ status: 409, message: 'conflict: in use' });
      store.delete(imageId);
      items.push({ Deleted: imageId });
      return items;
    },
  } as unknown as Engine;
  return { engine, store, forced };
}
