import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerfile, errorsOf, fixture, lines, project } from './fixture.js';

const manifest = lines(
  'version: 1',
  'images:',
  '  api:',
  '    context: api',
  '    args: { A: "1" }',
  '  my.web:',
  '    context: api',
  '    tags: [one]',
  '',
);

async function dir(): Promise<string> {
  return fixture({ 'images.yaml': manifest, 'api/Dockerfile': dockerfile, 'other/Dockerfile': dockerfile, 'other/alt.Dockerfile': dockerfile });
}

describe('--set', () => {
  it('overrides fields of one image or of all (*), like docker buildx bake --set', async () => {
    const root = await dir();
    const p = await project(root, {
      sets: [
        'api.tags=dev, ${TAG}',
        'api.args.B=2',
        'my.web.context=other',
        'my.web.dockerfile=alt.Dockerfile',
        '*.labels.team=core',
        '*.platform=linux/arm64',
        'api.builder=classic',
        'api.target=runtime',
        'my.web.repository=acme/web',
      ],
      vars: { TAG: 'v2' },
    });
    expect(p.images.get('api')).toMatchObject({
      tags: ['dev', 'v2'],
      args: { A: '1', B: '2' },
      labels: { team: 'core' },
      platform: 'linux/arm64',
      builder: 'classic',
      target: 'runtime',
    });
    expect(p.images.get('my.web')).toMatchObject({
      context: path.join(root, 'other'),
      dockerfile: path.join(root, 'other/alt.Dockerfile'),
      repository: 'acme/web',
      tags: ['one'],
      labels: { team: 'core' },
    });
    // A value from --set was never written in the file: it has no location.
    expect(p.images.get('api')?.locations['tags']).toBeUndefined();
    expect(p.images.get('api')?.locations['args.A']).toBeDefined();
  });

  it('reports unknown images, unknown fields and bad values', async () => {
    const root = await dir();
    expect(await errorsOf(root, { sets: ['apii.tags=x', 'api.tag=x', 'api', 'api.builder=fast'] })).toBe(
      lines(
        'error: --set "apii.tags=x": unknown image "apii"; did you mean "api"?',
        '  hint: images: api, my.web',
        '',
        'error: --set "api.tag=x": unknown field "tag"; did you mean "tags"?',
        '  hint: settable fields: context, dockerfile, target, platform, repository, builder, tags, args.KEY, labels.KEY',
        '',
        'error: --set "api": expected IMAGE.FIELD=VALUE',
        '  hint: for example --set api.tags=dev or --set *.args.VERSION=2',
        '',
        'error: "builder" in image "api" must be one of "buildkit", "classic" (from --set "api.builder=fast")',
        '',
        '4 errors',
      ),
    );
  });
});
