import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatDiagnostic, formatDiagnostics } from '../../src/diagnostics/print.js';
import { lines } from './fixture.js';

const files: Record<string, string> = {
  '/repo/images.yaml': lines('version: 1', 'images:', '  api:', '    contxt: services/api', '\tbuilder: x', ''),
  '/repo/services/api/Dockerfile': 'FROM a\nRUN x \\\n  && y\n',
};
const options = { color: false, cwd: '/repo', readFile: (file: string) => files[file] };

describe('formatDiagnostic', () => {
  it('prints location, source line, a marker under the span, and the hint', () => {
    const d: Diagnostic = {
      kind: 'usage',
      message: 'unknown key "contxt" in image "api"; did you mean "context"?',
      location: { file: '/repo/images.yaml', line: 4, column: 5, endLine: 4, endColumn: 11 },
      hint: 'keys are snake_case',
    };
    expect(formatDiagnostic(d, options)).toBe(
      lines(
        'images.yaml:4:5: error: unknown key "contxt" in image "api"; did you mean "context"?',
        '  4 |     contxt: services/api',
        '    |     ^~~~~~',
        '  hint: keys are snake_case',
      ),
    );
  });

  it('prints related locations as notes; a span over several lines is marked to the end of its first', () => {
    const d: Diagnostic = {
      kind: 'usage',
      message: 'cycle',
      location: { file: '/repo/services/api/Dockerfile', line: 2, column: 1, endLine: 3, endColumn: 7 },
      related: [
        { message: 'tab-indented', location: { file: '/repo/images.yaml', line: 5, column: 2, endLine: 5, endColumn: 9 } },
        { message: 'unreadable', location: { file: '/elsewhere/x.yaml', line: 1, column: 1 } },
      ],
    };
    expect(formatDiagnostic(d, options)).toBe(
      lines(
        'services/api/Dockerfile:2:1: error: cycle',
        '  2 | RUN x \\',
        '    | ^~~~~~~',
        'images.yaml:5:2: note: tab-indented',
        '  5 | \tbuilder: x',
        '    | \t^~~~~~~',
        '../elsewhere/x.yaml:1:1: note: unreadable',
      ),
    );
  });

  it('prints a diagnostic without location as a bare error line', () => {
    expect(formatDiagnostic({ kind: 'usage', message: 'no manifest found', hint: 'use -f' }, options)).toBe(
      lines('error: no manifest found', '  hint: use -f'),
    );
  });

  it('colors only when asked', () => {
    const d: Diagnostic = { kind: 'failed', message: 'boom', location: { file: '/repo/images.yaml', line: 1, column: 1 } };
    expect(formatDiagnostic(d, options)).not.toContain('\x1b[');
    const colored = formatDiagnostic(d, { ...options, color: true });
    expect(colored).toContain('\x1b[31m\x1b[1merror:\x1b[0m');
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).toBe(formatDiagnostic(d, options));
  });
});

describe('formatDiagnostics', () => {
  it('separates diagnostics by a blank line and counts them when more than one', () => {
    const a: Diagnostic = { kind: 'usage', message: 'first' };
    const b: Diagnostic = { kind: 'usage', message: 'second' };
    expect(formatDiagnostics([a], options)).toBe('error: first');
    expect(formatDiagnostics([a, b], options)).toBe(lines('error: first', '', 'error: second', '', '2 errors'));
  });
});
