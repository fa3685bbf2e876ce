import { runCli } from "./cli.js";

// `invoicectl ...` (or `pnpm invoicectl ...`): see USAGE in cli.ts for commands and exit codes.
process.exitCode = await runCli(process.argv.slice(2));
