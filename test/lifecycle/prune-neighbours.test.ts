// `kiln prune` next to a same-named project (same folder name, other parent) and next to a user's tags,
// from outside: the CLI on the real engine, the store checked through the Engine API before and after.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, ImageSummary } from '../../src/engine/engine.js';
import { contentTag } from '../../src/push/content-tag.js';
import { runCli } from '../helpers/cli.js';
import { realEngine, services } from '../helpers/services.js';

const s = services();
const uniq = `kp${process.pid}${Math.random().toString(36).slice(2, 7)}`;
const scratch = mkdtempSync(join(tmpdir(), 'kiln-prune-neighbours-'));
// Same basename in two parents: both projects default to the name `uniq`.
const roots = { a: join(scratch, 'one', uniq), b: join(scratch, 'two', uniq) };
const repo = { a: `${uniq}-a/app`, b: `${uniq}-b/app` };
const env = { DOCKER_HOST: s.dockerHost, DOCKER_CONFIG: join(scratch, 'docker-config') };
const kiln = (which: 'a' | 'b', args: string[]) => runCli(args, { cwd: roots[which], env });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every reference of every image of the shared project name, through the Engine API. */
/** An image's tags in a {@link store}, without digest references (the containerd store lists one per tagged repository). */
function tagsOf(store: Map<string, string[]>, id: string): string[] | undefined {
  return store.get(id)?.filter((ref) => !ref.includes('@'));
}

async function store(engine: Engine): Promise<Map<string, string[]>> {
  const images: ImageSummary[] = await engine.listImages({ filters: { label: [`dev.kiln.project=${uniq}`] } });
  return new Map(images.map((i) => [i.Id, [...(i.RepoTags ?? []), ...(i.RepoDigests ?? [])].filter((r) => !r.startsWith('<none>')).sort()]));
}

describe('kiln prune next to a same-named project and a user\'s tags', () => {
  let engine: Engine;
  const builds = { a: [] as string[], b: [] as string[] };
  let legacy = '';

  beforeAll(async () => {
    engine = realEngine();
    for (const which of ['a', 'b'] as const) {
      mkdirSync(join(roots[which], 'app'), { recursive: true });
      writeFileSync(join(roots[which], 'images.yaml'), `version: 1\nimages:\n  app:\n    context: app\n    repository: ${repo[which]}\n    tags: [latest]\n`);
      writeFileSync(join(roots[which], 'app', 'Dockerfile'), `FROM ${s.baseImage}\nCOPY f /f\n`);
    }
    for (let round = 0; round < 3; round++) {
      for (const which of ['a', 'b'] as const) {
        writeFileSync(join(roots[which], 'app', 'f'), `${which}${round}\n`);
        const r = await kiln(which, ['build', '--progress', 'plain']);
        expect(r.code, r.stderr).toBe(0);
        builds[which].push((await engine.inspectImage(`${repo[which]}:latest`))!.Id);
      }
      await sleep(1100);
    }
    // Built by an older kiln (no dev.kiln.repository) for the same project name, untagged: nobody can prove whose.
    const dir = join(scratch, 'legacy');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'f'), 'legacy');
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${s.baseImage}\nCOPY f /f\n`);
    const labels = ['--label', `dev.kiln.project=${uniq}`, '--label', 'dev.kiln.image=app', '--label', 'dev.kiln.key=legacy'];
    legacy = execFileSync('/usr/local/bin/docker', ['build', '-q', '--network', 'none', ...labels, dir], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
    // The user tags a's oldest build twice (`docker tag`); kiln's content tag is there too.
    const oldest = (await engine.inspectImage(builds.a[0]!))!;
    await engine.tag(oldest.Id, repo.a, 'mine');
    await engine.tag(oldest.Id, `${uniq}-me/keep`, '1');
    await engine.tag(oldest.Id, repo.a, contentTag(oldest.Config!.Labels!['dev.kiln.key']!));
  }, 300_000);

  afterAll(async () => {
    const left = await store(engine);
    for (const [id, refs] of left) {
      for (const ref of refs) await engine.removeImage(ref, {}).catch(() => []);
      await engine.removeImage(id, { force: true }).catch(() => []);
    }
    await engine.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the builds are what the test needs: three of each, distinct, both projects named alike', async () => {
    expect(new Set([...builds.a, ...builds.b]).size).toBe(6);
    const labels = (await engine.inspectImage(builds.b[0]!))!.Config!.Labels!;
    expect(labels).toMatchObject({ 'dev.kiln.project': uniq, 'dev.kiln.image': 'app', 'dev.kiln.repository': repo.b });
  });

  it('--dry-run in a: removes a\'s superseded build, only untags the user-tagged one, keeps the unprovable one, never names b\'s', async () => {
    const before = await store(engine);
    const r = await kiln('a', ['prune', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const short = (id: string): string => id.slice(7, 19);
    const oldestKey = (await engine.inspectImage(builds.a[0]!))!.Config!.Labels!['dev.kiln.key']!;
    expect(r.stdout).toContain(`Would remove:\n  ${short(builds.a[1]!)}  app  key `);
    expect(r.stdout).toContain(`Would untag (the image stays for its other tags):\n  ${short(builds.a[0]!)}  app  key ${oldestKey.slice(0, 12)}  untag ${repo.a}:${contentTag(oldestKey)}  keeps `);
    // The containerd image store also lists a digest reference for each repository an image is tagged in.
    expect(r.stdout).toMatch(new RegExp(`keeps (${repo.a}:mine, ${uniq}-me/keep:1|${uniq}-me/keep:1, ${repo.a}:mine)(, \\S+@sha256:[0-9a-f]{64})*  `));
    expect(r.stdout).toContain(`Would keep:\n  ${short(legacy)}  app  key legacy  <untagged>  (kept: built by an older kiln`);
    for (const id of builds.b) expect(r.stdout).not.toContain(short(id));
    expect(await store(engine)).toEqual(before);
  });

  it('--force in a never removes or untags anything of b, and leaves the user\'s tags', async () => {
    const before = await store(engine);
    const r = await kiln('a', ['prune', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Deleted Images:');
    expect(r.stdout).toContain('Untagged Images (kept for their other tags):');
    const after = await store(engine);
    for (const id of [...builds.b, legacy]) expect(after.get(id), id).toEqual(before.get(id));
    expect(after.has(builds.a[1]!)).toBe(false);
    expect(tagsOf(after, builds.a[0]!)).toEqual([`${repo.a}:mine`, `${uniq}-me/keep:1`].sort());
    expect(tagsOf(after, builds.a[2]!)).toEqual([`${repo.a}:latest`]);
  });

  it('then --force in b removes b\'s superseded builds only: a\'s current and the user-tagged image stay', async () => {
    const before = await store(engine);
    const r = await kiln('b', ['prune', '--force']);
    expect(r.code, r.stderr).toBe(0);
    const after = await store(engine);
    expect(after.has(builds.b[0]!)).toBe(false);
    expect(after.has(builds.b[1]!)).toBe(false);
    expect(tagsOf(after, builds.b[2]!)).toEqual([`${repo.b}:latest`]);
    for (const id of [...builds.a.filter((id) => before.has(id)), legacy]) expect(after.get(id), id).toEqual(before.get(id));
  });
});
