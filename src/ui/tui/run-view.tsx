/**
 * The whole TUI frame: settled items in <Static> above, then the header, collapsed counts,
 * the live rows that fit, and the summary once the run is done. A pure function of its props.
 */
import type { ReactNode } from 'react';
import { Box, Static } from 'ink';
import { formatSummary } from '../format.js';
import { FINISHED_STATES, type RunState } from '../store.js';
import { unreachable } from '../../util/unreachable.js';
import { Header } from './header.js';
import { layoutLive } from './layout.js';
import { Line, RowView } from './row.js';
import type { SettledItem } from './settle.js';
import { NoColorContext, Paint, STATE_LOOK } from './theme.js';

/** Props of {@link RunView}. */
export interface RunViewProps {
  state: RunState;
  settled: readonly SettledItem[];
  columns: number;
  rows: number;
  /** Whether this round collapses finished rows (decided once per round: <Static> cannot take lines back). */
  compact: boolean;
  now: number;
  noColor: boolean;
}

const MAX_NAME_WIDTH = 24;

/** Renders one frame. */
export function RunView(props: RunViewProps): ReactNode {
  const { state } = props;
  const layout = layoutLive(state, { terminalRows: props.rows, compact: props.compact });
  const nameWidth = Math.min(MAX_NAME_WIDTH, Math.max(0, ...state.order.map((name) => name.length)));
  const summary = state.summary;
  return (
    <NoColorContext.Provider value={props.noColor}>
      <Static items={[...props.settled]}>
        {(item) => (
          <Box key={item.key} width={props.columns} flexDirection="column">
            <SettledView item={item} nameWidth={nameWidth} now={props.now} />
          </Box>
        )}
      </Static>
      <Box width={props.columns} flexDirection="column">
        {state.order.length === 0 ? null : <Header counts={layout.counts} columns={props.columns} {...(state.round === undefined ? {} : { round: state.round })} />}
        {layout.collapsed.map(({ state: s, count }) => (
          <Line key={s}>
            <Paint tone={STATE_LOOK[s].tone}>{STATE_LOOK[s].icon}</Paint> {count} {s}
          </Line>
        ))}
        {layout.rows.map((row) => (
          <RowView key={row.name} row={row} nameWidth={nameWidth} now={props.now} waitingFor={row.dependsOn.filter((dep) => !isFinished(state, dep))} />
        ))}
        {layout.hidden.length === 0 ? null : (
          <Line>
            <Paint dim>… {layout.hidden.reduce((sum, h) => sum + h.count, 0)} more ({layout.hidden.map((h) => `${h.count} ${h.state}`).join(', ')})</Paint>
          </Line>
        )}
        {summary === undefined ? null : (
          <Line>
            <Paint tone={summary.counts.failed > 0 || summary.interrupted ? 'red' : 'green'} bold>
              {summary.counts.failed > 0 || summary.interrupted ? '✖' : '✔'} {formatSummary(summary)}
            </Paint>
          </Line>
        )}
      </Box>
    </NoColorContext.Provider>
  );
}

function SettledView(props: { item: SettledItem; nameWidth: number; now: number }): ReactNode {
  const { item } = props;
  switch (item.kind) {
    case 'row':
      return <RowView row={item.row} nameWidth={props.nameWidth} now={props.now} />;
    case 'push':
      return (
        <Line>
          <Paint tone={STATE_LOOK.pushed.tone}>{STATE_LOOK.pushed.icon}</Paint> {item.push.image.padEnd(props.nameWidth)}  pushed {item.push.tag} <Paint dim>{item.push.digest}</Paint>
        </Line>
      );
    case 'summary':
      return (
        <Line>
          <Paint bold>{`[round ${item.summary.round ?? '?'}] `}</Paint>
          {formatSummary(item.summary)}
        </Line>
      );
    default:
      return unreachable(item);
  }
}

function isFinished(state: RunState, name: string): boolean {
  const row = state.rows[name];
  return row !== undefined && FINISHED_STATES.has(row.state);
}
