import type { Command } from 'commander';
import { planDocument, renderPlan } from '../../plan/render-plan.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';

/** Options of `kiln plan`. */
export interface PlanOptions extends ManifestOptions {
  json?: boolean;
}

/** `kiln plan [names...]`: what would build, in what order, and why each edge exists. */
export async function plan(io: CliIO, options: PlanOptions, names: string[]): Promise<ExitCode> {
  const { graph } = await loadGraph(io, options, names);
  io.stdout.write(options.json ? JSON.stringify(planDocument(graph), null, 2) + '\n' : renderPlan(graph));
  return ExitCode.ok;
}

/** Registers the command. */
export function registerPlan(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('plan').argument('[names...]', 'images or groups (default: all)').description('show what would build, in what order, and why'))
    .option('--json', 'print the plan as JSON')
    .action((names: string[], _options: PlanOptions, command: Command) => run(plan(io, command.optsWithGlobals(), names)));
}
