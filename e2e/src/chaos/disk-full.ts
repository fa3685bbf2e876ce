import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Mounts a small tmpfs at `dir`: a data folder whose disk the harness can fill without filling
 * the machine's. Needs root (CAP_SYS_ADMIN); throws naming the mount command otherwise.
 */
export function mountSmallDisk(dir: string, sizeMiB: number): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMiB}m`, "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`mount -t tmpfs on ${dir} failed (the disk-full fault needs root): ${stderr || String(error)}`);
  }
}

export function unmountSmallDisk(dir: string): void {
  try {
    execFileSync("umount", ["--lazy", dir], { stdio: "pipe" });
  } catch {
    // Not mounted (never was, or already unmounted).
  }
}

/**
 * Fills the disk under `dir` to the last byte, holds it full for `ms`, then frees it: every
 * write there fails ENOSPC / SQLITE_FULL meanwhile. Resolves with the bytes it took.
 */
export async function fillDiskFor(dir: string, ms: number): Promise<number> {
  const path = join(dir, ".chaos-disk-full");
  const fd = openSync(path, "w");
  let taken = 0;
  try {
    for (const chunk of [1 << 20, 1 << 12, 1]) {
      const bytes = Buffer.alloc(chunk);
      for (;;) {
        try {
          taken += writeSync(fd, bytes);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  await sleep(ms);
  rmSync(path, { force: true });
  return taken;
}
