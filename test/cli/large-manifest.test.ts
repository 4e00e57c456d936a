import { afterEach, describe, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { manifestText } from '../../bench/manifest-scale.mjs';
import { runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/project.js';

// Issue #10, item 15: the manifest bench/manifest-scale.mjs times, planned through the CLI. The
// result must be complete and right; the timings are the bench's business, not a test's.
const made: TempProject[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.remove()));
});

interface PlannedImage {
  name: string;
  tags: string[];
  dependsOn: string[];
  externalBases: string[];
}

describe('a 1,000-image manifest', () => {
  test('kiln plan --offline --json lists every image with its tags, edges and base', async () => {
    const project = await tempProject({
      'images.yaml': (manifestText as (count: number) => string)(1000),
      'ctx/Dockerfile': 'ARG N=0\nFROM busybox:latest\nRUN echo $N\n',
    });
    made.push(project);
    const r = await runCli(['plan', '--offline', '--json'], { cwd: project.root, env: { GIT_SHA_SHORT: 'abc' } });
    expect(r.code, r.stderr).toBe(0);
    const images = (JSON.parse(r.stdout) as { images: PlannedImage[] }).images;
    expect(images).toHaveLength(1000);
    const byName = new Map(images.map((image) => [image.name, image]));
    expect(new Set(byName.keys()).size).toBe(1000);
    expect(byName.get('img-999')?.tags.sort()).toEqual(['v999', expect.stringMatching(/-999$/)].sort());
    expect(byName.get('img-999')?.dependsOn).toEqual(['img-998']);
    expect(byName.get('img-998')?.dependsOn).toEqual([]);
    expect(images.every((image) => image.externalBases.join() === 'busybox:latest')).toBe(true);
  });
});
