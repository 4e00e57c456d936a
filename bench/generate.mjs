// Synthetic monorepos for the benchmarks: N images in a DAG on the local busybox base (no network),
// F files per context, plus large flat contexts for the hashing and memory scenarios.
//
//   node bench/generate.mjs DIR [--images 100] [--files 20] [--file-size 2048]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

/** Deterministic bytes (sha256 in counter mode): contexts differ per file but every run is the same. */
export function bytesFor(label, size) {
  const out = Buffer.alloc(size);
  let offset = 0;
  for (let i = 0; offset < size; i++) {
    const block = createHash('sha256').update(`${label}:${i}`).digest();
    offset += block.copy(out, offset);
  }
  return out;
}

/**
 * The image DAG: 4 bases FROM busybox (one RUN each); 10 libraries FROM a base; 3 deep chains of 8
 * (each link FROM the one before); the rest are leaf services FROM a library, every 4th also copying
 * from a second library through a stage alias (a COPY --from edge).
 */
export function imageGraph(count) {
  const images = [];
  const bases = Math.min(4, count);
  for (let i = 0; i < bases; i++) images.push({ name: `base-${i}`, kind: 'base', from: null });
  const libs = Math.min(10, Math.max(0, count - images.length));
  for (let i = 0; i < libs; i++) images.push({ name: `lib-${i}`, kind: 'lib', from: `base-${i % bases}` });
  const chainLength = 8;
  for (let c = 0; c < 3 && images.length + chainLength <= count; c++) {
    for (let d = 0; d < chainLength; d++) {
      images.push({ name: `chain-${c}-${d}`, kind: 'chain', from: d === 0 ? `lib-${c % Math.max(libs, 1)}` : `chain-${c}-${d - 1}` });
    }
  }
  for (let i = 0; images.length < count; i++) {
    const from = libs > 0 ? `lib-${i % libs}` : `base-${i % bases}`;
    const copyFrom = libs > 1 && i % 4 === 0 ? `lib-${(i + 1) % libs}` : null;
    images.push({ name: `svc-${i}`, kind: 'leaf', from, copyFrom });
  }
  return images;
}

function dockerfileOf(image) {
  if (image.from === null) {
    return `FROM busybox:latest\nRUN mkdir -p /app && echo ${image.name} > /app/.base\nCOPY . /app/${image.name}/\n`;
  }
  const lines = ['ARG REGISTRY'];
  if (image.copyFrom) lines.push(`FROM \${REGISTRY}/${image.copyFrom}:latest AS extra`);
  lines.push(`FROM \${REGISTRY}/${image.from}:latest`);
  if (image.copyFrom) lines.push(`COPY --from=extra /app/${image.copyFrom}/ /opt/${image.copyFrom}/`);
  lines.push(`COPY . /app/${image.name}/`);
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the monorepo: images.yaml (repositories `<repoPrefix>/<name>`, built with the REGISTRY arg
 * set to the same prefix) and one context per image under images/. Returns the image list in a
 * dependency order (parents before children), which the docker shell-loop baseline follows.
 */
export function generateMonorepo({ dir, images = 100, files = 20, fileSize = 2048, name = 'kiln-bench', repoPrefix = 'kiln-bench-k', tags = ['latest'] }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const graph = imageGraph(images);
  const yaml = [`version: 1`, `name: ${name}`, `registry: ${repoPrefix}`, `defaults:`, `  args:`, `    REGISTRY: ${repoPrefix}`, `  tags: [${tags.map((t) => JSON.stringify(t)).join(', ')}]`, `images:`];
  for (const image of graph) {
    const context = path.join(dir, 'images', image.name);
    mkdirSync(path.join(context, 'src'), { recursive: true });
    writeFileSync(path.join(context, 'Dockerfile'), dockerfileOf(image));
    writeFileSync(path.join(context, '.dockerignore'), '*.log\n');
    writeFileSync(path.join(context, 'debug.log'), 'ignored by .dockerignore\n');
    for (let f = 0; f < files; f++) {
      // Sizes vary from half to twice the chosen size.
      const size = Math.max(1, Math.round(fileSize * (0.5 + (f % 4) * 0.5)));
      writeFileSync(path.join(context, 'src', `file-${f}.txt`), bytesFor(`${image.name}/${f}`, size).toString('base64').slice(0, size));
    }
    yaml.push(`  ${image.name}:`, `    context: images/${image.name}`);
  }
  writeFileSync(path.join(dir, 'images.yaml'), `${yaml.join('\n')}\n`);
  writeFileSync(path.join(dir, 'order.json'), JSON.stringify(graph, null, 1));
  return graph;
}

/**
 * A flat-ish context of `files` files totalling about `totalBytes` (100 files per folder), for the
 * hashing and memory scenarios, with a one-image manifest whose Dockerfile copies one small file.
 */
export function generateLargeContext({ dir, files, totalBytes, name, repoPrefix = 'kiln-bench-k' }) {
  rmSync(dir, { recursive: true, force: true });
  const context = path.join(dir, 'ctx');
  mkdirSync(context, { recursive: true });
  const size = Math.max(1, Math.floor(totalBytes / files));
  // One random block, stamped per file: content differs per file without generating GBs of hashes.
  const block = bytesFor(name, size);
  for (let f = 0; f < files; f++) {
    const folder = path.join(context, `d${Math.floor(f / 100)}`);
    if (f % 100 === 0) mkdirSync(folder, { recursive: true });
    const stamp = Buffer.from(`${f}\n`);
    stamp.copy(block, 0);
    writeFileSync(path.join(folder, `f${f}.bin`), block);
  }
  writeFileSync(path.join(context, 'stamp.txt'), 'initial\n');
  writeFileSync(path.join(context, 'Dockerfile'), 'FROM busybox:latest\nCOPY stamp.txt /stamp.txt\n');
  writeFileSync(path.join(dir, 'images.yaml'), `version: 1\nname: ${name}\nregistry: ${repoPrefix}\ndefaults:\n  tags: [latest]\nimages:\n  big:\n    context: ctx\n`);
  return { context, bytes: size * files };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { images: { type: 'string', default: '100' }, files: { type: 'string', default: '20' }, 'file-size': { type: 'string', default: '2048' } },
  });
  const dir = path.resolve(positionals[0] ?? 'bench/out/repo');
  const graph = generateMonorepo({ dir, images: Number(values.images), files: Number(values.files), fileSize: Number(values['file-size']) });
  console.log(`wrote ${graph.length} images to ${dir}`);
}
