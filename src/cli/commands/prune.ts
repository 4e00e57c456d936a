import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { diagnostic, KilnError } from '../../diagnostics/diagnostic.js';
import { createEngine } from '../../engine/index.js';
import { humanSize } from '../../images/go-format.js';
import { applyPrune, listKilnImages, parseUntil, planPrune, type PruneCandidate } from '../../images/index.js';
import { removeLeftoverDependencyRefs } from '../../build/dependency-refs.js';
import { listProjectImages } from '../../build/prepare-run.js';
import { ExitCode } from '../exit-codes.js';
import { acquireRunLock } from '../run-lock.js';
import type { CliIO } from '../io.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';
import { reportDiagnostics } from '../report-error.js';
import { loadCurrentBuilds } from './ls.js';

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
 * `--keep` builds of each image, the current one counted — never one a container uses, never
 * another project's. Lists with `--dry-run`; asks on a TTY, refuses elsewhere without `--force`.
 */
export async function prune(io: CliIO, options: PruneCommandOptions): Promise<ExitCode> {
  let until: Date | undefined;
  if (options.until !== undefined) {
    const parsed = parseUntil(options.until, new Date());
    if (!parsed.ok) throw new KilnError(parsed.error);
    until = parsed.value;
  }
  const resolved = await loadGraph(io, options, []);
  const project = resolved.graph.project.name;
  const engine = createEngine({ env: io.env });
  // A dry run only looks, and never waits for another run.
  const lock = options.dryRun ? undefined : await acquireRunLock(io, { root: resolved.graph.project.root, command: 'kiln prune', signal: io.signal });
  try {
    if (lock) await removeLeftoverDependencyRefs(engine, await listProjectImages(engine, project, io.signal));
    const { keys } = await loadCurrentBuilds(io, resolved, engine, io.signal);
    const images = await listKilnImages(engine, { project, ...(io.signal ? { signal: io.signal } : {}) });
    const candidates = planPrune(images, {
      project,
      currentKeys: keys,
      keep: options.keep ?? 1,
      inUse: await engine.imagesInUse(io.signal),
      ...(until ? { until } : {}),
      ...(options.dangling ? { dangling: true } : {}),
      ...(options.all ? { all: true } : {}),
    });
    if (candidates.length === 0) {
      io.stdout.write('Nothing to prune.\n');
      return ExitCode.ok;
    }
    const total = humanSize(candidates.reduce((n, c) => n + c.size, 0));
    if (options.dryRun) {
      io.stdout.write('Would remove:\n');
      for (const c of candidates) io.stdout.write(`${describe(c)}\n`);
      io.stdout.write(`\nWould reclaim: ${total}\n`);
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
      for (const c of candidates) io.stderr.write(`${describe(c)}\n`);
      if (!(await confirm(io, `Remove ${candidates.length} image(s), ${total}? [y/N] `))) {
        io.stderr.write('Nothing removed.\n');
        return ExitCode.ok;
      }
    }
    const result = await applyPrune(engine, candidates, io.signal);
    if (result.removed.length > 0) io.stdout.write('Deleted Images:\n');
    for (const c of result.removed) io.stdout.write(`${describe(c)}\n`);
    for (const { candidate, reason } of result.skipped) io.stderr.write(`kiln: kept ${candidate.id.slice(7, 19)} (${candidate.image}): ${reason}\n`);
    io.stdout.write(`\nTotal reclaimed space: ${humanSize(result.freedBytes)}\n`);
    return ExitCode.ok;
  } finally {
    lock?.release();
    await engine.close();
  }
}

/** One line per image: short ID, manifest image, key, tags, size, why. */
function describe(c: PruneCandidate): string {
  const tags = c.repoTags.length > 0 ? c.repoTags.join(', ') : '<untagged>';
  return `${c.id.slice(7, 19)}  ${c.image}  key ${c.key.slice(0, 12)}  ${tags}  ${humanSize(c.size)}  (${c.reason})`;
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
  manifestOptions(program.command('prune').description("remove this project's kiln images that are not current (never one in use, never another project's)"))
    .option('--keep <n>', 'builds of each image to keep, the current one counted', keepCount, 1)
    .option('--until <duration>', 'only images created before this (24h, 2024-05-01, unix seconds)')
    .option('--dangling', 'only untagged images')
    .option('--all', 'also images of names no longer in the manifest')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--force', 'do not ask')
    .action((options: PruneCommandOptions) => run(prune(io, options)));
}
