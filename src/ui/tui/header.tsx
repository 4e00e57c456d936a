/** The header: round, a progress bar and counts per state. */
import type { ReactNode } from 'react';
import type { StateCounts } from '../store.js';
import { Line } from './row.js';
import { Paint } from './theme.js';

/** `▕██████░░░░▏` for a fraction in [0, 1]. */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏`;
}

/** Props of {@link Header}. */
export interface HeaderProps {
  counts: StateCounts;
  round?: number;
  columns: number;
}

/** One line: `[round 2] ▕███░░░▏ 12/20  3 building · 5 queued · 1 failed`. */
export function Header(props: HeaderProps): ReactNode {
  const { counts } = props;
  const fraction = counts.total === 0 ? 0 : counts.finished / counts.total;
  const barWidth = Math.max(5, Math.min(20, Math.floor(props.columns / 6)));
  const parts: ReactNode[] = [];
  const add = (count: number, label: string, tone?: 'red' | 'yellow' | 'cyan' | 'green'): void => {
    if (count > 0) parts.push(<Paint key={label} {...(tone === undefined ? {} : { tone })}>{`${count} ${label}`}</Paint>);
  };
  add(counts.building, 'building', 'cyan');
  add(counts.queued, 'queued');
  add(counts.waiting, 'waiting');
  add(counts.cached, 'cached', 'green');
  add(counts.built, 'built', 'green');
  add(counts.pushed, 'pushed', 'green');
  add(counts.failed, 'failed', 'red');
  add(counts.skipped, 'skipped', 'yellow');
  return (
    <Line>
      {props.round === undefined ? null : <Paint bold>{`[round ${props.round}] `}</Paint>}
      <Paint tone="cyan">{progressBar(fraction, barWidth)}</Paint> {counts.finished}/{counts.total}
      {parts.map((part, index) => (
        <Paint key={index}>{index === 0 ? '  ' : ' · '}{part}</Paint>
      ))}
    </Line>
  );
}
