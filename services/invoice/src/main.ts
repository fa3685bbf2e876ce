import { loadConfigOrExit } from "@invoicing/service-kit/config";
import { createLogger } from "@invoicing/service-kit/observability";
import { onShutdown } from "@invoicing/service-kit/lifecycle";
import { startTracing } from "@invoicing/service-kit/observability";
import { readConfig } from "./config.js";
import { startInvoiceService } from "./wiring.js";

const config = loadConfigOrExit(() => readConfig());
const tracing = await startTracing("invoice", config.tracing);
const logger = createLogger("invoice");
const service = await startInvoiceService(config, logger);
onShutdown(logger, async () => {
  await service.stop();
  await tracing.shutdown();
});
