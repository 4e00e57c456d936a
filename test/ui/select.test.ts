import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { colorAllowed, createReporter, resolveProgress } from '../../src/ui/select.js';
import { fullRun } from './fixtures.js';

/** A stream that collects what is written, with a settable TTY flag. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  const out = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; rows: number; text(): string };
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  out.isTTY = isTTY;
  out.columns = 100;
  out.rows = 40;
  out.text = () => chunks.join('');
  return out as unknown as NodeJS.WriteStream & { text(): string };
}

describe('resolveProgress', () => {
  test.each([
    ['auto', true, {}, 'tty'],
    ['auto', false, {}, 'plain'],
    ['auto', true, { TERM: 'dumb' }, 'plain'],
    ['auto', true, { CI: 'true' }, 'plain'],
    ['auto', true, { CI: 'false' }, 'tty'],
    ['tty', false, {}, 'tty'],
    ['plain', true, {}, 'plain'],
    ['json', true, {}, 'json'],
  ] as const)('%s, TTY %s, env %j → %s', (progress, isTTY, env, expected) => {
    expect(resolveProgress({ progress, stdout: stream(isTTY), env })).toBe(expected);
  });
});

describe('colorAllowed', () => {
  test('NO_COLOR wins, FORCE_COLOR forces, else a non-dumb TTY', () => {
    expect(colorAllowed(stream(true), {})).toBe(true);
    expect(colorAllowed(stream(true), { NO_COLOR: '1' })).toBe(false);
    expect(colorAllowed(stream(true), { NO_COLOR: '' })).toBe(true);
    expect(colorAllowed(stream(false), {})).toBe(false);
    expect(colorAllowed(stream(false), { FORCE_COLOR: '1' })).toBe(true);
    expect(colorAllowed(stream(true), { FORCE_COLOR: '0' })).toBe(false);
    expect(colorAllowed(stream(true), { TERM: 'dumb' })).toBe(false);
  });
});

describe('createReporter', () => {
  test('json: NDJSON on stdout and nothing else; nothing on stderr', async () => {
    const stdout = stream(true);
    const stderr = stream(true);
    const reporter = createReporter({ progress: 'json', stdout, stderr, env: {} });
    for (const event of fullRun()) reporter.emit(event);
    await reporter.close();
    expect(stdout.text().trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(fullRun());
    expect(stderr.text()).toBe('');
  });

  test('auto on a pipe: plain lines without color', async () => {
    const stdout = stream(false);
    const reporter = createReporter({ progress: 'auto', stdout, stderr: stream(false), env: {} });
    for (const event of fullRun()) reporter.emit(event);
    await reporter.close();
    expect(stdout.text()).toContain('[api] built in 3.2s (sha256:abcd1234abcd)\n');
    expect(stdout.text()).not.toContain('\x1b[');
  });

  test('tty under NO_COLOR: the TUI without color codes', async () => {
    const stdout = stream(true);
    const reporter = createReporter({ progress: 'tty', stdout, stderr: stream(true), env: { NO_COLOR: '1' } });
    for (const event of fullRun()) reporter.emit(event);
    await reporter.close();
    expect(stdout.text()).toContain('✖ web');
    expect(stdout.text()).not.toMatch(/\x1b\[3\dm/);
  });
});
