import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export interface BreakingResult {
  ok: boolean;
  /** One line per change that breaks callers, as buf names it (file:line:column:what). */
  problems: string[];
}

/**
 * `buf breaking` of the module in `repo` (buf.yaml there, its rules: FILE) against the same
 * module at `commit` of that repo's git history. buf reads the commit through the local git,
 * so nothing is fetched.
 */
export function bufBreaking(repo: string, commit: string): BreakingResult {
  const run = spawnSync(bufBinary(), ["breaking", "--against", `.git#ref=${commit}`, "--error-format", "text"], {
    cwd: repo,
    encoding: "utf8",
  });
  if (run.error) throw run.error;
  const problems = run.stdout.split("\n").filter((line) => line.trim() !== "");
  // Exit 100 is buf's "breaking changes found"; anything else non-zero is buf failing to run.
  if (run.status !== 0 && run.status !== 100) {
    throw new Error(`buf breaking failed to run (exit ${run.status}): ${run.stderr.trim() || run.stdout.trim()}`);
  }
  return { ok: run.status === 0, problems };
}

/** The buf binary of the workspace's @bufbuild/buf, the one `pnpm exec buf` runs. */
function bufBinary(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(
    require.resolve("@bufbuild/buf/package.json", { paths: [process.cwd(), join(import.meta.dirname, "..", "..", "..")] }),
  );
  return join(root, "bin", "buf");
}
