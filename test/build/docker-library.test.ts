import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { services } from '../helpers/services.js';
import { dockerLibraryFiles, dockerLibraryGraph } from '../plan/docker-library.js';
import { buildJson, builders, eventOf, outcomes, projectsOnEngine } from './fixture.js';

/** What `cat` prints of files in an image, run with no network on the test engine. */
function catInImage(ref: string, ...files: string[]): string {
  return execFileSync('/usr/local/bin/docker', ['run', '--rm', '--network', 'none', ref, 'cat', ...files], {
    env: { ...process.env, DOCKER_HOST: services().dockerHost },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const NAMES = ['perl', 'main', 'slim', 'alpine', 'probe'];

describe.each(builders)('the docker-library layout on the real engine (%s builder)', (builder) => {
  const { engine, project } = projectsOnEngine();

  it('builds each variant on its real parent, in order, and every tag names its own image', async () => {
    const p = await project(dockerLibraryFiles({ registry: `${services().registry}/{{id}}`, base: services().baseImage }));
    const repository = `${services().registry}/${p.id}/nginx`;
    const { waves } = dockerLibraryGraph({ registry: `${services().registry}/${p.id}`, base: services().baseImage });
    const first = await buildJson(p, ['--builder', builder]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.events[0]).toMatchObject({ type: 'plan', order: waves });
    expect(outcomes(first.events)).toEqual(Object.fromEntries(NAMES.map((n) => [n, 'built'])));
    const at = (type: string, image: string) => first.events.findIndex((e) => e.type === type && 'image' in e && e.image === image);
    expect(at('start', 'main')).toBeGreaterThan(at('built', 'slim'));
    expect(at('start', 'perl')).toBeGreaterThan(at('built', 'main'));

    // Every tag points at the build of the image that produces it, and at nothing else.
    const tags: Record<string, string[]> = {
      perl: [`${repository}:1.27-perl`, `${repository}:perl`],
      main: [`${repository}:1.27`, `${repository}:latest`],
      slim: [`${repository}:1.27-slim`],
      alpine: [`${repository}:1.27-alpine`],
      probe: [`${services().registry}/${p.id}/probe:latest`],
    };
    for (const [name, refs] of Object.entries(tags)) {
      const id = eventOf(first.events, 'built', name)?.id;
      for (const ref of refs) {
        const image = await engine.inspectImage(ref);
        expect(image?.Id, ref).toBe(id);
        expect(image?.Config?.Labels?.['dev.kiln.image'], ref).toBe(name);
      }
      expect((await engine.inspectImage(id!))?.RepoTags?.filter((t) => !/:kiln-[0-9a-f]+$/.test(t)).sort()).toEqual([...refs].sort());
    }

    // The content says which parent each one was built on.
    expect(catInImage(`${repository}:1.27-slim`, '/lineage')).toBe('slim\n');
    expect(catInImage(`${repository}:1.27`, '/lineage')).toBe('slim\nmain\n');
    expect(catInImage(`${repository}:1.27-perl`, '/lineage')).toBe('slim\nmain\nperl\n');
    expect(catInImage(`${repository}:1.27-alpine`, '/lineage')).toBe('alpine\n');
    expect(catInImage(`${services().registry}/${p.id}/probe`, '/lineage', '/perl-lineage')).toBe('slim\nmain\nslim\nmain\nperl\n');

    // A second run builds nothing and moves no tag.
    const second = await buildJson(p, ['--builder', builder]);
    expect(second.code).toBe(0);
    expect(outcomes(second.events)).toEqual(Object.fromEntries(NAMES.map((n) => [n, 'cached'])));
    for (const [name, refs] of Object.entries(tags)) {
      for (const ref of refs) expect((await engine.inspectImage(ref))?.Id, ref).toBe(eventOf(first.events, 'built', name)?.id);
    }
  });
});

describe('an image that is its own base, on the real engine', () => {
  const { engine, project } = projectsOnEngine();

  it('exits 2 before building anything, and leaves the shared base alone', async () => {
    const before = await engine.inspectImage(services().baseImage);
    const p = await project({
      'images.yaml': `version: 1\nname: "{{id}}"\nimages:\n  box:\n    context: box\n    repository: busybox\n    tags: [latest]\n  other:\n    context: other\n`,
      'box/Dockerfile': 'FROM busybox:latest\nRUN echo again >> /stack # {{id}}\n',
      'other/Dockerfile': `FROM ${services().baseImage}\nRUN echo other # {{id}}\n`,
    });
    const r = await buildJson(p);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('box/Dockerfile:1:6: error: image "box" is its own base: FROM busybox:latest names its own tag "latest"');
    expect(await engine.listImages({ all: true, filters: { label: [`dev.kiln.project=${p.id}`] } })).toEqual([]);
    expect((await engine.inspectImage(services().baseImage))?.Id).toBe(before?.Id);
  });
});
