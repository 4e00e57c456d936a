/**
 * Watch mode: an initial round, then one round per quiet burst of relevant saves.
 *
 *                   relevant change
 *   ┌──────────┐ ─────────────────────► ┌────────────┐ ◄─┐ another change:
 *   │ watching │                        │ debouncing │ ──┘ the quiet period starts again
 *   └──────────┘ ◄──┐                   └────────────┘
 *        ▲          │                          │ quiet for debounceMs
 *        │          │ nothing pending          ▼
 *        │          └───────────────────  ┌──────────┐ ◄─┐ any change to an image: pending; an
 *        │                                │ building │ ──┘ affected image (or dependent) this round
 *        │      round done, pending ──────└──────────┘     has not finished is aborted alone
 *        │      → debouncing (or at once       │
 *        │        when already quiet)          ▼ manifest change: abort the round → debouncing
 *        └──────────────── Ctrl-C from any state: abort the round, close the watcher, return
 *
 * A change aborts only the affected images of the running round (through each image's own signal,
 * `imageSignal`) and their dependents not finished yet, which would build on stale inputs: they end
 * `skipped` (`restarted: its inputs changed`, `dependency X restarted`), untagged, while the
 * unaffected builds go on and the round ends with a normal `done`. The next round builds the
 * affected images and their dependents. Changes that touch only finished images abort nothing.
 * A manifest change aborts the whole round (`done` with `interrupted`), since the graph may differ.
 * Each round builds only the changed images plus their dependents (and, for keys, their
 * dependencies), cut from the resolved graph without reading a Dockerfile again; contexts whose
 * files did not change keep their walk and hash from earlier rounds, so only changed contexts are
 * walked and hashed (keys of dependents still recompute). A change while nothing runs lets the CLI
 * start the round's image listing during the debounce (`prefetch`).
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleepFor } from 'node:timers/promises';
import path from 'node:path';
import { KilnError } from '../diagnostics/diagnostic.js';
import type { ContextMemo } from '../build/prepare.js';
import type { Project } from '../model/project.js';
import { resolveGraph, type ResolvedGraph } from '../plan/resolve-graph.js';
import type { BuildEvent, EventSink } from '../run/events.js';
import { withDependents } from './affected.js';
import { chokidarWatchFiles, type FileWatcher, type WatchFiles } from './file-watcher.js';
import { subgraph } from './subgraph.js';
import { createWatchSet, type WatchSet } from './watch-set.js';

/** How one round ended, as far as watching cares. */
export interface RoundOutcome {
  interrupted: boolean;
}

/** Runs one round's build; `buildImages` in the CLI, a fake in unit tests. */
export type RunRound = (round: {
  resolved: ResolvedGraph;
  round: number;
  signal: AbortSignal;
  sink: EventSink;
  /** Walked and hashed contexts still valid from earlier rounds; the round may add to it. */
  contexts: ContextMemo;
  /** One image's own signal, aborted when a change restarts just that image; pass to the run. */
  imageSignal: (name: string) => AbortSignal;
}) => Promise<RoundOutcome>;

/** Everything watch mode needs, injected. */
export interface WatchOptions {
  /** Loads and validates the manifest (again after it changes). */
  load: () => Promise<Project>;
  /** Image and group names to watch; all when empty. */
  selection: string[];
  build: RunRound;
  sink: EventSink;
  /** Quiet time after the last change before a round starts. */
  debounceMs: number;
  /** Stops watching (Ctrl-C). */
  signal: AbortSignal;
  /** Status lines (`change: src/app.js → api`). */
  notify?: (message: string) => void;
  /** Shows an error a round ran into; watching goes on. */
  reportError: (error: unknown) => void;
  /** Called on each relevant change while no round runs: kiln changes nothing in the engine until the next round, so it may start that round's requests (the image listing) during the debounce. */
  prefetch?: () => void;
  watchFiles?: WatchFiles;
  now?: () => number;
}

/** Builds, then rebuilds what each burst of changes affects, until `signal` aborts. Throws only when the first load or round cannot start. */
export async function watchImages(options: WatchOptions): Promise<void> {
  await new WatchSession(options).run();
}

