import PQueue from 'p-queue';
import { criticalPathLengths, type GraphNode } from './critical-path.js';
import { unreachable } from '../util/unreachable.js';

/** How one node of a run ended. */
export type NodeOutcome<T> =
  | { status: 'ok'; value: T }
  | { status: 'failed'; error: unknown }
  | { status: 'skipped'; reason: string };

/** Everything {@link runGraph} needs: the graph, the limits, and the work for one node. */
export interface RunGraphOptions<T> {
  nodes: ReadonlyMap<string, GraphNode>;
  /** The nodes to run, dependencies before dependents; every dependency must be listed. */
  order: readonly string[];
  /** At most this many nodes run at once. */
  concurrency: number;
  /** Keep starting nodes that do not depend on a failure, instead of stopping at the first one. */
  keepGoing: boolean;
  /** Aborting stops the run: running nodes see their signal aborted, nothing new starts. */
  signal: AbortSignal;
  /** Higher starts first among ready nodes; defaults to the critical path length. */
  priority?: (name: string) => number;
  /** The work for one node; receives a signal aborted when the run is. */
  run: (name: string, signal: AbortSignal) => Promise<T>;
  /**
   * One node's own abort signal, if any (watch mode restarts an image whose inputs changed). Aborting it
   * skips that node (`restarted: its inputs changed`) and its dependents, whether it waits or runs; it
   * is not a failure, so the rest of the run goes on.
   */
  nodeSignal?: (name: string) => AbortSignal | undefined;
  /** The node's dependencies are done and it waits for a free slot. */
  onQueued?(name: string): void;
  /** The node will not run. */
  onSkipped?(name: string, reason: string): void;
}

/** Why a node did not run. Kept structured so a dependent can name the root failure. */
type SkipCause =
  | { kind: 'dependency'; failed: string }
  | { kind: 'stopped'; failed: string }
  | { kind: 'restarted' }
  | { kind: 'dependencyRestarted'; restarted: string }
  | { kind: 'interrupted' };

/** The reason text users see for a skip (`dependency base failed`). */
function describe(cause: SkipCause): string {
  switch (cause.kind) {
    case 'dependency':
      return `dependency ${cause.failed} failed`;
    case 'stopped':
      return `stopped after ${cause.failed} failed`;
    case 'restarted':
      return 'restarted: its inputs changed';
    case 'dependencyRestarted':
      return `dependency ${cause.restarted} restarted`;
    case 'interrupted':
      return 'interrupted';
    default:
      return unreachable(cause);
  }
}

const causeRank: Record<SkipCause['kind'], number> = { dependency: 0, stopped: 1, restarted: 2, dependencyRestarted: 2, interrupted: 3 };

/**
 * Runs every node of a DAG once, each after all its dependencies succeeded, at most `concurrency`
 * at a time, the longest remaining chain first. Never rejects because a node failed: the result
 * maps every node of `order` to its outcome. A node whose `run` rejects after the run was aborted
 * counts as skipped (`interrupted`), not failed; one whose own `nodeSignal` aborted counts as skipped
 * (`restarted: its inputs changed`), its dependents too, and the rest of the run goes on.
 */
export async function runGraph<T>(options: RunGraphOptions<T>): Promise<Map<string, NodeOutcome<T>>> {
  return new GraphRun(options).run();
}

class GraphRun<T> {
  readonly #options: RunGraphOptions<T>;
  readonly #queue: PQueue;
  readonly #priority: (name: string) => number;
  /** One memoized execution per node, so a diamond's shared dependency runs once. */
  readonly #executions = new Map<string, Promise<NodeOutcome<T>>>();
  readonly #skipCauses = new Map<string, SkipCause>();
  /** Nodes in the queue that have not started, with how to settle them as skipped. */
  readonly #waiting = new Map<string, (cause: SkipCause) => void>();
  #firstFailure: string | undefined;

  constructor(options: RunGraphOptions<T>) {
    validate(options);
    this.#options = options;
    // Started once the first ready nodes are all queued, so the longest chain starts first.
    this.#queue = new PQueue({ concurrency: options.concurrency, autoStart: false });
    const lengths = criticalPathLengths(options.nodes, options.order);
    this.#priority = options.priority ?? ((name) => lengths.get(name) ?? 0);
  }

