import type { Engine } from '../engine/engine.js';
import { registryLocation, type RegistryAccess } from '../push/registry-access.js';
import type { ImagePlan } from './plan.js';

/** Something `--apply` did to the registry (or the engine). */
export interface AppliedAction {
  image: string;
  /** build: engine build; push: engine push of the content tag; mount: cross-repository copy; retag: manifest PUT; delete: one tag removed. */
  action: 'build' | 'push' | 'mount' | 'retag' | 'delete';
  tag?: string;
  digest?: string;
  /** For mount: the repository the manifest came from. */
  from?: string;
}

/** What applying needs. */
export interface ApplyOptions {
  plans: readonly ImagePlan[];
  engine: Engine;
  access: RegistryAccess;
  /** Delete `extra` tags matching the image's tag patterns. */
  prune: boolean;
  signal: AbortSignal;
  /** Builds images whose key is nowhere; resolves with their local image IDs by name. */
  build: (images: string[]) => Promise<Map<string, string>>;
  /** Told of each action as it completes. */
  onAction?: (action: AppliedAction) => void;
}

/**
 * Does the least work that makes the registry match the plan: a build only where no one has the
 * key, a push only where just the engine has it, a mount where another repository has it, and
 * then a manifest PUT of the identical bytes per tag (no blob moves). Tags already right are not
 * written, so a second apply writes nothing.
 */
export async function applyPlan(options: ApplyOptions): Promise<AppliedAction[]> {
  const { engine, access, signal } = options;
  const actions: AppliedAction[] = [];
  const record = (action: AppliedAction) => {
    actions.push(action);
    options.onAction?.(action);
  };
  const toBuild = options.plans.filter((p) => p.keyLocation.kind === 'nowhere' && needsWork(p, options.prune)).map((p) => p.image);
  const built = toBuild.length > 0 ? await options.build(toBuild) : new Map<string, string>();
  for (const image of toBuild) record({ image, action: 'build' });

  await Promise.all(
    options.plans.map(async (plan) => {
      if (!needsWork(plan, options.prune)) return;
      const { host, path } = registryLocation(plan.repository);
      const client = access.client(host);
      const location = plan.keyLocation;
      let digest: string;
      switch (location.kind) {
        case 'registry':
          digest = location.digest;
          break;
        case 'other-repository':
          digest = await client.copyManifest(registryLocation(location.repository).path, plan.contentTag, path, plan.contentTag);
          record({ image: plan.image, action: 'mount', tag: plan.contentTag, digest, from: location.repository });
          break;
        case 'local':
        case 'nowhere': {
          const id = location.kind === 'local' ? location.id : built.get(plan.image);
          if (id === undefined) throw new Error(`reconcile: ${plan.image} was not built`);
          await engine.tag(id, plan.repository, plan.contentTag, signal);
          ({ digest } = await engine.push(plan.repository, plan.contentTag, await access.engineAuth(host), () => {}, signal));
          record({ image: plan.image, action: 'push', tag: plan.contentTag, digest });
          break;
        }
      }
      const retags = plan.tags.filter((tag) => !tag.content && tag.action !== 'extra' && tag.current !== digest);
      // One GET of the wanted manifest (by digest), then a PUT of the same bytes per tag (a retag each).
      const manifest = retags.length > 0 ? await client.getManifest(path, digest) : undefined;
      for (const tag of retags) {
        await client.putManifest(path, tag.tag, manifest!.bytes, manifest!.mediaType);
        record({ image: plan.image, action: 'retag', tag: tag.tag, digest });
      }
      if (!options.prune) return;
      // One tag at a time: deleteTag keeps the other tags of the same manifest.
      for (const tag of plan.tags) {
        if (tag.action !== 'extra' || !tag.prunable) continue;
        await client.deleteTag(path, tag.tag);
        record({ image: plan.image, action: 'delete', tag: tag.tag });
      }
    }),
  );
  return actions;
}

function needsWork(plan: ImagePlan, prune: boolean): boolean {
  return plan.tags.some((t) => (t.action === 'create' || t.action === 'move') || (prune && t.action === 'extra' && t.prunable === true));
}