class WatchSession {
  readonly #options: WatchOptions;
  readonly #now: () => number;
  readonly #dockerfiles = new Map<string, string>();
  #project!: Project;
  #full!: ResolvedGraph;
  #set!: WatchSet;
  #watcher: FileWatcher | undefined;
  /** Images that need a round. */
  readonly #dirty = new Set<string>();
  #replan = false;
  #restructure = false;
  #rewatch = false;
  #lastChange = Number.NEGATIVE_INFINITY;
  #round = 0;
  #current:
    | {
        controller: AbortController;
        /** Per-image controllers, made when the run first asks for an image's signal or a change restarts it. */
        images: Map<string, AbortController>;
        unfinished: Set<string>;
        changed: { all: boolean; contexts: Set<string> };
      }
    | undefined;
  /** Walks and hashes of contexts no change touched since they were taken. */
  readonly #contexts: ContextMemo = new Map();
  #wake: (() => void) | undefined;

  constructor(options: WatchOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async run(): Promise<void> {
    const { signal } = this.#options;
    await this.#load();
    this.#set = await createWatchSet(this.#full.graph);
    await this.#startWatcher();
    for (const name of this.#full.graph.order) this.#dirty.add(name);
    const stop = (): void => {
      this.#current?.controller.abort();
      this.#wake?.();
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      while (!signal.aborted) {
        if (this.#dirty.size === 0 && !this.#replan) {
          this.#options.notify?.(`watching ${this.#full.graph.order.length} images (Ctrl-C to stop)`);
          await new Promise<void>((resolve) => (this.#wake = resolve));
          this.#wake = undefined;
          continue;
        }
        const quietFor = this.#now() - this.#lastChange;
        if (quietFor < this.#options.debounceMs) {
          await sleepFor(this.#options.debounceMs - quietFor, undefined, { signal }).catch(() => undefined);
          continue;
        }
        await this.#runRound();
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await this.#watcher?.close();
    }
  }

  /** Loads the manifest and resolves the watched selection. */
  async #load(): Promise<void> {
    const project = await this.#options.load();
    const full = await this.#resolve(project, this.#options.selection);
    this.#project = project;
    this.#full = full;
  }

  async #resolve(project: Project, selection: string[]): Promise<ResolvedGraph> {
    const readDockerfile = async (file: string): Promise<string> => {
      const known = this.#dockerfiles.get(file);
      if (known !== undefined) return known;
      const text = await readFile(file, 'utf8');
      this.#dockerfiles.set(file, text);
      return text;
    };
    const resolved = await resolveGraph(project, { selection, readDockerfile });
    if (!resolved.ok) throw new KilnError(resolved.error);
    return resolved.value;
  }

  async #startWatcher(): Promise<void> {
    await this.#watcher?.close();
    const watchFiles = this.#options.watchFiles ?? chokidarWatchFiles;
    // skip() reads the current set, so a changed .dockerignore applies at once to new paths.
    this.#watcher = await watchFiles(
      { paths: this.#set.paths, skip: (file) => this.#set.skip(file) },
      (file) => this.#onChange(file),
      (error) => this.#options.reportError(error),
    );
  }

  #onChange(file: string): void {
    const meaning = this.#set.classify(file);
    if (meaning.structure) {
      this.#dockerfiles.delete(file);
      this.#restructure = true;
    }
    if (meaning.ignoreRules) this.#rewatch = true;
    if (meaning.manifest) this.#replan = true;
    this.#forgetContexts(meaning.manifest, meaning.contexts);
    const affected = withDependents(this.#full.graph, meaning.images);
    if (!meaning.manifest && affected.length === 0) return;
    if (this.#current === undefined) this.#options.prefetch?.();
    for (const name of affected) this.#dirty.add(name);
    this.#lastChange = this.#now();
    const shown = path.relative(this.#project.root, file) || file;
    this.#options.notify?.(`change: ${shown} → ${meaning.manifest ? 're-plan' : affected.join(', ')}`);
    const current = this.#current;
    if (current && !current.controller.signal.aborted) {
      if (meaning.manifest) {
        this.#options.notify?.(`round ${this.#round}: restarting (manifest changed)`);
        current.controller.abort();
      } else {
        // `affected` holds the dependents too: unfinished ones would build on the stale images.
        const restarted = affected.filter((name) => current.unfinished.has(name) && !imageController(current.images, name).signal.aborted);
        for (const name of restarted) imageController(current.images, name).abort();
        if (restarted.length > 0) this.#options.notify?.(`round ${this.#round}: restarting ${restarted.join(', ')} (inputs changed)`);
      }
    }
    this.#wake?.();
  }

  async #runRound(): Promise<void> {
    const round = ++this.#round;
    const started = this.#now();
    const controller = new AbortController();
    const unfinished = new Set<string>();
    const changed = { all: false, contexts: new Set<string>() };
    const images = new Map<string, AbortController>();
    this.#current = { controller, images, unfinished, changed };
    const contexts: ContextMemo = new Map(this.#contexts);
    let selection: string[] = [];
    let done = false;
    const sink: EventSink = {
      emit: (event: BuildEvent) => {
        if (event.type === 'built' || event.type === 'cached' || event.type === 'failed' || event.type === 'skipped') unfinished.delete(event.image);
        if (event.type === 'done') done = true;
        this.#options.sink.emit(event);
      },
    };
    try {
      await this.#refresh();
      selection = [...this.#dirty];
      this.#dirty.clear();
      const names = selection.filter((name) => this.#full.graph.nodes.has(name));
      const whole = names.length === this.#full.graph.order.length;
      const resolved = whole ? this.#full : subgraph(this.#full, names);
      for (const name of resolved.graph.order) unfinished.add(name);
      const imageSignal = (name: string): AbortSignal => imageController(images, name).signal;
      const outcome = await this.#options.build({ resolved, round, signal: controller.signal, sink, contexts, imageSignal });
      // Walks taken this round stay valid unless a change touched their context meanwhile.
      if (!changed.all) for (const [name, walked] of contexts) if (!changed.contexts.has(name)) this.#contexts.set(name, walked);
      if (outcome.interrupted) for (const name of unfinished) this.#dirty.add(name);
    } catch (error) {
      if (controller.signal.aborted) {
        for (const name of selection) this.#dirty.add(name);
      } else {
        // The error stays on screen until a change fixes it; retrying unchanged inputs would only repeat it.
        this.#dirty.clear();
        this.#options.reportError(error);
        // Nothing built yet and nothing to build with: watching would only repeat the failure.
        if (round === 1 && error instanceof KilnError && error.diagnostics.some((d) => d.kind === 'unavailable')) throw error;
      }
    } finally {
      this.#current = undefined;
    }
    if (!done) {
      const counts = { built: 0, cached: 0, failed: 0, skipped: 0, pushed: 0 };
      sink.emit({ type: 'done', time: this.#now(), round, counts, durationMs: this.#now() - started, savedMs: 0, ...(controller.signal.aborted ? { interrupted: true } : {}) });
    }
  }

  /** Drops remembered walks a change may have made wrong, including ones the running round is taking. */
  #forgetContexts(all: boolean, names: readonly string[]): void {
    if (all) this.#contexts.clear();
    for (const name of names) this.#contexts.delete(name);
    if (this.#current) {
      this.#current.changed.all ||= all;
      for (const name of names) this.#current.changed.contexts.add(name);
    }
  }

  /** Applies manifest, Dockerfile and ignore-file changes before a round. */
  async #refresh(): Promise<void> {
    if (this.#replan) {
      this.#replan = false;
      this.#restructure = false;
      this.#dockerfiles.clear();
      await this.#load();
      for (const name of this.#full.graph.order) this.#dirty.add(name);
      this.#rewatch = true;
    } else if (this.#restructure) {
      // A Dockerfile may name other images now: edges, and so dependents, can change.
      this.#restructure = false;
      this.#full = await this.#resolve(this.#project, this.#options.selection);
    }
    if (this.#rewatch) {
      this.#rewatch = false;
      this.#set = await createWatchSet(this.#full.graph);
      await this.#startWatcher();
    }
  }
}

/** The image's controller of a round, made on first use. */
function imageController(images: Map<string, AbortController>, name: string): AbortController {
  let controller = images.get(name);
  if (controller === undefined) {
    controller = new AbortController();
    images.set(name, controller);
  }
  return controller;
}