  async run(): Promise<Map<string, NodeOutcome<T>>> {
    const { signal, order } = this.#options;
    const onAbort = (): void => this.#stop({ kind: 'interrupted' });
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const executions = order.map((name) => this.#execution(name));
      await nextMacrotask();
      this.#queue.start();
      const outcomes = await Promise.all(executions);
      return new Map(order.map((name, index) => [name, outcomes[index] ?? unreachableOutcome(name)]));
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  #execution(name: string): Promise<NodeOutcome<T>> {
    let execution = this.#executions.get(name);
    if (execution === undefined) {
      execution = this.#execute(name);
      this.#executions.set(name, execution);
    }
    return execution;
  }

  async #execute(name: string): Promise<NodeOutcome<T>> {
    const dependencies = this.#options.nodes.get(name)?.dependencies ?? [];
    const outcomes = await Promise.all(dependencies.map((dependency) => this.#execution(dependency)));
    const nodeSignal = this.#options.nodeSignal?.(name);
    const cause = this.#blockedBy(dependencies, outcomes) ?? this.#gate(nodeSignal);
    if (cause !== undefined) return this.#skip(name, cause);
    this.#options.onQueued?.(name);
    return new Promise((resolve) => {
      const restart = (): void => {
        if (this.#waiting.delete(name)) resolve(this.#skip(name, { kind: 'restarted' }));
      };
      nodeSignal?.addEventListener('abort', restart, { once: true });
      this.#waiting.set(name, (stopCause) => {
        nodeSignal?.removeEventListener('abort', restart);
        resolve(this.#skip(name, stopCause));
      });
      void this.#queue.add(
        async () => {
          nodeSignal?.removeEventListener('abort', restart);
          if (!this.#waiting.delete(name)) return; // settled by a stop or a restart while it waited
          const late = this.#gate(nodeSignal);
          resolve(late === undefined ? await this.#runNode(name, nodeSignal) : this.#skip(name, late));
          // Dependents this node made ready reach the queue through promise callbacks; holding the
          // slot until those have run lets priority, not callback order, pick the next node.
          await nextMacrotask();
        },
        { priority: this.#priority(name) },
      );
    });
  }

  /** The most telling reason a dependency gives not to run: a failure beats a stop beats an interrupt. */
  #blockedBy(dependencies: readonly string[], outcomes: NodeOutcome<T>[]): SkipCause | undefined {
    let best: SkipCause | undefined;
    dependencies.forEach((dependency, index) => {
      const outcome = outcomes[index];
      let cause: SkipCause | undefined;
      if (outcome?.status === 'failed') cause = { kind: 'dependency', failed: dependency };
      else if (outcome?.status === 'skipped') cause = this.#skipCauses.get(dependency);
      if (cause?.kind === 'restarted') cause = { kind: 'dependencyRestarted', restarted: dependency };
      if (cause !== undefined && (best === undefined || causeRank[cause.kind] < causeRank[best.kind])) best = cause;
    });
    return best;
  }

  /** Whether the run as a whole, and the node's own signal, still let the node start. */
  #gate(nodeSignal?: AbortSignal): SkipCause | undefined {
    if (this.#options.signal.aborted) return { kind: 'interrupted' };
    if (!this.#options.keepGoing && this.#firstFailure !== undefined) return { kind: 'stopped', failed: this.#firstFailure };
    if (nodeSignal?.aborted) return { kind: 'restarted' };
    return undefined;
  }

  async #runNode(name: string, nodeSignal: AbortSignal | undefined): Promise<NodeOutcome<T>> {
    const runSignal = this.#options.signal;
    const signal = nodeSignal === undefined ? runSignal : AbortSignal.any([runSignal, nodeSignal]);
    try {
      return { status: 'ok', value: await this.#options.run(name, signal) };
    } catch (error: unknown) {
      if (runSignal.aborted) return this.#skip(name, { kind: 'interrupted' });
      if (nodeSignal?.aborted) return this.#skip(name, { kind: 'restarted' });
      this.#firstFailure ??= name;
      if (!this.#options.keepGoing) this.#stop({ kind: 'stopped', failed: this.#firstFailure });
      return { status: 'failed', error };
    }
  }

  /** Settles every waiting node as skipped; running ones finish on their own. */
  #stop(cause: SkipCause): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    this.#queue.clear();
    for (const settle of waiting) settle(cause);
  }

  #skip(name: string, cause: SkipCause): NodeOutcome<T> {
    this.#skipCauses.set(name, cause);
    const reason = describe(cause);
    this.#options.onSkipped?.(name, reason);
    return { status: 'skipped', reason };
  }
}

/** The graph comes from the planner, so a dangling name is a bug, not a user error. */
function validate(options: RunGraphOptions<unknown>): void {
  // Requiring dependencies earlier in the order also rules out cycles, which would never settle.
  const seen = new Set<string>();
  for (const name of options.order) {
    const node = options.nodes.get(name);
    if (node === undefined) throw new Error(`runGraph: ${name} is in the order but not in the graph`);
    for (const dependency of node.dependencies) {
      if (!seen.has(dependency)) throw new Error(`runGraph: ${name} depends on ${dependency}, which is not before it in the order`);
    }
    seen.add(name);
  }
}

function unreachableOutcome(name: string): never {
  throw new Error(`runGraph: no outcome for ${name}`);
}

/** Resolves after every pending promise callback has run. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
