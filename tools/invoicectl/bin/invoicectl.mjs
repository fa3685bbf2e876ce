#!/usr/bin/env node
// The installed `invoicectl` command: loads tsx from this package, then runs the TypeScript
// entry point, so it works from any directory (`node --import tsx` resolves from the cwd).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
