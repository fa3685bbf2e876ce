import { loadConfigOrExit } from "@invoicing/service-kit/config";
import { createLogger } from "@invoicing/service-kit/observability";
import { onShutdown } from "@invoicing/service-kit/lifecycle";
import { startTracing } from "@invoicing/service-kit/observability";
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
