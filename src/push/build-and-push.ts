import { buildImages, type BuildOptions, type BuildResult } from '../build/build.js';
import { holdDone } from './event-relay.js';
import { checkRegistries, pushImages, type PushSummary, type PushTarget } from './push.js';
import type { RegistryAccess } from './registry-access.js';

/** Options of buildAndPush: a build's, plus where the registries are. */
export interface BuildAndPushOptions extends BuildOptions {
  access: RegistryAccess;
}

/** A build that was followed by a push, or why the push did not happen. */
export interface BuildAndPushResult extends BuildResult {
  /** Undefined when nothing was pushed because the build did not succeed whole. */
  push?: PushSummary;
}

/**
 * Builds the selected graph, then pushes, but only when every selected image built (or was
 * cached): a failure anywhere pushes nothing, so a release is never half pushed. Every registry is
 * checked before the first push. `done` comes last, after the `pushed` events, with their count.
 */
export async function buildAndPush(options: BuildAndPushOptions): Promise<BuildAndPushResult> {
  const held = holdDone(options.sink);
  let result: BuildResult;
  try {
    result = await buildImages({ ...options, sink: held.sink });
  } catch (error) {
    held.release();
    throw error;
  }
  if (result.interrupted || result.failures.length > 0 || result.counts.skipped > 0) {
    held.release();
    return result;
  }
  const targets: PushTarget[] = [...result.prepared.values()].map((p) => {
    const outcome = result.outcomes.get(p.node.spec.name);
    if (outcome?.status !== 'ok') throw new Error(`buildAndPush: ${p.node.spec.name} has no image`);
    return { image: p.node.spec.name, repository: p.node.spec.repository, tags: p.node.spec.tags, key: p.key, id: outcome.value.id };
  });
  try {
    await checkRegistries(targets, options.access);
    const push = await pushImages({ targets, engine: options.engine, access: options.access, sink: options.sink, signal: options.signal, ...(options.round !== undefined ? { round: options.round } : {}) });
    held.release({ pushed: push.pushed });
    return { ...result, push };
  } catch (error) {
    held.release();
    throw error;
  }
}
