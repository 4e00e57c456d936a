import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';
import type { Engine } from '../engine/engine.js';

/**
 * Checks that `id`, the image ID a build stream named, is the image just built: it must carry every
 * kiln label the build was sent with (`dev.kiln.key`, `dev.kiln.project`, `dev.kiln.image`). An
 * engine (or a proxy in front of it) naming another image would otherwise have that image tagged
 * as the project's. Throws a failed KilnError, before anything is tagged, when it does not.
 */
export async function verifyBuiltImage(options: { engine: Engine; image: string; id: string; labels: Record<string, string>; signal: AbortSignal }): Promise<void> {
  const { id, labels } = options;
  const inspected = await options.engine.inspectImage(id, options.signal);
  const actual = inspected?.Config?.Labels ?? {};
  const wrong = Object.keys(labels)
    .filter((name) => name.startsWith('dev.kiln.'))
    .filter((name) => actual[name] !== labels[name]);
  if (inspected !== undefined && wrong.length === 0) return;
  const what = inspected === undefined ? 'which the engine does not have' : `which does not carry this build's ${wrong.map((n) => `${n}=${labels[n]}`).join(', ')}`;
  throw new KilnError(
    diagnostic('failed', `the engine reported image ${id} as the build of "${options.image}", ${what}: nothing was tagged`, {
      hint: 'Something between kiln and the engine answered for another image; build again, and check DOCKER_HOST.',
    }),
  );
}
