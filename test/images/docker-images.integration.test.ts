// formatImages against the real docker CLI (28.5, from the test services) and the real test engine: same images, same flags,
// same bytes. Multi-repo images are compared after sorting lines (docker's row order between the
// repositories of one image is Go map order, i.e. random).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageSummary } from '../../src/engine/engine.js';
import { formatImages, type FormatImagesOptions } from '../../src/images/format-images.js';
import { realEngine, services } from '../helpers/services.js';

const { engine, dockerHost, dockerCli, baseImage, registry } = services();

const prefix = `kimg${process.pid}${Math.random().toString(36).slice(2, 6)}`;
const scratch = mkdtempSync(join(tmpdir(), 'kiln-images-'));
const cliEnv = { ...process.env, DOCKER_HOST: dockerHost, TZ: 'UTC', DOCKER_CONFIG: join(scratch, 'docker-config') };

function docker(...args: string[]): string {
  return execFileSync(dockerCli, args, { env: cliEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// The listing as kiln ls gets it: through kiln's engine client, at the API version it negotiates
// (Docker 28 fills in Containers from API 1.51 on, as for its own CLI).
async function listImages(filters: Record<string, string[]>): Promise<ImageSummary[]> {
  const engine = realEngine();
  try {
    return await engine.listImages({ filters });
  } finally {
    await engine.close();
  }
}

function build(tag: string, content: string, key: string): void {
  const dir = join(scratch, content);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'hello.txt'), `${content}\n`);
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${baseImage}\nCOPY hello.txt /hello.txt\n`);
  docker('build', '-q', '--network', 'none', '-t', tag, '--label', `dev.kiln.project=${prefix}`, '--label', 'dev.kiln.image=api', '--label', `dev.kiln.key=${key}`, dir);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sortLines = (text: string): string => {
  const [header = '', ...rows] = text.split('\n');
  return [header, ...rows.sort()].join('\n');
};

/**
 * Runs `docker images <args>` and formatImages on the same filters. `.CreatedSince` depends on the
 * clock: docker's "now" lies between t0 and t1 (under a second apart), so one of the two renderings matches.
 */
async function compare(args: string[], filters: Record<string, string[]>, options: FormatImagesOptions, sorted = true): Promise<void> {
  const images = await listImages(filters);
  const filterArgs = Object.entries(filters).flatMap(([k, vs]) => vs.flatMap((v) => ['--filter', `${k}=${v}`]));
  const t0 = new Date();
  const cli = docker('images', ...filterArgs, ...args);
  const t1 = new Date();
  const norm = sorted ? sortLines : (s: string): string => s;
  const ours = [t0, t1].map((now) => norm(formatImages(images, { ...options, now, timeZone: 'UTC' })));
  if (process.env.KILN_DEBUG_IMAGES) console.log(`${cli}\n--- kiln ---\n${ours[0] ?? ''}`);
  expect(ours).toContain(norm(cli));
}

describe('formatImages vs docker images (real CLI, real engine)', () => {
  const refs = { reference: [`${prefix}-*`, `${registry}/${prefix}-*`] };
  const labelled = { label: [`dev.kiln.project=${prefix}`] };

  beforeAll(async () => {
    for (const tag of [`${prefix}-a:1`, `${prefix}-a:2`, `${prefix}-b:latest`]) docker('tag', baseImage, tag);
    build(`${prefix}-c:1`, 'one', 'k1');
    docker('tag', `${prefix}-c:1`, `${registry}/${prefix}-d:1`);
    docker('tag', `${prefix}-c:1`, `${registry}/${prefix}-e:1`);
    docker('push', '-q', `${registry}/${prefix}-d:1`);
    docker('push', '-q', `${registry}/${prefix}-e:1`);
    const repoDigests = JSON.parse(docker('image', 'inspect', '--format', '{{json .RepoDigests}}', `${prefix}-c:1`)) as string[];
    const eRef = repoDigests.find((d) => d.startsWith(`${registry}/${prefix}-e@`));
    if (eRef === undefined) throw new Error(`no digest for ${prefix}-e after push: ${repoDigests.join(', ')}`);
    // Untagging drops the repository's digest refs too; pulling by digest brings a digest-only ref back.
    docker('rmi', `${registry}/${prefix}-e:1`);
    docker('pull', '-q', eRef);
    await sleep(1100);
    build(`${prefix}-f:1`, 'two', 'k2');
    await sleep(1100);
    build(`${prefix}-f:1`, 'three', 'k3'); // leaves the "two" build dangling
  }, 300_000);

  afterAll(() => {
    const ids = docker('images', '-q', '--no-trunc', '--filter', `label=dev.kiln.project=${prefix}`).split('\n').filter(Boolean);
    const tags = docker('images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${prefix}-*`).split('\n').filter((t) => t && !t.endsWith(':<none>'));
    if (tags.length) docker('rmi', ...new Set(tags));
    if (ids.length) docker('rmi', '-f', ...new Set(ids));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('has the fixture it expects: a digest-only repository', async () => {
    const images = await listImages(refs);
    const untagged = (i: ImageSummary): boolean => !i.RepoTags?.some((t) => t.includes(`${prefix}-e:`));
    // 20.10 keeps a by-digest pull as a RepoDigests entry; the containerd store (Docker 28) names
    // the image by that digest, which it lists among RepoTags (and docker images skips as a row).
    const listed = (i: ImageSummary): boolean =>
      engine === 'modern' ? (i.RepoTags?.some((t) => t.includes(`${prefix}-e@sha256:`)) ?? false) : (i.RepoDigests?.some((d) => d.includes(`${prefix}-e@`)) ?? false);
    expect(images.some((i) => listed(i) && untagged(i))).toBe(true);
  });

  it('default table', () => compare([], refs, {}));
  it('--digests', () => compare(['--digests'], refs, { digests: true }));
  it('--no-trunc', () => compare(['--no-trunc'], refs, { noTrunc: true }));
  it('-q (duplicates kept)', () => compare(['-q'], refs, { quiet: true }));
  it('-q --no-trunc', () => compare(['-q', '--no-trunc'], refs, { quiet: true, noTrunc: true }));
  it('custom format', () => compare(['--format', '{{.Repository}}:{{.Tag}} {{.Size}}'], refs, { format: '{{.Repository}}:{{.Tag}} {{.Size}}' }));
  it('custom table', () => {
    const format = 'table {{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}';
    return compare(['--format', format], refs, { format });
  });
  it('custom table with --digests appends DIGEST', () => {
    const format = 'table {{.ID}}\\t{{.Repository}}';
    return compare(['--format', format, '--digests'], refs, { format, digests: true });
  });
  it('json', () => compare(['--format', 'json'], refs, { format: 'json' }));
  it('every field', () => {
    const format =
      'table {{.ID}}\\t{{.Repository}}\\t{{.Tag}}\\t{{.Digest}}\\t{{.CreatedSince}}\\t{{.CreatedAt}}\\t{{.Size}}\\t{{.VirtualSize}}\\t{{.SharedSize}}\\t{{.UniqueSize}}\\t{{.Containers}}';
    return compare(['--format', format], refs, { format });
  });
  it('label filter: dangling row included, order exact across distinct images', () => compare([], labelled, {}));
  it('label filter with --digests and json', async () => {
    await compare(['--digests'], labelled, { digests: true });
    await compare(['--format', 'json'], labelled, { format: 'json' });
  });
  it('single repository, compared unsorted', () => compare([], { reference: [`${prefix}-f`] }, {}, false));
  it('template functions', () => {
    const format = '{{upper .Repository}}|{{truncate .ID 5}}|{{pad .Tag 1 1}}|{{json .Digest}}|{{if .Digest}}d{{else}}-{{end}}|{{title "a-b c"}}';
    return compare(['--format', format], refs, { format });
  });
});
