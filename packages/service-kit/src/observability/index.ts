export * from "./logger.js";
export * from "./tracing.js";
export * from "./metrics-server.js";
export * from "./span-attributes.js";
