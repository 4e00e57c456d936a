import { createRequire } from 'node:module';
import type protobufModule from 'protobufjs';
import { buildkitOpsProto, buildkitStatusProto, timestampProto } from './proto/buildkit-status.js';

/** A BuildKit vertex (one step of the build graph), as sent in full on every update. */
export interface TraceVertex {
  digest: string;
  name: string;
  cached: boolean;
  /** Whether it has started / completed (completed does not mean succeeded: see `error`). */
  started: boolean;
  completed: boolean;
  error?: string;
}

/** A chunk of a vertex's output; not line-aligned. */
export interface TraceLog {
  vertex: string;
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** A decoded `moby.buildkit.trace` message (warnings and statuses are not used by kiln). */
export interface TraceUpdate {
  vertexes: TraceVertex[];
  logs: TraceLog[];
}

function loadStatusType(): protobufModule.Type {
  // protobufjs (CommonJS) is required on the first trace, not at start-up: ~30 ms that a no-op
  // build, which receives no trace, would otherwise pay.
  const protobuf = createRequire(import.meta.url)('protobufjs') as typeof protobufModule;
  const root = new protobuf.Root();
  for (const source of [timestampProto, buildkitOpsProto, buildkitStatusProto]) {
    protobuf.parse(source, root, { keepCase: true });
  }
  return root.lookupType('moby.buildkit.v1.StatusResponse');
}

let statusResponse: protobufModule.Type | undefined;

interface RawVertex {
  digest?: string;
  name?: string;
  cached?: boolean;
  started?: unknown;
  completed?: unknown;
  error?: string;
}
interface RawLog {
  vertex?: string;
  stream?: number;
  msg?: Uint8Array;
}

/** Decodes the `aux` of a `moby.buildkit.trace` message: standard base64 of a StatusResponse (spec §2.6). */
export function decodeTrace(aux: string): TraceUpdate {
  statusResponse ??= loadStatusType();
  const message = statusResponse.decode(Buffer.from(aux, 'base64'));
  const object = statusResponse.toObject(message, { longs: Number, defaults: false, arrays: true }) as {
    vertexes?: RawVertex[];
    logs?: RawLog[];
  };
  return {
    vertexes: (object.vertexes ?? []).map((v) => ({
      digest: v.digest ?? '',
      name: v.name ?? '',
      cached: v.cached === true,
      started: v.started != null,
      completed: v.completed != null,
      ...(v.error ? { error: v.error } : {}),
    })),
    logs: (object.logs ?? []).map((l) => ({
      vertex: l.vertex ?? '',
      stream: l.stream === 2 ? 'stderr' : 'stdout',
      data: Buffer.from(l.msg ?? new Uint8Array()),
    })),
  };
}
