// What each kiln command says about each image's key, read from its output as a user would.
import { expect } from 'vitest';
import type { ImagePlan } from '../../src/reconcile/plan.js';
import type { BuildEvent } from '../../src/run/events.js';
import { parseEvents } from '../helpers/cli.js';
import type { Fixture } from './fixture.js';

/** One image as a build-like command (build, push, watch) reported it. */
export interface BuiltImage {
  key: string;
  outcome: 'built' | 'cached';
  id: string;
}

/** The key and outcome of each image from a run's NDJSON events (`plan` keys must agree with `built` / `cached`). */
export function builtImages(events: readonly BuildEvent[]): Map<string, BuiltImage> {
  const planned = new Map<string, string>();
  const result = new Map<string, BuiltImage>();
  for (const e of events) {
    if (e.type === 'plan') for (const i of e.images) planned.set(i.name, i.key);
    if (e.type === 'built' || e.type === 'cached') {
      expect(e.key, `${e.image}: the plan event's key is the key built`).toBe(planned.get(e.image));
      result.set(e.image, { key: e.key, outcome: e.type, id: e.id });
    }
  }
  return result;
}

/** `kiln build|push --progress json ...args`: exit 0 expected. */
export async function runBuild(f: Fixture, command: 'build' | 'push', args: string[] = []): Promise<Map<string, BuiltImage>> {
  const r = await f.kiln([command, '--progress', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return builtImages(parseEvents(r.stdout));
}

/** `kiln plan --json`: each image's key (none while a base is not in the engine) and whether it is cached. */
export async function planKeys(f: Fixture, args: string[] = []): Promise<Map<string, { key: string; cached: boolean }>> {
  const r = await f.kiln(['plan', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as { images: { name: string; key: string; cached?: boolean }[] };
  return new Map(doc.images.map((i) => [i.name, { key: i.key, cached: i.cached! }]));
}

/** `kiln reconcile --json`: each image's key and the action of each of its tags. */
export async function reconcileKeys(f: Fixture, args: string[] = []): Promise<Map<string, { key: string; actions: Record<string, string> }>> {
  const r = await f.kiln(['reconcile', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as { images: ImagePlan[] };
  return new Map(doc.images.map((i) => [i.image, { key: i.key, actions: Object.fromEntries(i.tags.map((t) => [t.tag, t.action])) }]));
}

/** `kiln ls --format '{{.Image}} {{.Key}} {{.Current}}'`: the key of each image's builds that ls calls current. */
export async function lsCurrentKeys(f: Fixture): Promise<Map<string, string[]>> {
  const r = await f.kiln(['ls', '--format', '{{.Image}} {{.Key}} {{.Current}}']);
  expect(r.code, r.stderr).toBe(0);
  const current = new Map<string, string[]>();
  for (const line of new Set(r.stdout.split('\n').filter(Boolean))) {
    const [image, key, flag] = line.split(' ') as [string, string, string];
    if (flag === 'true') current.set(image, [...(current.get(image) ?? []), key]);
  }
  return current;
}

/** `kiln prune --dry-run ...args`: the keys (12 hex) it would remove. */
export async function pruneDryRunKeys(f: Fixture, args: string[] = []): Promise<string[]> {
  const r = await f.kiln(['prune', '--dry-run', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return [...r.stdout.matchAll(/ key ([0-9a-f]{12}) /g)].map((m) => m[1]!).sort();
}

/** The image ID each of the references points at (docker image inspect). */
export function idsOf(f: Fixture, refs: readonly string[]): Record<string, string> {
  return Object.fromEntries(refs.map((ref) => [ref, f.docker('image', 'inspect', '-f', '{{.Id}}', ref).trim()]));
}
