import { Option, type Command } from 'commander';
import { renderGraph, type GraphFormat } from '../../plan/render-graph.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { loadGraph, type ManifestOptions } from '../load.js';
import { manifestOptions } from '../options.js';

/** Options of `kiln graph`. */
export interface GraphOptions extends ManifestOptions {
  format?: GraphFormat;
}

/** `kiln graph [names...]`: the dependency graph as dot, mermaid or JSON. */
export async function graph(io: CliIO, options: GraphOptions, names: string[]): Promise<ExitCode> {
  const resolved = await loadGraph(io, options, names);
  io.stdout.write(renderGraph(resolved.graph, options.format ?? 'dot'));
  return ExitCode.ok;
}

/** Registers the command. */
export function registerGraph(program: Command, io: CliIO, run: (p: Promise<ExitCode>) => void): void {
  manifestOptions(program.command('graph').argument('[names...]', 'images or groups (default: all)').description('print the dependency graph'))
    .addOption(new Option('--format <format>', 'dot, mermaid or json').choices(['dot', 'mermaid', 'json']).default('dot'))
    .addHelpText(
      'after',
      `
Edges point from an image to what it needs, labelled with why (FROM, COPY --from, RUN --mount, depends_on).

Examples:
  kiln graph | dot -Tsvg > graph.svg
  kiln graph --format mermaid backend`,
    )
    .action((names: string[], _options: GraphOptions, command: Command) => run(graph(io, command.optsWithGlobals(), names)));
}
