import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { services } from '../helpers/services.js';
import { builders, buildJson, manifest, engineEnv, eventOf, outcomes, projectsOnEngine } from './fixture.js';

/**
 * `bad` fails fast while `slow` runs beside it (two slots); `dep` builds FROM `bad`, `slowdep`
 * FROM `slow`, and `later` is independent and waits for a slot that frees only after the failure.
 */
function failingRepo(): Record<string, string> {
  const registry = `${services().registry}/{{id}}`;
  const base = services().baseImage;
  return {
    'images.yaml': manifest([
      'bad: { context: bad }',
      'slow: { context: slow }',
      'later: { context: later }',
      'dep: { context: dep }',
      'slowdep: { context: slowdep }',
    ]),
    'bad/Dockerfile': `FROM ${base}\nRUN echo first-line-{{id}} && echo oops-line >&2 && exit 3\n`,
    'slow/Dockerfile': `FROM ${base}\nRUN sleep 2 && echo slow-{{id}}\n`,
    'later/Dockerfile': `FROM ${base}\nRUN echo later-{{id}}\n`,
    'dep/Dockerfile': `FROM ${registry}/bad:latest\nRUN echo dep\n`,
    'slowdep/Dockerfile': `FROM ${registry}/slow:latest\nRUN echo slowdep-{{id}}\n`,
  };
}

describe.each(builders)('failures with the %s builder (real engine)', (builder) => {
  const { engine, project } = projectsOnEngine();

  it('fails fast: running builds finish, nothing new starts, dependents are skipped; exit 1', async () => {
    const p = await project(failingRepo());
    const { code, events } = await buildJson(p, ['--builder', builder, '--concurrency', '2']);
    expect(code).toBe(1);
    expect(outcomes(events)).toEqual({ bad: 'failed', slow: 'built', dep: 'skipped', slowdep: 'skipped', later: 'skipped' });
    expect(eventOf(events, 'skipped', 'dep')?.reason).toBe('dependency bad failed');
    expect(eventOf(events, 'skipped', 'later')?.reason).toBe('stopped after bad failed');
    expect(eventOf(events, 'skipped', 'slowdep')?.reason).toBe('stopped after bad failed');
    expect(events.some((e) => e.type === 'start' && (e.image === 'later' || e.image === 'slowdep'))).toBe(false);
    const failed = eventOf(events, 'failed', 'bad');
    expect(failed?.step).toBe(`RUN echo first-line-${p.id} && echo oops-line >&2 && exit 3`);
    expect(failed?.logs).toEqual(expect.arrayContaining([`first-line-${p.id}`, 'oops-line']));
    expect(events.at(-1)).toMatchObject({ type: 'done', counts: { built: 1, failed: 1, skipped: 3, cached: 0 } });
    // The failed image got no tag.
    expect(await engine.inspectImage(`${services().registry}/${p.id}/bad:latest`)).toBeUndefined();
  });

  it('--keep-going builds everything that does not depend on the failure', async () => {
    const p = await project(failingRepo());
    const { code, events } = await buildJson(p, ['--builder', builder, '--concurrency', '2', '--keep-going']);
    expect(code).toBe(1);
    expect(outcomes(events)).toEqual({ bad: 'failed', slow: 'built', dep: 'skipped', slowdep: 'built', later: 'built' });
    expect(eventOf(events, 'skipped', 'dep')?.reason).toBe('dependency bad failed');
  });

  it('prints the failing step and its last log lines in plain output', async () => {
    const p = await project(failingRepo());
    const { code, stdout } = await runCli(['build', 'bad', '--builder', builder, '--progress', 'plain'], { cwd: p.root, env: engineEnv() });
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    const failedAt = lines.findIndex((l) => l.startsWith('[bad] FAILED: '));
    expect(failedAt).toBeGreaterThan(0);
    expect(lines[failedAt + 1]).toBe(`[bad]   at RUN echo first-line-${p.id} && echo oops-line >&2 && exit 3`);
    // stdout and stderr reach the engine's stream in either order.
    expect(lines.slice(failedAt + 2, failedAt + 4).sort()).toEqual([`[bad]     first-line-${p.id}`, '[bad]     oops-line']);
    expect(lines[failedAt + 4]).toBe('[bad]   hint: the command exited with code 3; its output is above');
    expect(lines.at(-2)).toMatch(/^done: 0 built, 0 cached, 1 failed, 0 skipped in /);
  });

  it('exits 2 naming the Dockerfile and line the engine rejects', async () => {
    const p = await project({
      'images.yaml': `version: 1\nname: "{{id}}"\nimages:\n  broken: { context: broken }\n`,
      'broken/Dockerfile': `FROM ${services().baseImage}\nRUN echo fine\nHEALTHCHECK --interval=xyz CMD true\n`,
    });
    const { code, stdout, stderr } = await runCli(['build', '--builder', builder, '--progress', 'plain'], { cwd: p.root, env: engineEnv() });
    expect(code).toBe(2);
    expect(stdout).toContain('[broken] FAILED: ');
    // kiln's own analysis passes this line; the engine's parser rejects it (Docker 28 says "parse error on line").
    expect(stderr).toMatch(/^broken\/Dockerfile:3:1: error: (.*: )?dockerfile parse error (on )?line 3: time: invalid duration "xyz"\n {2}3 \| HEALTHCHECK --interval=xyz CMD true\n/);
    expect(stderr).toContain('  hint: fix the Dockerfile\n');
  });

  it('exits 3 with one line naming the address when the engine is unreachable', async () => {
    const p = await project(failingRepo());
    const { code, stdout, stderr } = await runCli(['build', '--builder', builder, '--progress', 'plain'], { cwd: p.root, env: { DOCKER_HOST: 'unix:///nonexistent/kiln-dead.sock' } });
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toBe('error: cannot reach the Docker engine at unix:///nonexistent/kiln-dead.sock: no such socket (start dockerd, or set DOCKER_HOST)\n');
  });
});
