// `kiln prune` applying a plan: kiln's own tags removed one by one, the image only when nothing else refers to it.
import { KilnError } from '../diagnostics/diagnostic.js';
import type { Engine } from '../engine/engine.js';
import { EngineRequestError } from '../engine/transport.js';
import type { PruneCandidate } from './prune.js';
import { isOwnReference, type PruneScope } from './prune-scope.js';

/** What applyPrune did. */
export interface PruneResult {
  /** Images deleted. */
  removed: PruneCandidate[];
  /** Images whose kiln tags were removed, kept for their other references. */
  untagged: PruneCandidate[];
  /** Candidates left alone or half-done: in use by now, tagged meanwhile, or the engine refused (its message). */
  skipped: { candidate: PruneCandidate; reason: string }[];
  /** Sum of the sizes of the images actually deleted. */
  freedBytes: number;
}

/**
 * Applies a plan. Nothing is ever forced: each of kiln's tags is removed by name (the engine
 * deletes the image with its last reference), and an untagged image by ID only after checking that
 * no reference appeared meanwhile. So a tag someone else added, or a container that started using
 * the image, is never taken along (containers are checked again right before, too).
 */
export async function applyPrune(engine: Engine, scope: PruneScope, candidates: readonly PruneCandidate[], signal?: AbortSignal): Promise<PruneResult> {
  const result: PruneResult = { removed: [], untagged: [], skipped: [], freedBytes: 0 };
  if (candidates.length === 0) return result;
  const inUse = await engine.imagesInUse(signal);
  for (const candidate of candidates) {
    if (inUse.has(candidate.id)) {
      result.skipped.push({ candidate, reason: 'in use by a container' });
      continue;
    }
    try {
      const outcome = await pruneOne(engine, scope, candidate, signal);
      if (outcome === 'removed') {
        result.removed.push(candidate);
        result.freedBytes += candidate.size;
      } else if (outcome === 'untagged') {
        result.untagged.push(candidate);
      } else {
        result.skipped.push({ candidate, reason: outcome.kept });
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      if (error instanceof KilnError && error.diagnostics[0]?.kind === 'unavailable') throw error;
      result.skipped.push({ candidate, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

async function pruneOne(engine: Engine, scope: PruneScope, candidate: PruneCandidate, signal?: AbortSignal): Promise<'removed' | 'untagged' | { kept: string }> {
  for (const ref of candidate.untag) {
    const items = await removeRef(engine, ref, signal);
    if (items.some((item) => item.Deleted === candidate.id)) return 'removed';
  }
  const now = await engine.inspectImage(candidate.id, signal);
  if (now === undefined) return 'removed';
  const others = [...now.RepoTags, ...now.RepoDigests].filter((ref) => !isOwnReference(scope, ref));
  if (others.length > 0 || candidate.action === 'untag') return 'untagged';
  if (now.RepoTags.length > 0) return { kept: `tagged again since the plan (${now.RepoTags.join(', ')})` };
  // Only digest references of the manifest's repositories are left (a pushed or pulled build):
  // drop them by name, so the ID removal below never needs force for several repositories.
  for (const ref of now.RepoDigests) {
    if ((await removeRef(engine, ref, signal)).some((item) => item.Deleted === candidate.id)) return 'removed';
  }
  const items = await engine.removeImage(candidate.id, { force: false }, signal);
  return items.some((item) => item.Deleted === candidate.id) ? 'removed' : { kept: 'the engine untagged it but kept the image' };
}

/** Removes one reference, never forced; one that is gone already (removed with an earlier one) is no error. */
async function removeRef(engine: Engine, ref: string, signal?: AbortSignal): Promise<{ Untagged?: string; Deleted?: string }[]> {
  try {
    return await engine.removeImage(ref, { force: false }, signal);
  } catch (error) {
    if (error instanceof EngineRequestError && error.status === 404) return [];
    throw error;
  }
}
