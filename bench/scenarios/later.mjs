// Scenarios for commands that are still being written: each checks that the command exists and
// records it as missing otherwise, so the results say so instead of silently leaving a gap.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { run, summarize } from '../lib/stats.mjs';

async function hasCommand(ctx, name) {
  const help = await run(process.execPath, [ctx.kilnBin, '--help'], { env: ctx.env });
  return new RegExp(`^\\s+${name}\\b`, 'm').test(help.stdout);
}

const DEBOUNCE_MS = 200;

/**
 * `kiln watch` on the generated repo (everything cached): a leaf file is saved, and the time until
 * kiln sends that image's build to the engine (its `start` event) is measured, debounce included.
 */
export async function watch(ctx) {
  if (!(await hasCommand(ctx, 'watch'))) return { status: 'missing', note: '`kiln watch` is not a command yet' };
  const leafImage = ctx.graph.filter((g) => g.kind === 'leaf').at(-1).name;
  const file = path.join(ctx.repo, 'images', leafImage, 'src', 'file-1.txt');
  const child = spawn(process.execPath, [ctx.kilnBin, 'watch', '--progress', 'json', '--debounce', String(DEBOUNCE_MS)], { cwd: ctx.repo, env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters = [];
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line);
      for (const w of [...waiters]) if (w.test(event)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(event);
    }
  });
  const next = (test, ms = 120_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('kiln watch: timed out waiting for an event')), ms);
      waiters.push({ test, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  const latencies = [];
  try {
    await next((e) => e.type === 'done');
    for (let i = 0; i < ctx.runs; i++) {
      await new Promise((r) => setTimeout(r, 500)); // let the watcher settle after the round
      const started = next((e) => e.type === 'start' && e.image === leafImage);
      const saved = Date.now();
      appendFileSync(file, `watch ${i} ${saved}\n`);
      const event = await started;
      latencies.push(event.time - saved);
      await next((e) => e.type === 'done');
      ctx.log(`watch run ${i + 1}: save -> build request ${event.time - saved} ms (debounce ${DEBOUNCE_MS})`);
    }
  } finally {
    child.kill('SIGINT');
  }
  const total = summarize(latencies);
  return { debounce_ms: DEBOUNCE_MS, save_to_request: total, beyond_debounce: summarize(latencies.map((l) => l - DEBOUNCE_MS)) };
}
