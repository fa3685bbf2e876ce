export * from "./raw-grpc-stream.js";
