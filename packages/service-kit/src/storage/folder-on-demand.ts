import { mkdir } from "node:fs/promises";

/**
 * Runs `write` (a file written into `folder`), making the folder only when the write finds it
 * missing, then writing again. A mkdir before every PDF or mail was a system call per document
 * that showed in the invoice service's and the notifier's profiles; a folder removed while the
 * service runs is still made again.
 */
export async function writeIntoFolder<T>(folder: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(folder, { recursive: true });
  return write();
}
