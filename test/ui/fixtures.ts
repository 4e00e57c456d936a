/** Event builders for reporter tests: a small run with every outcome. */
import type { BuildEvent, PlannedImage } from '../../src/run/events.js';

/** The epoch of every fixture run. */
export const T0 = 1_700_000_000_000;

/** A planned image with sensible defaults. */
export function planned(name: string, extra: Partial<PlannedImage> = {}): PlannedImage {
  return { name, repository: `127.0.0.1:5000/${name}`, tags: ['latest'], dependsOn: [], key: `sha256:${name.padEnd(64, '0')}`, cached: false, reasons: [], ...extra };
}

/** The plan of base ← api ← web, plus worker (cached) and docs (skipped because web failed). */
export function planEvent(round?: number): BuildEvent {
  return {
    type: 'plan',
    time: T0,
    ...(round === undefined ? {} : { round }),
    images: [
      planned('base', { cached: true }),
      planned('api', { dependsOn: ['base'], reasons: [{ kind: 'file', detail: 'src/server.js changed' }] }),
      planned('web', { dependsOn: ['api'] }),
      planned('worker', { cached: true }),
      planned('docs', { dependsOn: ['web'] }),
    ],
    order: [['base', 'worker'], ['api'], ['web'], ['docs']],
  };
}

/** A whole run: base and worker cached, api built and pushed, web failed, docs skipped. */
export function fullRun(round?: number): BuildEvent[] {
  const r = round === undefined ? {} : { round };
  const at = (ms: number): { time: number } & typeof r => ({ time: T0 + ms, ...r });
  return [
    planEvent(round),
    { type: 'cached', image: 'base', id: 'sha256:1111222233334444555566667777', key: 'sha256:1a2b3c4d5e6f7a8b9c0d', source: 'local', ...at(10) },
    { type: 'cached', image: 'worker', id: 'sha256:9999888877776666', key: 'sha256:ffeeddccbbaa99887766', source: 'registry', ...at(20) },
    { type: 'queued', image: 'api', ...at(30) },
    { type: 'start', image: 'api', key: 'sha256:aaaa', reasons: [{ kind: 'file', detail: 'src/server.js changed' }], ...at(40) },
    { type: 'step', image: 'api', name: 'RUN npm ci', index: 2, total: 5, ...at(50) },
    { type: 'log', image: 'api', line: 'added 120 packages', ...at(60) },
    { type: 'step', image: 'api', name: 'RUN npm ci', index: 2, total: 5, completed: true, ...at(70) },
    { type: 'built', image: 'api', id: 'sha256:abcd1234abcd5678ef', key: 'sha256:aaaa', durationMs: 3200, ...at(3240) },
    { type: 'pushed', image: 'api', tag: '127.0.0.1:5000/api:latest', digest: 'sha256:0123456789abcdef', ...at(3300) },
    { type: 'queued', image: 'web', ...at(3310) },
    { type: 'start', image: 'web', key: 'sha256:bbbb', reasons: [{ kind: 'dependency', detail: 'dependency api rebuilt' }], ...at(3320) },
    { type: 'step', image: 'web', name: 'RUN make', index: 3, total: 4, ...at(3330) },
    { type: 'log', image: 'web', line: 'cc -o app main.c', stream: 'stdout', ...at(3340) },
    { type: 'log', image: 'web', line: 'main.c:3: error: expected ;', stream: 'stderr', ...at(3350) },
    { type: 'failed', image: 'web', error: 'RUN make exited with code 2', hint: 'fix main.c', logs: [], step: '[3/4] RUN make', ...at(5420) },
    { type: 'skipped', image: 'docs', reason: 'dependency web failed', ...at(5430) },
    { type: 'done', counts: { built: 1, cached: 2, failed: 1, skipped: 1, pushed: 1 }, durationMs: 12_400, savedMs: 40_000, ...at(12_400) },
  ];
}
