import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { fullRun, T0 } from './fixtures.js';

/** A terminal stand-in: records writes, has a size, can be resized. */
class FakeTerminal extends EventEmitter {
  writes: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
    public isTTY = true,
  ) {
    super();
  }
  write = (chunk: string): boolean => {
    this.writes.push(chunk);
    return true;
  };
  get text(): string {
    return this.writes.join('').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }
}

// Ink reads CI once, when it loads, and then prints only the final frame (is-in-ci); these tests
// are about live frames, so ink must load with CI unset even when the suite runs in CI.
const ci = process.env.CI;
process.env.CI = 'false';
await import('ink');
if (ci === undefined) delete process.env.CI;
else process.env.CI = ci;
const { createTuiReporter } = await import('../../src/ui/tui/reporter.js');

const asStream = (terminal: FakeTerminal) => terminal as unknown as NodeJS.WriteStream;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (frames come from a timer; a loaded machine makes them late). */
async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition() && Date.now() < deadline; ) await sleep(20);
}

describe('createTuiReporter', () => {
  test('emit only queues: nothing renders until the next frame, and close() draws the final one', async () => {
    const terminal = new FakeTerminal(100, 40);
    const reporter = createTuiReporter({ stdout: asStream(terminal), now: () => T0 + 2_000, fps: 1 });
    const before = terminal.writes.length;
    for (const event of fullRun()) reporter.emit(event);
    expect(terminal.writes.length).toBe(before);
    await reporter.close();
    expect(terminal.text).toContain('✖ web     failed: RUN make exited with code 2');
    expect(terminal.text).toContain('done: 1 built, 2 cached, 1 failed, 1 skipped, 1 pushed in 12.4s (cache saved ~40s)');
    reporter.emit(fullRun()[0]!); // after close: ignored, no throw
  });

  test('renders at a bounded rate from a timer, re-rendering on resize', async () => {
    const terminal = new FakeTerminal(100, 40);
    const reporter = createTuiReporter({ stdout: asStream(terminal), fps: 20, now: () => T0 + 2_000 });
    for (const event of fullRun().slice(0, 6)) reporter.emit(event);
    await eventually(() => terminal.text.includes('[2/5] RUN npm ci'));
    expect(terminal.text).toContain('[2/5] RUN npm ci');
    terminal.columns = 30;
    terminal.emit('resize');
    terminal.writes = [];
    await eventually(() => terminal.text.includes('\n'));
    const lines = terminal.text.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(30);
    await reporter.close();
  });

  test('does not crash on a non-TTY stream without a size', async () => {
    const terminal = new FakeTerminal(0, 0, false);
    const reporter = createTuiReporter({ stdout: asStream(terminal), noColor: true });
    for (const event of fullRun()) reporter.emit(event);
    await reporter.close();
    expect(terminal.text).toContain('done: 1 built');
    expect(terminal.writes.join('')).not.toMatch(/\x1b\[3\dm/);
  });
});
