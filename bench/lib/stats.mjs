// Timing and summary helpers for the benchmark runner.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Median, min and max of a list of numbers (milliseconds unless said otherwise). */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted.at(-1)), runs: sorted.length, samples: samples.map(round) };
}

/** How many times slower the baseline is than kiln (median over median). */
export function ratio(baseline, kiln) {
  return kiln.median > 0 ? Math.round((baseline.median / kiln.median) * 100) / 100 : null;
}

export function round(n) {
  return Math.round(n * 10) / 10;
}

/**
 * Runs a command to completion and returns its wall time, output and, when asked, the peak RSS of
 * the process (VmHWM sampled from /proc every few milliseconds; read before the process is reaped).
 */
export function run(command, args, { cwd, env, input, sampleRss = false, allowFail = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    let peakKb = 0;
    const sampler = sampleRss
      ? setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) peakKb = Math.max(peakKb, Number(m[1]));
          } catch {
            // exited between samples
          }
        }, 5)
      : undefined;
    if (input !== undefined) child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code) => {
      if (sampler) clearInterval(sampler);
      const ms = performance.now() - started;
      const result = { ms, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), peakRssMb: peakKb / 1024 };
      if (code !== 0 && !allowFail) reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${result.stderr.slice(-2000)}`));
      else resolve(result);
    });
  });
}

/** `kiln build --progress json` events, parsed. */
export function parseEvents(ndjson) {
  return ndjson
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}
