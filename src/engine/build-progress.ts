import type { BuildProgress } from './engine.js';
import type { TraceUpdate } from './trace.js';

/** How many trailing log lines of the failing step a BuildError carries. */
export const failureLogLines = 20;

/** What progress knew about a failure: the failing step and its last output lines. */
export interface FailureContext {
  step?: string;
  logs: string[];
}

type Emit = (progress: BuildProgress) => void;
type Step = Extract<BuildProgress, { kind: 'step' }>;

/**
 * Splits a step name into its counter and the rest: `[build 2/5] RUN npm ci` → name
 * `[build] RUN npm ci`, index 2, total 5; `[2/5] RUN x` → `RUN x`. The stage stays in the name so
 * that steps of different stages stay distinct; `[internal] load ...` is left as it is.
 */
export function parseStepName(raw: string): Pick<Step, 'name' | 'index' | 'total'> {
  const match = /^\[(?:(.+?) )?(\d+)\/(\d+)\] (.*)$/s.exec(raw);
  if (!match) return { name: raw };
  const [, stage, index, total, rest = ''] = match;
  return { name: stage ? `[${stage}] ${rest}` : rest, index: Number(index), total: Number(total) };
}

/** Output lines of one step: buffers partial lines and keeps the last few for failures. */
type OutputStream = 'stdout' | 'stderr';

class StepOutput {
  readonly recent: string[] = [];
  readonly #partial = new Map<OutputStream, string>();

  /** Emits every complete line of a chunk; the rest waits for the next chunk or flush. */
  write(stream: OutputStream, text: string, emit: Emit): void {
    const lines = ((this.#partial.get(stream) ?? '') + text).split('\n');
    this.#partial.set(stream, lines.pop() ?? '');
    for (const line of lines) this.#line(stream, line, emit);
  }

  flush(emit: Emit): void {
    for (const [stream, rest] of this.#partial) if (rest !== '') this.#line(stream, rest, emit);
    this.#partial.clear();
  }

  #line(stream: OutputStream, raw: string, emit: Emit): void {
    const line = raw.replace(/\r$/, '');
    this.recent.push(line);
    if (this.recent.length > failureLogLines) this.recent.shift();
    emit({ kind: 'log', line, stream });
  }
}

/** Turns BuildKit trace updates into steps and log lines. Vertices are merged by digest. */
export class BuildKitProgress {
  readonly #emit: Emit;
  readonly #vertices = new Map<string, { name: string; state: string; error?: string; output: StepOutput }>();

  constructor(emit: Emit) {
    this.#emit = emit;
  }

  /** Applies one decoded trace message. */
  update(trace: TraceUpdate): void {
    for (const v of trace.vertexes) {
      const vertex = this.#vertex(v.digest, v.name);
      const state = `${v.started}${v.completed}${v.cached}${v.error ?? ''}`;
      if (state === vertex.state || !(v.started || v.completed || v.cached)) continue;
      vertex.state = state;
      if (v.error) vertex.error = v.error;
      if (v.completed) vertex.output.flush(this.#emit);
      this.#emit({
        kind: 'step',
        ...parseStepName(v.name),
        ...(v.cached ? { cached: true } : {}),
        ...(v.completed ? { completed: true } : {}),
        ...(v.error ? { error: v.error } : {}),
      });
    }
    for (const log of trace.logs) {
      this.#vertex(log.vertex, '').output.write(log.stream, log.data.toString('utf8'), this.#emit);
    }
  }

  /** Emits lines still waiting for a newline. */
  flush(): void {
    for (const vertex of this.#vertices.values()) vertex.output.flush(this.#emit);
  }

  /** The vertex that reported an error, with its last lines. */
  failure(): FailureContext {
    for (const vertex of this.#vertices.values()) {
      if (vertex.error !== undefined) return { step: parseStepName(vertex.name).name, logs: [...vertex.output.recent] };
    }
    return { logs: [] };
  }

  #vertex(digest: string, name: string) {
    let vertex = this.#vertices.get(digest);
    if (!vertex) {
      vertex = { name, state: '', output: new StepOutput() };
      this.#vertices.set(digest, vertex);
    } else if (name) vertex.name = name;
    return vertex;
  }
}

/** Builder chatter of the classic builder, not output of a step. */
const classicChatter = /^( ---> |Removing intermediate container |Successfully built |Successfully tagged )/;

/** Turns the classic builder's `stream` text into steps (`Step 2/5 : RUN x`) and log lines. */
export class ClassicProgress {
  readonly #emit: Emit;
  #pending = '';
  #step: Step | undefined;
  #output = new StepOutput();

  constructor(emit: Emit) {
    this.#emit = emit;
  }

  /** Applies one `stream` chunk (not line-aligned: `Step 1/4 : FROM x` and `\n` arrive apart). */
  write(text: string): void {
    // The classic builder wraps each chunk of RUN stderr in red (ESC[91m ... ESC[0m).
    const stderr = /^\u001b\[91m([\s\S]*)\u001b\[0m$/.exec(text);
    if (stderr) {
      this.#output.write('stderr', stderr[1] ?? '', this.#emit);
      return;
    }
    const lines = (this.#pending + text).split('\n');
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.#line(line.replace(/\r$/, ''));
  }

  /** Ends the stream; on success the last step is completed. */
  finish(success: boolean): void {
    if (this.#pending !== '') this.#line(this.#pending);
    this.#pending = '';
    this.#output.flush(this.#emit);
    if (success) this.#completeStep();
  }

  /** The step that was running, with its last lines. */
  failure(): FailureContext {
    return { ...(this.#step ? { step: this.#step.name } : {}), logs: [...this.#output.recent] };
  }

  #line(line: string): void {
    const step = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
    if (step) {
      this.#completeStep();
      this.#step = { kind: 'step', name: step[3] ?? '', index: Number(step[1]), total: Number(step[2]) };
      this.#output = new StepOutput();
      this.#emit({ ...this.#step });
    } else if (line === ' ---> Using cache' && this.#step) {
      this.#step.cached = true;
      this.#emit({ ...this.#step });
    } else if (!classicChatter.test(line)) {
      this.#output.write('stdout', `${line}\n`, this.#emit);
    }
  }

  #completeStep(): void {
    if (!this.#step || this.#step.completed) return;
    this.#step.completed = true;
    this.#emit({ ...this.#step });
  }
}
