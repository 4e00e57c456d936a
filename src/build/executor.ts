import { contextTar } from '../context/index.js';
import type { BuildProgress, Engine } from '../engine/engine.js';
import { KilnLabel } from '../model/labels.js';
import { saveKeyRecord } from '../plan/key-record.js';
import type { JobExecutor } from '../run/run-build.js';
import type { PreparedImage } from './prepare.js';
import { applyTags } from './apply-tags.js';
import type { DependencyRefs } from './dependency-refs.js';
import { dependentDockerfile } from './dependent-dockerfile.js';
import { verifyBuiltImage } from './verify-build.js';

/** How builds are sent to the engine. */
export interface ExecutorOptions {
  engine: Engine;
  project: { name: string; root: string };
  prepared: ReadonlyMap<string, PreparedImage>;
  /** Refs each of the project's images has now (from the run's listing), to re-apply only missing tags. */
  refsOf: (id: string) => string[];
  noCache?: boolean;
  /** Build network mode: `host` on engines without a bridge network, where the default fails. */
  networkMode?: string;
  /** The run's references to exact dependency builds, which dependents' Dockerfiles are rewritten to. */
  dependencyRefs: DependencyRefs;
}

/** The JobExecutor that builds with the real engine: a streamed context tar, kiln's labels, tags only after success. */
export function engineExecutor(options: ExecutorOptions): JobExecutor {
  const { engine, prepared } = options;
  return {
    async build(job, onProgress, signal, dependencyIds) {
      const image = prepared.get(job.name)!;
      const spec = image.node.spec;
      const started = Date.now();
      const labels = { ...spec.labels, [KilnLabel.image]: spec.name, [KilnLabel.key]: image.key, [KilnLabel.project]: options.project.name, [KilnLabel.repository]: spec.repository };
      const dockerfile = await dependentDockerfile({ image, prepared, dependencyIds, refs: options.dependencyRefs, signal });
      const { id } = await engine.build(
        {
          context: contextTar({ context: spec.context, entries: image.entries, hashed: image.hashed, dockerfile }),
          dockerfile: dockerfile.nameInTar,
          // Dockerfile errors the engine reports then point at the file on disk, not the tar entry.
          dockerfileLocation: image.dockerfile.path,
          ...(spec.target ? { target: spec.target } : {}),
          args: spec.args,
          labels,
          ...(spec.platform ? { platform: spec.platform } : {}),
          builder: image.builder,
          ...(options.noCache ? { noCache: true } : {}),
          // Never the engine's pull: `--pull` pulled every unpinned base before the keys were computed
          // (computeKeys), so the build uses the image its key names; a pull here could fetch a newer
          // one, and would look a dependent's kiln-dep references up in a registry that never has them.
          ...(options.networkMode ? { networkMode: options.networkMode } : {}),
        },
        image.builder === 'classic' ? withoutLabelSteps(onProgress, Object.keys(labels).length) : onProgress,
        signal,
      );
      await verifyBuiltImage({ engine, image: spec.name, id, labels, signal });
      // The record explains the next rebuild ("src/app.js changed") and remembers the build time.
      await saveKeyRecord(options.project.root, { ...image.record, durationMs: Date.now() - started });
      return { id };
    },
    async tag(id, refs, signal) {
      await applyTags({ engine, id, refs, signal });
    },
    async missingRefs(id, refs) {
      const have = new Set(options.refsOf(id));
      return refs.filter((r) => !have.has(r));
    },
  };
}

/**
 * The classic builder applies build labels as extra `LABEL` steps after the Dockerfile's own
 * (`[4/6] LABEL dev.kiln.key=…`): hide them, and count only the Dockerfile's steps.
 */
export function withoutLabelSteps(onProgress: (p: BuildProgress) => void, labelCount: number): (p: BuildProgress) => void {
  return (progress) => {
    if (progress.kind !== 'step' || progress.total === undefined || progress.index === undefined || labelCount === 0) return onProgress(progress);
    const total = progress.total - labelCount;
    if (progress.index > total && progress.name.startsWith('LABEL ')) return;
    onProgress({ ...progress, total });
  };
}
