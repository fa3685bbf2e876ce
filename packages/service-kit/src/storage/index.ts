export * from "./sqlite-database.js";
export * from "./mongo-connection.js";
