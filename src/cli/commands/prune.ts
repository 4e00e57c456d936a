import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { diagnostic, KilnError } from '../../diagnostics/diagnostic.js';
import { createEngine } from '../../engine/index.js';
import { humanSize } from '../../images/go-format.js';
import { applyPrune, listKilnImages, parseUntil, planPrune, pruneScope, type PruneCandidate } from '../../images/index.js';
import { describeCandidate, describeKept, renderDryRun } from '../../images/render-prune.js';
import { removeLeftoverDependencyRefs } from '../../build/dependency-refs.js';
import { listProjectImages } from '../../build/keys.js';
import { ExitCode } from '../exit-codes.js';
import { acquireRunLock } from '../run-lock.js';
import type { CliIO } from '../io.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';
import { reportDiagnostics } from '../report-error.js';
import { currentKeys, loadCurrentBuilds } from './ls.js';

/** Options of `kiln prune`. */
export interface PruneCommandOptions extends ManifestOptions {
  keep?: number;
  until?: string;
  dangling?: boolean;
  all?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

/**
 * `kiln prune`: removes this project's kiln images that are not current — beyond the newest
 * `--keep` builds of each image, the current one counted — in the manifest's repositories only,
 * never one a container uses. Only kiln's own tags are removed: an image that carries another tag
 * is untagged and kept. Lists with `--dry-run`; asks on a TTY, refuses elsewhere without `--force`.
 */
export async function prune(io: CliIO, options: PruneCommandOptions): Promise<ExitCode> {
  let until: Date | undefined;
  if (options.until !== undefined) {
    const parsed = parseUntil(options.until, new Date());
    if (!parsed.ok) throw new KilnError(parsed.error);
    until = parsed.value;
  }
  const resolved = await loadGraph(io, options, []);
  const project = resolved.graph.project;
  const scope = pruneScope(project.name, project.images.values());
  const engine = createEngine({ env: io.env });
  // A dry run only looks, and never waits for another run.
  const lock = options.dryRun ? undefined : await acquireRunLock(io, { root: resolved.graph.project.root, command: 'kiln prune', signal: io.signal });
  try {
    if (lock) await removeLeftoverDependencyRefs(engine, await listProjectImages(engine, project.name, io.signal));
    const keys = currentKeys(await loadCurrentBuilds(io, resolved, engine));
    const images = await listKilnImages(engine, { project: project.name, ...(io.signal ? { signal: io.signal } : {}) });
    const plan = planPrune(images, {
      scope,
      currentKeys: keys,
      keep: options.keep ?? 1,
      inUse: await engine.imagesInUse(io.signal),
      ...(until ? { until } : {}),
      ...(options.dangling ? { dangling: true } : {}),
      ...(options.all ? { all: true } : {}),
    });
    if (options.dryRun) {
      io.stdout.write(renderDryRun(plan));
      return ExitCode.ok;
    }
    const kept = plan.kept.map((k) => `kiln: ${describeKept(k)}\n`).join('');
    const { candidates } = plan;
    if (candidates.length === 0) {
      io.stdout.write('Nothing to prune.\n');
      io.stderr.write(kept);
      return ExitCode.ok;
    }
    if (!options.force) {
      if (io.stdin?.isTTY !== true) {
        return reportDiagnostics(io, [
          diagnostic('usage', `refusing to remove ${candidates.length} image(s) without confirmation: stdin is not a terminal`, {
            hint: 'Pass --force to remove them, or --dry-run to list them.',
          }),
        ]);
      }
      io.stderr.write(renderDryRun(plan));
      if (!(await confirm(io, question(candidates)))) {
        io.stderr.write('Nothing removed.\n');
        return ExitCode.ok;
      }
    } else {
      io.stderr.write(kept);
    }
    const result = await applyPrune(engine, scope, candidates, io.signal);
    if (result.removed.length > 0) io.stdout.write(`Deleted Images:\n${result.removed.map((c) => `${describeCandidate(c)}\n`).join('')}`);
    if (result.untagged.length > 0) {
      io.stdout.write(`Untagged Images (kept for their other tags):\n${result.untagged.map((c) => `${describeCandidate(c)}\n`).join('')}`);
    }
    for (const { candidate, reason } of result.skipped) io.stderr.write(`kiln: kept ${candidate.id.slice(7, 19)} (${candidate.image}): ${reason}\n`);
    io.stdout.write(`\nTotal reclaimed space: ${humanSize(result.freedBytes)}\n`);
    return ExitCode.ok;
  } finally {
    lock?.release();
    await engine.close();
  }
}

/** The confirmation question: how many images go, how many only lose kiln's tags, and the space. */
function question(candidates: readonly PruneCandidate[]): string {
  const removed = candidates.filter((c) => c.action === 'remove');
  const untagged = candidates.length - removed.length;
  const size = humanSize(removed.reduce((n, c) => n + c.size, 0));
  return `Remove ${removed.length} image(s)${untagged > 0 ? ` and untag ${untagged}` : ''}, ${size}? [y/N] `;
}

async function confirm(io: CliIO, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin!, output: io.stderr, terminal: false });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const keepCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--keep must be a whole number, got "${value}"`);
  return n;
};

/** Registers the command. */
export function registerPrune(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('prune').description("remove this project's kiln images that are not current (only kiln's tags, in the manifest's repositories, never one in use)"))
    .option('--keep <n>', 'builds of each image to keep, the current one counted', keepCount, 1)
    .option('--until <duration>', 'only images created before this (24h, 2024-05-01, unix seconds)')
    .option('--dangling', 'only untagged images')
    .option('--all', 'also images of names no longer in the manifest')
    .option('--dry-run', 'list what would be removed, untagged and kept, and why; change nothing')
    .option('--force', 'do not ask')
    .action((options: PruneCommandOptions) => run(prune(io, options)));
}
