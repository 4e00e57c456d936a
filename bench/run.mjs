// kiln benchmarks (issue #6): `npm run bench [-- --quick] [-- --scenario noop,leaf] [-- --images 100]`.
// Builds dist/, generates a synthetic monorepo under bench/out/, runs each scenario against the
// plain docker workflow on the test engine, and writes bench/results.json (merged per scenario).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DOCKER } from './lib/docker.mjs';
import { generateMonorepo } from './generate.mjs';
import * as builds from './scenarios/builds.mjs';
import { hash, rss } from './scenarios/context.mjs';
import { limits } from './scenarios/limits.mjs';
import { watch } from './scenarios/later.mjs';
import { reconcile } from './scenarios/reconcile.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const SCENARIOS = { limits, cold: builds.cold, noop: builds.noop, leaf: builds.leaf, base: builds.base, hash, rss, reconcile, watch };

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    images: { type: 'string' },
    files: { type: 'string' },
    'file-size': { type: 'string' },
    runs: { type: 'string' },
    'cold-runs': { type: 'string' },
    'hash-files': { type: 'string' },
    'hash-mb': { type: 'string' },
    'rss-mb': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    kiln: { type: 'string', default: 'worktree' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`npm run bench -- [--quick] [--scenario NAME[,NAME]] [--images N] [--files F] [--file-size BYTES]
  [--runs R] [--cold-runs R] [--hash-files N] [--hash-mb MB] [--rss-mb MB] [--no-build]
scenarios: ${Object.keys(SCENARIOS).join(', ')} (default: all)`);
  process.exit(0);
}
const quick = values.quick;
const num = (v, full, small) => Number(v ?? (quick ? small : full));
const selected = (values.scenario ?? Object.keys(SCENARIOS)).flatMap((s) => s.split(','));
for (const s of selected) if (!(s in SCENARIOS)) throw new Error(`unknown scenario ${s}; known: ${Object.keys(SCENARIOS).join(', ')}`);

const servicesEnv = execFileSync('bash', [path.join(root, 'scripts/services.sh'), 'start'], { encoding: 'utf8' });
const env = { ...process.env, CI: '', NO_COLOR: '1' };
for (const m of servicesEnv.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2];
if (values.kiln !== 'worktree') {
  buildCommitted(values.kiln);
} else if (!values['no-build']) {
  try {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    // tsc still emits on type errors; a half-edited tree elsewhere should not stop a benchmark.
    console.error('bench: npm run build reported errors; benchmarking the dist/ it emitted');
  }
}

const outDir = path.join(benchDir, 'out');
const repo = path.join(outDir, 'repo');
const params = {
  images: num(values.images, 100, 20),
  files: num(values.files, 20, 10),
  fileSize: num(values['file-size'], 2048, 2048),
  runs: num(values.runs, 5, 3),
  // Cold runs cost ~2 min each at 100 images (every tool from an empty engine); 3 keep the default under 15 min.
  coldRuns: num(values['cold-runs'], 3, 2),
  hashFiles: num(values['hash-files'], 10_000, 2_000),
  hashBytes: num(values['hash-mb'], 300, 40) * 1e6,
  rssBytes: num(values['rss-mb'], 1024, 256) * 1024 * 1024,
};
const graph = generateMonorepo({ dir: repo, images: params.images, files: params.files, fileSize: params.fileSize });
const ctx = {
  ...params,
  graph,
  repo,
  outDir,
  benchDir,
  env,
  socket: env.KILN_TEST_DOCKER_HOST.replace(/^unix:\/\//, ''),
  kilnBin: path.join(kilnRoot(), 'bin/kiln.js'),
  kilnDist: path.join(kilnRoot(), 'dist'),
  log: (line) => console.error(`bench: ${line}`),
};

const resultsFile = path.join(benchDir, 'results.json');
const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : { scenarios: {} };
results.machine = machine();
for (const name of selected) {
  ctx.log(`scenario ${name}`);
  const started = performance.now();
  const result = await SCENARIOS[name](ctx);
  results.scenarios[name] = { ...result, params: { ...params, quick }, at: new Date().toISOString(), scenario_seconds: Math.round((performance.now() - started) / 1000) };
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`${name}: ${JSON.stringify(result)}`);
}

/** The kiln under test: the work tree, or a commit built under bench/out/kiln (`--kiln HEAD`). */
function kilnRoot() {
  return values.kiln === 'worktree' ? root : path.join(benchDir, 'out', 'kiln');
}

/** Builds a commit in isolation from edits in progress: git archive, then tsc with the repo's node_modules. */
function buildCommitted(ref) {
  const dir = kilnRoot();
  execFileSync('rm', ['-rf', dir]);
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('bash', ['-c', `git archive ${ref} package.json tsconfig.json tsconfig.build.json bin src schemas | tar -x -C "${dir}"`], { cwd: root });
  execFileSync('ln', ['-s', path.join(root, 'node_modules'), path.join(dir, 'node_modules')]);
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
}

function machine() {
  const version = (args) => {
    try {
      return execFileSync(DOCKER, args, { env, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    engine: version(['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})']),
    docker_cli: version(['version', '--format', '{{.Client.Version}}']),
    kiln: values.kiln === 'worktree' ? `work tree at ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()}` : execFileSync('git', ['rev-parse', '--short', values.kiln], { cwd: root, encoding: 'utf8' }).trim(),
  };
}
