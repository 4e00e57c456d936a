// Scenarios for commands that are still being written: each checks that the command exists and
// records it as missing otherwise, so the results say so instead of silently leaving a gap.
import { run } from '../lib/stats.mjs';

async function hasCommand(ctx, name) {
  const help = await run(process.execPath, [ctx.kilnBin, '--help'], { env: ctx.env });
  return new RegExp(`^\\s+${name}\\b`, 'm').test(help.stdout);
}

/** TODO(bench): a plan for 100 images x 5 tags against the local registry, then its apply as retags (blob bytes moved). */
export async function reconcile(ctx) {
  if (!(await hasCommand(ctx, 'reconcile'))) return { status: 'missing', note: '`kiln reconcile` is not a command yet' };
  return { status: 'todo', note: '`kiln reconcile` exists; its scenario is not written yet' };
}

/** TODO(bench): from a saved file to the build request reaching the engine, in `kiln watch`. */
export async function watch(ctx) {
  if (!(await hasCommand(ctx, 'watch'))) return { status: 'missing', note: '`kiln watch` is not a command yet' };
  return { status: 'todo', note: '`kiln watch` exists; its scenario is not written yet' };
}
