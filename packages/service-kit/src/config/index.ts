export * from "./env-config.js";
export * from "./platform-config.js";
export * from "./tls-config.js";
