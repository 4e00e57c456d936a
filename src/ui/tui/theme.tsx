/** Icons, the spinner and color that switches off entirely under NO_COLOR. */
import { createContext, useContext, type ReactNode } from 'react';
import { Text } from 'ink';
import type { RowState } from '../store.js';

/** True when no ANSI color or style may be written (NO_COLOR). */
export const NoColorContext = createContext(false);

/** The colors kiln uses. */
export type Tone = 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'magenta';

/** Colored (or dimmed / bold) text that renders bare under NO_COLOR. */
export function Paint(props: { tone?: Tone; dim?: boolean; bold?: boolean; children: ReactNode }): ReactNode {
  const noColor = useContext(NoColorContext);
  if (noColor) return <Text>{props.children}</Text>;
  return (
    <Text color={props.tone} dimColor={props.dim ?? false} bold={props.bold ?? false}>
      {props.children}
    </Text>
  );
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner glyph for a moment, so frames depend only on the (injectable) clock. */
export function spinnerAt(now: number): string {
  return SPINNER[Math.floor(now / 80) % SPINNER.length] ?? '⠋';
}

/** Icon and tone of each row state. */
export const STATE_LOOK: Record<RowState, { icon: string; tone: Tone }> = {
  waiting: { icon: '◦', tone: 'gray' },
  queued: { icon: '·', tone: 'gray' },
  building: { icon: '⠋', tone: 'cyan' },
  cached: { icon: '✔', tone: 'green' },
  built: { icon: '✔', tone: 'green' },
  pushed: { icon: '↑', tone: 'magenta' },
  failed: { icon: '✖', tone: 'red' },
  skipped: { icon: '↷', tone: 'yellow' },
};
