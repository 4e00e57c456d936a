// Reconcile (issue #6): a plan for N images x 5 tags against the local registry, then its apply as
// pure retags. The registry is the test one (127.0.0.1:5000); every run uses its own repository
// prefix, and removes its images and manifests afterwards.
import { execFileSync } from 'node:child_process';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import { DOCKER } from '../lib/docker.mjs';
import { generateMonorepo } from '../generate.mjs';
import { run, summarize } from '../lib/stats.mjs';

const REGISTRY = '127.0.0.1:5000';
/** The registry's access log, written by scripts/services.sh: blob uploads show up there whoever sends them. */
const REGISTRY_LOG = '/run/kiln-test/registry-5000.log';
/** 5 tags per image; all but `latest` follow VERSION, so a new VERSION asks for 4 new tags per image. */
const TAGS = ['latest', '${VERSION}', '${VERSION}-busybox', 'stable-${VERSION}', 'r${VERSION}'];

/**
 * Generates the monorepo under a unique `127.0.0.1:5000/…` prefix, builds and pushes it once with
 * VERSION=1, then times `kiln reconcile --json` with VERSION=2 (the plan: 4 tags to create per image),
 * applies it once (`--apply --json`) and counts the blob bytes moved: kiln's registry client stats,
 * and the blob upload requests for the prefix in the registry's own access log.
 */
export async function reconcile(ctx) {
  const prefix = `${REGISTRY}/kiln-bench-r${Date.now().toString(36)}`;
  const dir = path.join(ctx.outDir, 'reconcile-repo');
  const graph = generateMonorepo({ dir, images: ctx.images, files: ctx.files, fileSize: ctx.fileSize, name: 'kiln-bench-r', repoPrefix: prefix, tags: TAGS });
  const kiln = (args, options = {}) => run(process.execPath, [ctx.kilnBin, ...args], { cwd: dir, env: ctx.env, ...options });
  try {
    ctx.log(`reconcile: build and push ${graph.length} images x ${TAGS.length} tags to ${prefix}`);
    const pushed = await kiln(['push', '--progress', 'json', '--var', 'VERSION=1']);
    const plans = [];
    const planMs = [];
    for (let i = 0; i < ctx.runs; i++) {
      const plan = await kiln(['reconcile', '--json', '--var', 'VERSION=2']);
      planMs.push(plan.ms);
      plans.push(JSON.parse(plan.stdout));
      ctx.log(`reconcile plan run ${i + 1}: ${Math.round(plan.ms)} ms, ${plan.stdout.length} bytes of JSON`);
    }
    const planned = countTagStates(plans[0].images);
    const logFrom = statSync(REGISTRY_LOG).size;
    const applied = await kiln(['reconcile', '--json', '--apply', '--var', 'VERSION=2']);
    const uploadsInLog = blobUploadLines(REGISTRY_LOG, logFrom, prefix);
    const result = JSON.parse(applied.stdout);
    const actions = {};
    for (const a of result.applied ?? []) actions[a.action] = (actions[a.action] ?? 0) + 1;
    const after = countTagStates(JSON.parse((await kiln(['reconcile', '--json', '--var', 'VERSION=2'])).stdout).images);
    ctx.log(`reconcile apply: ${Math.round(applied.ms)} ms, ${JSON.stringify(actions)}, stats ${JSON.stringify(result.stats)}, blob uploads in the registry log: ${uploadsInLog}`);
    return {
      images: graph.length,
      tags_per_image: TAGS.length,
      push_ms: Math.round(pushed.ms),
      plan: { ...summarize(planMs), tags: planned, registry_requests: plans[0].stats.requests },
      apply: {
        ms: Math.round(applied.ms),
        actions,
        stats: result.stats,
        blob_bytes_uploaded: result.stats.blobBytesUploaded,
        registry_log_blob_uploads: uploadsInLog,
      },
      after_apply: after,
    };
  } finally {
    await cleanUp(ctx, prefix, graph);
  }
}

/** How many tags of the plan are in each state (ok, create, move, extra). */
function countTagStates(images) {
  const counts = {};
  for (const image of images) for (const tag of image.tags) counts[tag.action] = (counts[tag.action] ?? 0) + 1;
  return counts;
}

/** Blob upload requests (POST/PATCH/PUT …/blobs/uploads/) for the prefix's repositories, in the log after `from`. */
function blobUploadLines(file, from, prefix) {
  const size = statSync(file).size - from;
  const buffer = Buffer.alloc(Math.max(0, size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  const repo = prefix.slice(REGISTRY.length + 1);
  return buffer
    .toString('utf8')
    .split('\n')
    .filter((l) => /"(POST|PATCH|PUT) \/v2\/[^ ]*\/blobs\/uploads\//.test(l) && l.includes(`/v2/${repo}/`)).length;
}

/** Untags the prefix's local images by name (never by ID: a shared image could go too) and deletes its manifests from the registry. */
async function cleanUp(ctx, prefix, graph) {
  const refs = execFileSync(DOCKER, ['images', '--format', '{{.Repository}}:{{.Tag}}'], { env: ctx.env, encoding: 'utf8' })
    .split('\n')
    .filter((r) => r.startsWith(`${prefix}/`));
  for (let i = 0; i < refs.length; i += 200) await run(DOCKER, ['rmi', ...refs.slice(i, i + 200)], { env: ctx.env, allowFail: true });
  const repo = prefix.slice(REGISTRY.length + 1);
  await Promise.all(
    graph.map(async ({ name }) => {
      const base = `http://${REGISTRY}/v2/${repo}/${name}/manifests`;
      const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json';
      const tags = (await fetch(`http://${REGISTRY}/v2/${repo}/${name}/tags/list`).then((r) => (r.ok ? r.json() : { tags: [] })).catch(() => ({ tags: [] }))).tags ?? [];
      const digests = new Set();
      for (const tag of tags) {
        const head = await fetch(`${base}/${tag}`, { method: 'HEAD', headers: { accept } }).catch(() => undefined);
        const digest = head?.headers.get('docker-content-digest');
        if (digest) digests.add(digest);
      }
      for (const digest of digests) await fetch(`${base}/${digest}`, { method: 'DELETE' }).catch(() => undefined);
    }),
  );
}
