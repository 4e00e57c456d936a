// The plain-docker baselines: a shell loop of `docker build`, the same in parallel with xargs -P,
// and the engine's own time (POST /build with curl and pre-made context tars, no client at all).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './stats.mjs';

export const DOCKER = '/usr/local/bin/docker';

/** Dependency levels of the generated graph: each level only needs the levels before it. */
export function waves(graph) {
  const level = new Map();
  for (const image of graph) {
    const deps = [image.from, image.copyFrom].filter((d) => d && level.has(d));
    level.set(image.name, deps.length ? Math.max(...deps.map((d) => level.get(d))) + 1 : 0);
  }
  const out = [];
  for (const image of graph) (out[level.get(image.name)] ??= []).push(image.name);
  return out;
}

/** Every image ID tagged under one of the prefixes (`kiln-bench-k/…`). */
export function imagesWithPrefix(env, prefixes) {
  const lines = execFileSync(DOCKER, ['images', '--format', '{{.Repository}} {{.ID}}'], { env, encoding: 'utf8' }).split('\n');
  return [...new Set(lines.filter((l) => prefixes.some((p) => l.startsWith(`${p}/`))).map((l) => l.split(' ')[1]))];
}

/** Removes the images of the prefixes, dangling leftovers and the BuildKit cache: the next build is cold. */
export async function coldEngine(env, prefixes) {
  const ids = imagesWithPrefix(env, prefixes);
  if (ids.length) await run(DOCKER, ['rmi', '-f', ...ids], { env, allowFail: true });
  await run(DOCKER, ['image', 'prune', '-f'], { env, allowFail: true });
  await run(DOCKER, ['builder', 'prune', '-af'], { env, allowFail: true });
}

/** `docker build` command line of one image of the generated repo, tagged under `prefix`. */
function dockerBuild(repo, prefix, name) {
  return `${DOCKER} build -q --build-arg REGISTRY=${prefix} -t ${prefix}/${name}:latest ${repo}/images/${name} >/dev/null`;
}

/** Writes the sequential loop and the xargs -P script (one xargs per dependency level); returns their paths. */
export function writeLoopScripts({ repo, graph, outDir, prefix, parallel = 2 }) {
  mkdirSync(outDir, { recursive: true });
  const seq = path.join(outDir, 'docker-seq.sh');
  const names = graph.map((g) => g.name).join(' ');
  writeFileSync(seq, `set -e\nfor n in ${names}; do\n  ${dockerBuild(repo, prefix, '$n')}\ndone\n`);
  const par = path.join(outDir, 'docker-xargs.sh');
  const lines = ['set -e'];
  for (const wave of waves(graph)) {
    lines.push(`printf '%s\\n' ${wave.join(' ')} | xargs -P ${parallel} -I{} sh -c '${dockerBuild(repo, prefix, '{}')}'`);
  }
  writeFileSync(par, `${lines.join('\n')}\n`);
  return { seq, par };
}

/** Tars each context as the engine receives it (the .dockerignore'd *.log left out). */
export function writeContextTars({ repo, names, outDir }) {
  mkdirSync(outDir, { recursive: true });
  for (const name of names) {
    execFileSync('tar', ['-C', path.join(repo, 'images', name), '--exclude=*.log', '-cf', path.join(outDir, `${name}.tar`), '.']);
  }
}

/**
 * The engine's time for the given images, built one after another with BuildKit (as kiln does, host
 * network) from pre-made tars by curl: no CLI, no context walking, no tar writing in the timed part.
 */
export async function engineBuild({ env, socket, repo, names, outDir, prefix }) {
  writeContextTars({ repo, names, outDir });
  const buildargs = encodeURIComponent(JSON.stringify({ REGISTRY: prefix }));
  const script = names
    .map((name) => {
      const query = `t=${encodeURIComponent(`${prefix}/${name}:latest`)}&version=2&networkmode=host&buildargs=${buildargs}`;
      return `curl -sS --fail --unix-socket ${socket} -X POST -H 'Content-Type: application/x-tar' --data-binary @${outDir}/${name}.tar 'http://engine/v1.41/build?${query}'`;
    })
    .join('\n');
  const result = await run('bash', ['-c', `set -e\n${script}`], { env });
  if (result.stdout.includes('errorDetail')) throw new Error(`engine build failed: ${result.stdout.slice(-1500)}`);
  return result.ms;
}
