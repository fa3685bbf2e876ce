import { loadConfigOrExit } from "@invoicing/service-kit/env-config";
import { createLogger } from "@invoicing/service-kit/logger";
import { onShutdown } from "@invoicing/service-kit/shutdown";
import { startTracing } from "@invoicing/service-kit/tracing";
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
