import { KilnError, diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Engine } from '../engine/engine.js';
import type { CredentialStore } from '../registry/index.js';
import { pullWithAuth } from './base-ref.js';

/** What happened to one base image. */
export interface PulledBase {
  ref: string;
  /** The image ID after the pull (or the one already there). */
  id?: string;
  /** The pull failed but the engine already has the image (see `warning`). */
  present?: boolean;
  /** Why the pull failed. */
  problem?: Diagnostic;
  /** Why the pull failed although the engine has the image (a local-only image, an offline registry). */
  warning?: string;
}

/**
 * Pulls base images through the engine, each with its registry's credentials (X-Registry-Auth),
 * one at a time so progress lines stay readable. Failures are collected, not thrown, except an
 * unreachable engine and an interrupt; a failed pull of an image the engine has is only a warning.
 */
export async function pullBases(options: {
  refs: readonly string[];
  engine: Engine;
  credentials?: CredentialStore;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}): Promise<PulledBase[]> {
  const results: PulledBase[] = [];
  for (const ref of options.refs) {
    try {
      const id = await pullWithAuth({
        engine: options.engine,
        ref,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onLine ? { onLine: options.onLine } : {}),
      });
      results.push({ ref, ...(id ? { id } : {}) });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // A broken docker config is the user's to fix (exit 2), not a pull that failed.
      if (error instanceof KilnError && error.diagnostics.some((d) => d.kind === 'usage')) throw error;
      const message = (error instanceof Error ? error.message : String(error)).replace(`pull ${ref}: `, '');
      // Throws again when it is the engine that is unreachable, not the registry.
      const local = (await options.engine.inspectImage(ref, options.signal))?.Id;
      if (local !== undefined) {
        results.push({ ref, id: local, present: true, warning: message });
        continue;
      }
      const unavailable = error instanceof KilnError && error.diagnostics.some((d) => d.kind === 'unavailable');
      results.push({ ref, problem: diagnostic(unavailable ? 'unavailable' : 'failed', `cannot pull ${ref}: ${message}`, { hint: 'Check the reference and your credentials (docker login).' }) });
    }
  }
  return results;
}
