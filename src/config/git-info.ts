import { execFileSync } from 'node:child_process';

/** The built-in git facts a manifest may interpolate. Empty strings outside a git repository. */
export interface GitInfo {
  sha: string;
  shortSha: string;
  branch: string;
}

/** Returns a function that reads the git facts of `dir` on first call only, and never throws. */
export function lazyGitInfo(dir: string): () => GitInfo {
  let info: GitInfo | undefined;
  return () => (info ??= readGitInfo(dir));
}

function readGitInfo(dir: string): GitInfo {
  // `--short` needs a lone revision, so the abbreviated sha takes a second call.
  const [sha = '', branch = ''] = git(dir, ['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD']).split('\n');
  if (sha === '') return { sha: '', shortSha: '', branch: '' };
  return {
    sha,
    shortSha: git(dir, ['rev-parse', '--short', 'HEAD']),
    // A detached HEAD has no branch.
    branch: branch === 'HEAD' ? '' : branch,
  };
}

function git(dir: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    }).trim();
  } catch {
    return '';
  }
}
