import { execFileSync } from "node:child_process";

/**
 * The commit whose contracts a change is checked against: the last commit on `branch` (main)
 * that changed proto/. On main itself that is the contracts as they stand, so the check judges
 * what is not committed yet; on a branch it is what callers built against. Falls back to HEAD's
 * history when there is no such branch (a detached checkout), and to undefined when the folder
 * is not a git checkout or proto/ was never committed.
 */
export function breakingBaseline(repo: string, branch = "main", protoDir = "proto"): string | undefined {
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  try {
    git("rev-parse", "--git-dir");
  } catch {
    return undefined;
  }
  const ref = hasRef(git, branch) ? branch : "HEAD";
  if (!hasRef(git, ref)) return undefined;
  return git("log", "-1", "--format=%H", ref, "--", protoDir) || undefined;
}

function hasRef(git: (...args: string[]) => string, ref: string): boolean {
  try {
    git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
    return true;
  } catch {
    return false;
  }
}
