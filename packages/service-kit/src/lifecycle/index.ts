export * from "./shutdown.js";
