import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppliedAction } from '../../src/reconcile/apply.js';
import type { ImagePlan } from '../../src/reconcile/plan.js';
import type { RegistryStats } from '../../src/registry/index.js';
import { runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { realEngine, services } from '../helpers/services.js';
import { removeProjectImages } from '../build/fixture.js';
import { dockerConfig, pushRepo, registryClient, tagsOf } from '../push/fixture.js';

interface ReconcileJson {
  images: ImagePlan[];
  applied?: AppliedAction[];
  stats: RegistryStats;
}

describe('reconcile (real engine and registry)', () => {
  const engine = realEngine();
  const client = registryClient();
  let p: TempProject | undefined;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    env = { DOCKER_HOST: services().dockerHost, DOCKER_CONFIG: await dockerConfig() };
  });
  afterAll(async () => {
    if (p !== undefined) {
      await removeProjectImages(engine, p.id);
      await p.remove();
    }
    await client.close();
    await engine.close();
  });

  const reconcile = async (...args: string[]) => {
    const result = await runCli(['reconcile', '--json', ...args], { cwd: p!.root, env });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    return { ...(JSON.parse(result.stdout) as ReconcileJson), stderr: result.stderr };
  };
  const actionsOf = (plan: ReconcileJson, image: string) => Object.fromEntries(plan.images.find((i) => i.image === image)!.tags.map((t) => [t.tag, t.action]));
  const applied = (plan: ReconcileJson) => (plan.applied ?? []).map((a) => `${a.image} ${a.action} ${a.tag ?? ''}`.trim()).sort();

  it('build and push a monorepo, change tags, retag with no blob upload, prune, move, wipe the engine and retag without building', async () => {
    p = await tempProject(pushRepo());
    expect((await runCli(['push', '--progress', 'json'], { cwd: p.root, env })).code).toBe(0);
    const app = `${p.id}/app`;
    const first = await tagsOf(client, app);
    const content1 = Object.keys(first).find((t) => t.startsWith('kiln-'))!;
    const d1 = first.latest!;

    // Tags changed in the manifest (VERSION 1 → 2): the key is unchanged, so `2` is a create at d1.
    const plan = await reconcile('--var', 'VERSION=2');
    expect(actionsOf(plan, 'app')).toEqual({ '2': 'create', latest: 'ok', [content1]: 'ok', '1': 'extra' });
    const extra = plan.images.find((i) => i.image === 'app')!.tags.find((t) => t.tag === '1')!;
    expect(extra.prunable).toBe(true);
    // An extra tag's digest is not read (no HEAD) unless --prune asks to show what it deletes.
    expect(extra.current).toBeNull();
    const withPrune = await reconcile('--var', 'VERSION=2', '--prune');
    expect(withPrune.images.find((i) => i.image === 'app')!.tags.find((t) => t.tag === '1')!.current).toBe(first['1']);
    expect(withPrune.stats.requests).toBe(plan.stats.requests + 1);
    expect(withPrune.applied).toBeUndefined();
    expect(Object.values(actionsOf(plan, 'base')).every((a) => a === 'ok')).toBe(true);
    expect(plan.applied).toBeUndefined();
    expect(await tagsOf(client, app)).toEqual(first);

    // Apply with prune: one manifest PUT for `2`, `1` deleted alone, zero blob uploads.
    const apply = await reconcile('--var', 'VERSION=2', '--apply', '--prune');
    expect(applied(apply)).toEqual(['app delete 1', 'app retag 2']);
    expect(apply.stats.blobUploads).toBe(0);
    expect(apply.stats.blobBytesUploaded).toBe(0);
    expect(await tagsOf(client, app)).toEqual({ '2': d1, latest: d1, [content1]: d1 });

    // Applying twice writes nothing.
    const again = await reconcile('--var', 'VERSION=2', '--apply', '--prune');
    expect(again.applied).toEqual([]);
    expect(again.stats.manifestPuts).toBe(0);
    expect(again.stats.blobUploads).toBe(0);

    // A change built locally only: the key is local, so apply pushes it and moves the tags.
    await p.write({ 'app/main.sh': 'echo app v2 {{id}}\n' });
    expect((await runCli(['build', '--progress', 'json'], { cwd: p.root, env: { ...env, VERSION: '2' } })).code).toBe(0);
    const moved = await reconcile('--var', 'VERSION=2');
    const appPlan = moved.images.find((i) => i.image === 'app')!;
    expect(appPlan.keyLocation.kind).toBe('local');
    expect(appPlan.tags.find((t) => t.tag === 'latest')!.action).toBe('move');
    const moveApply = await reconcile('--var', 'VERSION=2', '--apply');
    const content2 = appPlan.contentTag;
    expect(applied(moveApply)).toEqual([`app push ${content2}`, 'app retag 2', 'app retag latest']);
    const afterMove = await tagsOf(client, app);
    expect(afterMove.latest).not.toBe(d1);
    expect(afterMove).toEqual({ '2': afterMove[content2], latest: afterMove[content2], [content2]: afterMove[content2], [content1]: d1 });

    // An empty engine (a fresh CI machine): the keys are in the registry, so only retags, no build, no push.
    await removeProjectImages(engine, p.id);
    const ci = await reconcile('--var', 'VERSION=3', '--apply', '--prune');
    expect(ci.images.every((i) => i.keyLocation.kind === 'registry')).toBe(true);
    expect(applied(ci)).toEqual(['app delete 2', 'app retag 3']);
    expect(ci.stats.blobUploads).toBe(0);
    expect(ci.stderr).toBe('');
    expect(await tagsOf(client, app)).toEqual({ '3': afterMove[content2], latest: afterMove[content2], [content2]: afterMove[content2], [content1]: d1 });
  });

  it('prints the plan as a table', async () => {
    const result = await runCli(['reconcile', '--var', 'VERSION=4'], { cwd: p!.root, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^IMAGE\s+REPOSITORY\s+TAG\s+ACTION\s+DIGEST$/m);
    expect(result.stdout).toMatch(/app\s+\S+\/app\s+4\s+create\s+sha256:[0-9a-f]{12}$/m);
    expect(result.stdout).toMatch(/app\s+\S+\/app\s+3\s+extra\s+-  \(--prune deletes it\)$/m);
    const pruning = await runCli(['reconcile', '--var', 'VERSION=4', '--prune'], { cwd: p!.root, env });
    expect(pruning.stdout).toMatch(/app\s+\S+\/app\s+3\s+extra\s+sha256:[0-9a-f]{12}  \(--prune deletes it\)$/m);
    expect(result.stdout).toContain('app: key ');
    expect(result.stdout).toMatch(/\d+ ok, 1 create, 0 move, 2 extra/);
  });

  it('a key in another repository of the registry is mounted, found through that repository\'s tag list', async () => {
    const registry = services().registry;
    const twin = await tempProject({
      'images.yaml': ['version: 1', 'name: "{{id}}"', `registry: ${registry}/{{id}}`, 'images:', '  one: { context: same }', '  two: { context: same }', ''].join('\n'),
      'same/Dockerfile': `FROM ${services().baseImage}\nCOPY motd /etc/motd\n`,
      'same/motd': 'same {{id}}\n',
    });
    try {
      expect((await runCli(['push', 'one', '--progress', 'json'], { cwd: twin.root, env })).code).toBe(0);
      await removeProjectImages(engine, twin.id);
      const result = await runCli(['reconcile', 'two', '--json', '--apply'], { cwd: twin.root, env });
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout) as ReconcileJson;
      const location = json.images[0]!.keyLocation;
      expect(location).toMatchObject({ kind: 'other-repository', repository: `${registry}/${twin.id}/one` });
      expect(applied(json).map((a) => a.replace(/kiln-[0-9a-f]{20}/, 'kiln-KEY'))).toEqual(['two mount kiln-KEY', 'two retag latest']);
      expect(json.stats.blobUploads).toBe(0);
      const digest = (location as { digest: string }).digest;
      expect(Object.values(await tagsOf(client, `${twin.id}/two`))).toEqual([digest, digest]);
    } finally {
      await removeProjectImages(engine, twin.id);
      await twin.remove();
    }
  });

  it('a key nowhere is built, then pushed and tagged, by --apply', async () => {
    const fresh = await tempProject(pushRepo());
    try {
      const result = await runCli(['reconcile', '--json', '--apply'], { cwd: fresh.root, env });
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout) as ReconcileJson;
      expect(json.images.map((i) => i.keyLocation.kind)).toEqual(['nowhere', 'nowhere']);
      const actions = applied(json).map((a) => a.replace(/kiln-[0-9a-f]{20}/, 'kiln-KEY'));
      expect(actions).toEqual(['app build', 'app push kiln-KEY', 'app retag 1', 'app retag latest', 'base build', 'base push kiln-KEY', 'base retag latest']);
      expect(Object.keys(await tagsOf(client, `${fresh.id}/app`))).toHaveLength(3);
    } finally {
      await removeProjectImages(engine, fresh.id);
      await fresh.remove();
    }
  });
});
