// Runs one command against a private MongoDB-wire server: starts FerretDB (tools/ferretdb) in a
// temporary folder, runs the command with MONGODB_URL pointing at it, then stops the server and
// removes the folder, and exits with the command's status. How a test run gets "one server per
// run" without a MongoDB of its own, e.g.
//   node --import tsx tools/local-stack/src/with-ferretdb.ts node --import tsx --test services/notifier/src/store/delivery-log.test.ts
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { startFerretDb } from "./ferretdb-process.js";

// `--as NAME` sets NAME instead of MONGODB_URL: STACK_MONGODB_URL puts a stack's services on
// the server (stack-store-env.ts) rather than the contract suites.
const argv = process.argv.slice(2);
const variable = argv[0] === "--as" ? (argv.splice(0, 2)[1] ?? "") : "MONGODB_URL";
const [command, ...args] = argv;
if (!command || !/^[A-Z_][A-Z0-9_]*$/.test(variable)) {
  process.stderr.write(
    "usage: with-ferretdb.ts [--as NAME] COMMAND [ARG...]  (runs COMMAND with NAME, MONGODB_URL by default, set to a fresh FerretDB)\n",
  );
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "ferretdb-run-"));
const server = await startFerretDb(dir);
process.stderr.write(`with-ferretdb: ${variable}=${server.url} (log: ${server.logFile})\n`);
let status = 1;
try {
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, [variable]: server.url } });
  // The command owns the terminal: pass on a stop request rather than leave it running alone.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  status = await new Promise<number>((resolve) => {
    child.once("error", (error) => {
      process.stderr.write(`with-ferretdb: ${command}: ${error.message}\n`);
      resolve(127);
    });
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
} finally {
  await server.stop();
  // The server's log is kept when the command failed: it names each command FerretDB refused.
  if (status === 0) rmSync(dir, { recursive: true, force: true });
  else process.stderr.write(`with-ferretdb: FerretDB's log kept at ${server.logFile}\n`);
}
process.exit(status);
