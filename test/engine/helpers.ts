import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { createEngine } from '../../src/engine/docker-engine.js';
import type { BuildProgress, Engine } from '../../src/engine/engine.js';
import { services } from '../helpers/services.js';

/** The real test engine's address; throws when the services are missing (a test fails, never skips). */
export function testDockerHost(): string {
  return services().dockerHost;
}

/** An engine client for the test engine. */
export function testEngine(): Engine {
  return createEngine({ host: testDockerHost(), env: {} });
}

/** A build context tar of the given files, streamed like the real context producer does. */
export function contextTar(files: Record<string, string>): Readable {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) archive.entry({ name, mode: 0o644 }, content);
  archive.finalize();
  // tar-stream packs are streamx streams; the engine takes a Node Readable.
  return Readable.from(archive);
}

/** A repository name no other test uses. */
export function uniqueRepository(prefix: string): string {
  return `kiln-engine-test-${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Collects progress updates for assertions. */
export function progressRecorder(): { onProgress: (p: BuildProgress) => void; steps: Extract<BuildProgress, { kind: 'step' }>[]; lines: string[] } {
  const steps: Extract<BuildProgress, { kind: 'step' }>[] = [];
  const lines: string[] = [];
  return {
    steps,
    lines,
    onProgress: (p) => {
      if (p.kind === 'step') steps.push(p);
      else lines.push(p.line);
    },
  };
}
