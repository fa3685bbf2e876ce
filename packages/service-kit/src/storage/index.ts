export * from "./sqlite-database.js";
export * from "./mongo-connection.js";
export * from "./mongo-indexes.js";
export * from "./folder-on-demand.js";
