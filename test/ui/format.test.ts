import { expect, test } from 'vitest';
import { formatApproxDuration, formatDuration, formatReasons, formatStep, shortId, shortKey } from '../../src/ui/format.js';

test('formatStep rebuilds the counter BuildKit shows, keeping the stage', () => {
  expect(formatStep({ name: 'RUN npm ci', index: 3, total: 7 })).toBe('[3/7] RUN npm ci');
  expect(formatStep({ name: '[build] RUN npm ci', index: 2, total: 5 })).toBe('[build 2/5] RUN npm ci');
  expect(formatStep({ name: '[internal] load build definition from Dockerfile' })).toBe('[internal] load build definition from Dockerfile');
  expect(formatStep({ name: 'Step 1/4 : FROM x' })).toBe('Step 1/4 : FROM x');
  expect(formatStep({ name: 'COPY . .', index: 4 })).toBe('[4] COPY . .');
});

test('durations', () => {
  expect(formatDuration(0)).toBe('0.0s');
  expect(formatDuration(3_240)).toBe('3.2s');
  expect(formatDuration(65_000)).toBe('1m 05s');
  expect(formatDuration(3_720_000)).toBe('1h 02m');
  expect(formatDuration(-5)).toBe('0.0s');
  expect(formatApproxDuration(40_400)).toBe('~40s');
  expect(formatApproxDuration(130_000)).toBe('~2m 10s');
});

test('ids, keys and reasons', () => {
  expect(shortId('sha256:abcd1234abcd5678ef')).toBe('sha256:abcd1234abcd');
  expect(shortKey('sha256:1a2b3c4d5e6f7a8b')).toBe('1a2b3c4d5e6f');
  expect(shortKey('1a2b3c4d5e6f7a8b')).toBe('1a2b3c4d5e6f');
  expect(
    formatReasons([
      { kind: 'file', detail: 'src/a.js changed' },
      { kind: 'dependency', detail: 'dependency base rebuilt' },
      { kind: 'new', detail: '' },
    ]),
  ).toBe('file src/a.js changed; dependency base rebuilt; new');
});
