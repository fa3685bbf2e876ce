import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const toolDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Builds the validator if its classpath is missing or older than its sources (a few
 * milliseconds otherwise; scripts/install.sh has usually built it) and returns the `java -cp`
 * argument.
 */
export async function buildEInvoiceValidator(): Promise<string> {
  const { stdout } = await promisify(execFile)("bash", [join(toolDir, "build.sh")], { maxBuffer: 1 << 20 });
  const classpathFile = stdout.trim().split("\n").pop() ?? "";
  if (!existsSync(classpathFile)) throw new Error(`tools/einvoice-validator/build.sh printed no classpath file: ${stdout}`);
  return readFileSync(classpathFile, "utf8").trim();
}
