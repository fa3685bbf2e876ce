import { loadConfigOrExit } from "@invoicing/service-kit/env-config";
import { createLogger } from "@invoicing/service-kit/logger";
import { onShutdown } from "@invoicing/service-kit/shutdown";
import { startTracing } from "@invoicing/service-kit/tracing";
import { readConfig } from "./config.js";
import { startRenderer } from "./wiring.js";

const config = loadConfigOrExit(() => readConfig());
const tracing = await startTracing("renderer", config.tracing);
const logger = createLogger("renderer");
const renderer = await startRenderer(config, logger);
onShutdown(logger, async () => {
  await renderer.stop();
  await tracing.shutdown();
});
