import { describe, expect, it } from 'vitest';
import { dockerfile, errorsOf, fixture, lines, load } from './fixture.js';

// Item 15 of issue #10: parsing and locating are linear in the manifest's size. Timings live in
// bench/manifest-scale.mjs; these check that the fast paths give the same answers.
describe('large manifests', () => {
  it('a 2,000-image manifest loads with every image, field and location', async () => {
    const count = 2000;
    const body = Array.from({ length: count }, (_, i) => [`  img-${i}:`, '    context: api', `    args: { N: "${i}" }`, `    tags: ["v${i}"]`]).flat();
    const dir = await fixture({ 'images.yaml': lines('version: 1', 'images:', ...body, ''), 'api/Dockerfile': dockerfile });
    const result = await load(dir);
    if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
    const images = [...result.value.images.values()];
    expect(images).toHaveLength(count);
    const last = result.value.images.get(`img-${count - 1}`);
    expect(last?.args).toEqual({ N: String(count - 1) });
    expect(last?.tags).toEqual([`v${count - 1}`]);
    // Image i's key is on line 3 + 4i; its tag one line below its args.
    expect(last?.locations.image).toMatchObject({ line: 3 + 4 * (count - 1), column: 3 });
    expect(last?.locations['tags.0']).toMatchObject({ line: 6 + 4 * (count - 1), column: 12 });
  });

  it('duplicate keys are reported at each repeated key, in block and flow maps', async () => {
    const dir = await fixture({
      'images.yaml': lines('version: 1', 'images:', '  api:', '    context: api', '    args: { A: 1, B: 2, A: 3 }', '  api:', '    context: api', ''),
      'api/Dockerfile': dockerfile,
    });
    expect(await errorsOf(dir)).toBe(
      lines(
        'images.yaml:5:25: error: YAML syntax error: Map keys must be unique',
        '  5 |     args: { A: 1, B: 2, A: 3 }',
        '    |                         ^',
        '',
        'images.yaml:6:3: error: YAML syntax error: Map keys must be unique',
        '  6 |   api:',
        '    |   ^',
        '',
        '2 errors',
      ),
    );
  });

  it('keys equal as values are one key, as yaml compares them (1 and 1.0), "1" is another', async () => {
    const dir = await fixture({
      'images.yaml': lines('version: 1', 'images:', '  api:', '    context: api', '    labels: { 1: a, "1": b, 1.0: c }', ''),
      'api/Dockerfile': dockerfile,
    });
    expect(await errorsOf(dir)).toContain('images.yaml:5:29: error: YAML syntax error: Map keys must be unique');
  });
});
