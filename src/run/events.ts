/**
 * The one closed union between execution and presentation. The scheduler emits these; the Ink TUI,
 * the plain reporter and the NDJSON writer consume them. `--progress json` writes them verbatim,
 * one per line, and end-to-end tests assert on that form.
 */

/** Why an image will be (re)built, or why it is not. */
export interface RebuildReason {
  /** `new` (never built), `file`, `dockerfile`, `arg`, `dependency`, `base`, `option`, `forced`. */
  kind: 'new' | 'file' | 'dockerfile' | 'arg' | 'dependency' | 'base' | 'option' | 'forced';
  /** Human-readable detail: `src/app.js changed`, `arg APP: a → b`, `dependency base rebuilt`. */
  detail: string;
}

/** One image as the plan event describes it. */
export interface PlannedImage {
  name: string;
  repository: string;
  tags: string[];
  dependsOn: string[];
  key: string;
  /** Whether a build with this key already exists (nothing will be sent to the engine). */
  cached: boolean;
  reasons: RebuildReason[];
}

/** Counts carried by `done`. */
export interface RunCounts {
  built: number;
  cached: number;
  failed: number;
  skipped: number;
  pushed: number;
}

interface Base {
  /** Milliseconds since the epoch. */
  time: number;
  /** Watch-mode round, from 1; absent for a single run. */
  round?: number;
}

/** Every event a run emits. */
export type BuildEvent =
  /** The run's plan: the selected images, their keys and waves. Always first. */
  | (Base & { type: 'plan'; images: PlannedImage[]; order: string[][] })
  /** An image's dependencies are done and it waits for a free build slot. */
  | (Base & { type: 'queued'; image: string })
  /** An image was sent to the engine. */
  | (Base & { type: 'start'; image: string; key: string; reasons: RebuildReason[] })
  /** A build step began or finished (`[2/5] RUN npm ci`). */
  | (Base & { type: 'step'; image: string; name: string; index?: number; total?: number; cached?: boolean; completed?: boolean })
  /** Output of a build step, one line. */
  | (Base & { type: 'log'; image: string; line: string; stream?: 'stdout' | 'stderr' })
  /** The image's key was already built: nothing sent to the engine. */
  | (Base & { type: 'cached'; image: string; id: string; key: string; source: 'local' | 'registry' })
  /** The engine built the image and kiln tagged it. */
  | (Base & { type: 'built'; image: string; id: string; key: string; durationMs: number })
  /** The image failed to build. */
  | (Base & { type: 'failed'; image: string; error: string; hint?: string; logs: string[]; step?: string })
  /** The image was not built: a dependency failed, the run was interrupted or stopped early. */
  | (Base & { type: 'skipped'; image: string; reason: string })
  /** A tag of the image reached the registry. */
  | (Base & { type: 'pushed'; image: string; tag: string; digest: string })
  /** The run (or watch round) ended. */
  | (Base & { type: 'done'; counts: RunCounts; durationMs: number; savedMs: number; interrupted?: boolean });

/** The `type` values. */
export type BuildEventType = BuildEvent['type'];

/** Something that consumes the event stream: a reporter, a test recorder. */
export interface EventSink {
  emit(event: BuildEvent): void;
}
