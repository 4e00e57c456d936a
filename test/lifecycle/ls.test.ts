// `kiln ls` against the real `docker images` on the same image store, same flags, same bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fixture, sortLines, type Fixture } from './fixture.js';

describe('kiln ls vs docker images', () => {
  let f: Fixture;
  let label: string[];

  beforeAll(async () => {
    f = await fixture();
    label = ['--filter', `label=dev.kiln.project=${f.project.id}`];
    expect((await f.kiln(['build', '--progress', 'plain'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    await f.project.write({ 'app/f': 'two\n' });
    expect((await f.kiln(['build', '--progress', 'plain'])).code).toBe(0); // the first build is now dangling
    f.docker('tag', `${f.project.id}-app:latest`, `${f.s.registry}/${f.project.id}-app:v1`);
    f.docker('push', '-q', `${f.s.registry}/${f.project.id}-app:v1`);
  }, 300_000);

  afterAll(async () => {
    cleanup(f);
    await f.project.remove();
  });

  /**
   * kiln runs between two docker runs: `.CreatedSince` moves at most once in that span, so kiln's
   * output equals one of them.
   */
  async function compare(kilnArgs: string[], dockerArgs: string[]): Promise<void> {
    const before = sortLines(f.docker('images', ...dockerArgs));
    const ours = await f.kiln(['ls', ...kilnArgs]);
    const after = sortLines(f.docker('images', ...dockerArgs));
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    expect([before, after]).toContain(sortLines(ours.stdout));
  }

  it('default table: this project only', () => compare([], label));
  it('-q, --no-trunc, --digests', async () => {
    await compare(['-q'], [...label, '-q']);
    await compare(['-q', '--no-trunc'], [...label, '-q', '--no-trunc']);
    await compare(['--digests'], [...label, '--digests']);
    await compare(['--no-trunc', '--digests'], [...label, '--no-trunc', '--digests']);
  });
  it('json and docker format strings', async () => {
    await compare(['--format', 'json'], [...label, '--format', 'json']);
    await compare(['--format', 'table {{.ID}}\\t{{.Repository}}\\t{{.Tag}}\\t{{.CreatedSince}}\\t{{.Size}}'], [...label, '--format', 'table {{.ID}}\\t{{.Repository}}\\t{{.Tag}}\\t{{.CreatedSince}}\\t{{.Size}}']);
    await compare(['--format', '{{.Repository}}:{{.Tag}} {{.Digest}} {{.CreatedAt}} {{.Containers}}'], [...label, '--format', '{{.Repository}}:{{.Tag}} {{.Digest}} {{.CreatedAt}} {{.Containers}}']);
    await compare(['--format', 'table {{.ID}}\\t{{.Repository}}', '--digests'], [...label, '--format', 'table {{.ID}}\\t{{.Repository}}', '--digests']);
  });
  it('filters: dangling, reference, before, since', async () => {
    await compare(['--filter', 'dangling=true'], [...label, '--filter', 'dangling=true']);
    await compare(['--filter', 'dangling=false'], [...label, '--filter', 'dangling=false']);
    await compare(['--filter', `reference=${f.project.id}-app`], [...label, '--filter', `reference=${f.project.id}-app`]);
    await compare(['--filter', `since=${f.project.id}-app:latest`], [...label, '--filter', `since=${f.project.id}-app:latest`]);
    await compare(['--filter', `before=${f.project.id}-app:latest`], [...label, '--filter', `before=${f.project.id}-app:latest`]);
  });
  it('-a lists every image (here narrowed by reference, as docker images)', async () => {
    const ref = ['--filter', `reference=*${f.project.id}*`];
    await compare(['-a', ...ref], ref);
    await compare(['-a', ...ref, '--digests'], [...ref, '--digests']);
  });
  it("kiln's fields: .Image, .Key, .Current", async () => {
    const out = await f.kiln(['ls', '--format', '{{.Image}} {{.Current}} {{.Tag}} {{len .Key}}']);
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n').filter(Boolean).sort()).toEqual(['app false <none> 64', 'app true latest 64', 'app true v1 64']);
  });
  it('a bad filter or field is a usage error (exit 2) with a hint', async () => {
    const bad = await f.kiln(['ls', '--filter', 'until=1h']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid filter 'until'");
    const field = await f.kiln(['ls', '--format', '{{.Nope}}']);
    expect(field.code).toBe(2);
    expect(field.stderr).toContain('.Nope');
  });
});
