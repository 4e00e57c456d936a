// Manifest scale (issue #10, item 15): `node bench/manifest-scale.mjs [--images 1000,8000] [--mb 10]`.
// Generates manifests under bench/out/manifest-scale/ (every image shares one context, so only the
// manifest grows) and prints the wall time and peak RSS of `kiln validate` and `kiln plan --offline`
// on each. Needs dist/ (npm run build); no engine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'bench', 'out', 'manifest-scale');

/** A manifest of `count` images with args, labels, tags and a few edges, all on the one context `ctx`. */
export function manifestText(count) {
  const lines = ['version: 1', 'name: scale', 'registry: 127.0.0.1:5000/scale', 'defaults:', '  tags: [latest]', 'images:'];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  img-${i}:`,
      '    context: ctx',
      `    args: { N: "${i}", MODE: release, FLAVOUR: "f${i % 7}" }`,
      `    labels: { team: t${i % 13}, index: "${i}" }`,
      `    tags: ["v${i}", "\${GIT_SHA_SHORT:-dev}-${i}"]`,
    );
    if (i % 10 === 9) lines.push(`    depends_on: [img-${i - 1}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a project of `count` images under bench/out/manifest-scale/NAME; returns its manifest path. */
export function writeProject(name, count) {
  const dir = path.join(out, name);
  mkdirSync(path.join(dir, 'ctx'), { recursive: true });
  writeFileSync(path.join(dir, 'ctx', 'Dockerfile'), 'ARG N=0\nFROM busybox:latest\nRUN echo $N\n');
  const file = path.join(dir, 'images.yaml');
  writeFileSync(file, manifestText(count));
  return file;
}

/** Wall seconds, CPU seconds (user + system: steadier on a shared machine) and peak RSS (MB) of one kiln command. */
function measure(file, command) {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'PEAK_KB %M CPU %U %S', process.execPath, path.join(root, 'bin', 'kiln.js'), ...command, '-f', file], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 1 << 30,
  });
  const seconds = (performance.now() - started) / 1000;
  const usage = /PEAK_KB (\d+) CPU ([\d.]+) ([\d.]+)/.exec(result.stderr ?? '');
  if (result.status !== 0) throw new Error(`kiln ${command.join(' ')} exited ${result.status}:\n${(result.stderr ?? '').slice(0, 2000)}`);
  if (!usage) throw new Error(`no /usr/bin/time report in:\n${result.stderr}`);
  return { seconds, cpu: Number(usage[2]) + Number(usage[3]), peakMb: Math.round(Number(usage[1]) / 1024) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { images: { type: 'string', default: '1000,8000' }, mb: { type: 'string', default: '10' } } });
  const sizes = values.images.split(',').filter(Boolean).map(Number);
  // An image takes about 180 bytes of manifest: the count that makes one of that many megabytes.
  if (Number(values.mb) > 0) sizes.push(Math.round((Number(values.mb) * 1e6) / 180));
  for (const count of sizes) {
    const file = writeProject(`images-${count}`, count);
    const mb = (statSync(file).size / 1e6).toFixed(2);
    for (const command of [['validate'], ['plan', '--offline']]) {
      const { seconds, cpu, peakMb } = measure(file, command);
      const row = [`${count} images`.padStart(13), `${mb} MB`.padStart(9), `kiln ${command.join(' ')}`.padEnd(20), `wall ${seconds.toFixed(2)} s`.padStart(13), `cpu ${cpu.toFixed(2)} s`.padStart(12), `peak RSS ${peakMb} MB`];
      console.log(row.join('  '));
    }
  }
}
