import { execFileSync } from 'node:child_process';
import { kilnBin } from '../helpers/cli.js';

/** A detached tmux session of fixed size running one shell command: a real terminal for the TUI. */
export interface TmuxSession {
  /** The visible pane, one string per row, trailing blanks trimmed. */
  capture(): string;
  /** Polls the pane until `match` holds; throws with the last capture on timeout. */
  waitFor(match: (pane: string) => boolean, timeoutMs?: number): Promise<string>;
  sendKeys(...keys: string[]): void;
  kill(): void;
}

const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

/** Starts `node bin/kiln.js <args>; echo EXIT:$?` in `cwd` in a `columns`×`rows` pane. */
export function startTmux(options: { name: string; cwd: string; args: string[]; env: Record<string, string>; columns?: number; rows?: number }): TmuxSession {
  const exports = Object.entries({ TERM: 'xterm-256color', NO_COLOR: '1', ...options.env })
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(' ');
  const command = `cd ${shellQuote(options.cwd)} && env -u CI ${exports} ${shellQuote(process.execPath)} ${shellQuote(kilnBin)} ${options.args.map(shellQuote).join(' ')}; echo EXIT:$?; sleep 600`;
  tmux('new-session', '-d', '-s', options.name, '-x', String(options.columns ?? 100), '-y', String(options.rows ?? 30), command);
  const capture = (): string => tmux('capture-pane', '-p', '-t', options.name).split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();
  return {
    capture,
    async waitFor(match, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      let pane = capture();
      while (!match(pane)) {
        if (Date.now() > end) throw new Error(`timed out; the pane shows:\n${pane}`);
        await new Promise((r) => setTimeout(r, 150));
        pane = capture();
      }
      return pane;
    },
    sendKeys: (...keys) => void tmux('send-keys', '-t', options.name, ...keys),
    kill: () => {
      try {
        tmux('kill-session', '-t', options.name);
      } catch {
        // Already gone.
      }
    },
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
