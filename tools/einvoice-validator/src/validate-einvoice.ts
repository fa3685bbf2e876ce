import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { assertEInvoiceKind, type EInvoiceKind } from "./einvoice-kind.js";
import { type EInvoiceValidation, parseValidationReports } from "./validation-report.js";
import { buildEInvoiceValidator } from "./validator-classpath.js";

export interface EInvoiceFile {
  path: string;
  kind: EInvoiceKind;
}

export interface EInvoiceBatch {
  results: EInvoiceValidation[];
  /** The whole run, JVM start and Schematron compilation included. */
  wallMillis: number;
}

const mainClass = "invoicing.tools.einvoice.ValidateEInvoices";

/** Validates one file with Mustang's validator: a Factur-X/ZUGFeRD PDF, a CII or a UBL invoice. */
export async function validateEInvoice(path: string, kind: EInvoiceKind): Promise<EInvoiceValidation> {
  const { results } = await validateEInvoices([{ path, kind }]);
  return results[0]!;
}

/**
 * Validates several files in one JVM: starting Java and loading the validator costs about
 * three seconds, each further XML file a few hundred milliseconds, so callers with many files
 * should hand them in together. Results come back in the order of `files`.
 */
export async function validateEInvoices(files: readonly EInvoiceFile[]): Promise<EInvoiceBatch> {
  if (files.length === 0) throw new Error("validateEInvoices: no files given");
  const paths = await Promise.all(
    files.map(async ({ path, kind }) => {
      const absolute = resolve(path);
      assertEInvoiceKind(path, await readFile(absolute), kind);
      return absolute;
    }),
  );
  const classpath = await buildEInvoiceValidator();
  const started = performance.now();
  const stdout = await runJava(["-cp", classpath, mainClass, ...paths]);
  const wallMillis = Math.round(performance.now() - started);
  const results = parseValidationReports(stdout);
  if (results.length !== paths.length || results.some((result, index) => result.file !== paths[index])) {
    throw new Error(`the validator reported on ${results.map((result) => result.file).join(", ")}, asked for ${paths.join(", ")}`);
  }
  return { results, wallMillis };
}

function runJava(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    // Headless: veraPDF's font handling loads AWT, which must never look for a display.
    const child = spawn("java", ["-Djava.awt.headless=true", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => reject(new Error(`could not start java for the e-invoice validator: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) return resolvePromise(Buffer.concat(stdout).toString("utf8"));
      const tail = Buffer.concat(stderr).toString("utf8").slice(-2000);
      reject(new Error(`the e-invoice validator exited with ${signal ?? code}: ${tail}`));
    });
  });
}
