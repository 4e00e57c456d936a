/** One image's line, and a failed image's detail (step, last log lines, hint) under it. */
import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { formatDuration } from '../format.js';
import type { ImageRow } from '../store.js';
import { unreachable } from '../../util/unreachable.js';
import { Paint, spinnerAt, STATE_LOOK } from './theme.js';

/** Props shared by row views. */
export interface RowProps {
  row: ImageRow;
  /** Width of the name column. */
  nameWidth: number;
  /** The clock reading for elapsed times and the spinner. */
  now: number;
  /** A waiting row's unfinished dependencies; default: all of them. */
  waitingFor?: readonly string[];
}

/** A single line, cut with an ellipsis at the terminal's width rather than wrapped. */
export function Line(props: { children: ReactNode }): ReactNode {
  return <Text wrap="truncate-end">{props.children}</Text>;
}

/** The text after the name: what the image is doing or how it ended. */
function detail(row: ImageRow, now: number, waitingFor: readonly string[]): ReactNode {
  switch (row.state) {
    case 'waiting': {
      const deps = waitingFor.join(', ');
      return <Paint dim>{deps === '' ? 'waiting' : `waiting for ${deps}`}</Paint>;
    }
    case 'queued':
      return <Paint dim>queued</Paint>;
    case 'building': {
      const elapsed = row.startedAt === undefined ? '' : `${formatDuration(now - row.startedAt)}  `;
      return <Text>{elapsed}{row.step ?? (row.reason === undefined ? 'starting' : `building (${row.reason})`)}</Text>;
    }
    case 'cached':
      return <Paint dim>{row.cacheSource === 'registry' ? 'cached in registry' : 'cached'}</Paint>;
    case 'built':
      return <Text>built in {formatDuration(row.durationMs ?? 0)}</Text>;
    case 'pushed':
      return <Text>pushed {row.pushedTags.join(', ')}</Text>;
    case 'failed':
      return <Paint tone="red">failed: {row.error ?? 'unknown error'}</Paint>;
    case 'skipped':
      return <Paint tone="yellow">skipped: {row.reason ?? ''}</Paint>;
    default:
      return unreachable(row.state);
  }
}

/** An image's one-line status. */
export function ImageRowLine(props: RowProps): ReactNode {
  const { row } = props;
  const look = STATE_LOOK[row.state];
  const icon = row.state === 'building' ? spinnerAt(props.now) : look.icon;
  return (
    <Line>
      <Paint tone={look.tone}>{icon}</Paint> <Paint bold>{row.name.padEnd(props.nameWidth)}</Paint>  {detail(row, props.now, props.waitingFor ?? row.dependsOn)}
    </Line>
  );
}

/** A failed image's line followed by its failing step, last log lines and hint. */
export function FailedRow(props: RowProps): ReactNode {
  const { row } = props;
  return (
    <Box flexDirection="column">
      <ImageRowLine {...props} />
      {row.step === undefined ? null : <Line>    <Paint dim>at</Paint> {row.step}</Line>}
      {row.logs.map((line, index) => (
        <Line key={index}>
          {'    '}
          <Paint dim>│</Paint> {line}
        </Line>
      ))}
      {row.hint === undefined ? null : (
        <Line>
          {'    '}
          <Paint tone="yellow">hint:</Paint> {row.hint}
        </Line>
      )}
    </Box>
  );
}

/** The right view for a row's state. */
export function RowView(props: RowProps): ReactNode {
  return props.row.state === 'failed' ? <FailedRow {...props} /> : <ImageRowLine {...props} />;
}
