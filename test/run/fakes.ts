import type { BuildProgress } from '../../src/engine/engine.js';
import type { BuildEvent, EventSink } from '../../src/run/events.js';
import type { ImageJob, JobExecutor } from '../../src/run/run-build.js';

/** A promise settled from outside. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Makes a promise the test settles. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending callback and scheduled macrotask of the scheduler run. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A `run` for runGraph whose nodes finish when the test says. */
export class ControlledWork {
  readonly started: string[] = [];
  readonly pending = new Map<string, { done: Deferred<string>; signal: AbortSignal }>();
  running = 0;
  maxRunning = 0;

  readonly run = async (name: string, signal: AbortSignal): Promise<string> => {
    if (this.started.includes(name)) throw new Error(`${name} ran twice`);
    this.started.push(name);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const done = deferred<string>();
    this.pending.set(name, { done, signal });
    try {
      return await done.promise;
    } finally {
      this.running--;
      this.pending.delete(name);
    }
  };

  /** Finishes a running node and lets the scheduler react. */
  async finish(name: string, error?: unknown): Promise<void> {
    const entry = this.pending.get(name);
    if (entry === undefined) throw new Error(`${name} is not running (running: ${[...this.pending.keys()].join(', ')})`);
    if (error === undefined) entry.done.resolve(`${name}-value`);
    else entry.done.reject(error);
    await flush();
  }
}

/** A sink that keeps every event. */
export class RecordingSink implements EventSink {
  readonly events: BuildEvent[] = [];
  emit(event: BuildEvent): void {
    this.events.push(event);
  }
  /** Event types concerning one image, in order. */
  typesFor(image: string): string[] {
    return this.events.filter((e) => 'image' in e && e.image === image).map((e) => e.type);
  }
  /** The events of one type. */
  ofType<K extends BuildEvent['type']>(type: K): Extract<BuildEvent, { type: K }>[] {
    return this.events.filter((e): e is Extract<BuildEvent, { type: K }> => e.type === type);
  }
}

/** An executor whose builds finish when the test says; records tags. */
export class FakeExecutor implements JobExecutor {
  readonly builds = new Map<string, { done: Deferred<{ id: string }>; onProgress: (p: BuildProgress) => void; signal: AbortSignal; dependencies: ReadonlyMap<string, string> }>();
  readonly tagged: { id: string; refs: string[] }[] = [];
  /** Refs that exist already, per image id, for missingRefs. */
  readonly existing = new Map<string, string[]>();

  build(job: ImageJob, onProgress: (p: BuildProgress) => void, signal: AbortSignal, dependencies: ReadonlyMap<string, string>): Promise<{ id: string }> {
    const done = deferred<{ id: string }>();
    this.builds.set(job.name, { done, onProgress, signal, dependencies });
    return done.promise;
  }

  async tag(id: string, refs: string[]): Promise<void> {
    this.tagged.push({ id, refs });
  }

  async missingRefs(id: string, refs: string[]): Promise<string[]> {
    const present = this.existing.get(id) ?? [];
    return refs.filter((ref) => !present.includes(ref));
  }

  /** Completes a build with an id and lets the run react. */
  async succeed(name: string, id = `sha256:${name}`): Promise<void> {
    this.#entry(name).done.resolve({ id });
    await flush();
  }

  async fail(name: string, error: unknown): Promise<void> {
    this.#entry(name).done.reject(error);
    await flush();
  }

  progress(name: string, progress: BuildProgress): void {
    this.#entry(name).onProgress(progress);
  }

  signalOf(name: string): AbortSignal {
    return this.#entry(name).signal;
  }

  /** The dependency image IDs the run gave a build. */
  dependenciesOf(name: string): Record<string, string> {
    return Object.fromEntries(this.#entry(name).dependencies);
  }

  #entry(name: string): { done: Deferred<{ id: string }>; onProgress: (p: BuildProgress) => void; signal: AbortSignal; dependencies: ReadonlyMap<string, string> } {
    const entry = this.builds.get(name);
    if (entry === undefined) throw new Error(`${name} was not sent to the engine`);
    return entry;
  }
}

/** A clock the test moves by hand. */
export class FakeClock {
  now = 1_000_000;
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}
