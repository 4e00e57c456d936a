import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { interruptController, type SignalSource } from '../../src/run/signals.js';

function fakeProcess(): SignalSource & { emitter: EventEmitter; exits: number[] } {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    emitter,
    exits,
    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    exit: ((code: number) => void exits.push(code)) as (code: number) => never,
  };
}

describe('interruptController', () => {
  it('aborts on the first signal and exits 130 on the second', () => {
    const proc = fakeProcess();
    const seen: string[] = [];
    const interrupt = interruptController(proc, { onInterrupt: (signal) => seen.push(signal) });
    expect(interrupt.signal.aborted).toBe(false);
    proc.emitter.emit('SIGTERM', 'SIGTERM');
    expect(interrupt.signal.aborted).toBe(true);
    expect(interrupt.interruptedBy).toBe('SIGTERM');
    expect(seen).toEqual(['SIGTERM']);
    expect(proc.exits).toEqual([]);
    proc.emitter.emit('SIGINT', 'SIGINT');
    expect(proc.exits).toEqual([130]);
    interrupt.dispose();
  });

  it('removes its handlers when disposed', () => {
    const proc = fakeProcess();
    {
      using interrupt = interruptController(proc);
      expect(proc.emitter.listenerCount('SIGINT')).toBe(1);
      expect(interrupt.signal.aborted).toBe(false);
    }
    expect(proc.emitter.listenerCount('SIGINT')).toBe(0);
    expect(proc.emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('aborts a given controller', () => {
    const controller = new AbortController();
    const proc = fakeProcess();
    const interrupt = interruptController(proc, { controller });
    proc.emitter.emit('SIGINT', 'SIGINT');
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as Error).message).toBe('interrupted by SIGINT');
    interrupt.dispose();
  });
});
