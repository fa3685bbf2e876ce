// Runs the given unit test files in this one process: node:test reports them together, and
// the seventy-odd files share one start of Node and tsx instead of paying for one each (on two
// cores that start-up, not the tests, was most of the time). Isolation per file is what
// `bash scripts/test.sh` gives; unit tests must not depend on it.
import { pathToFileURL } from "node:url";

for (const file of process.argv.slice(2)) await import(pathToFileURL(file).href);
