import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { createJsonReporter } from '../../src/ui/json.js';
import { fullRun } from './fixtures.js';

test('writes every event verbatim, one JSON object a line', () => {
  const out = new PassThrough();
  const reporter = createJsonReporter(out);
  const events = fullRun(2);
  for (const event of events) reporter.emit(event);
  reporter.close();
  reporter.emit(events[0]!);
  const text = (out.read() as Buffer).toString();
  expect(text.endsWith('\n')).toBe(true);
  const parsed = text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
  expect(parsed).toEqual(events);
});
