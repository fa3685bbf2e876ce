import { create, toBinary, type DescFile, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import * as v1 from "@invoicing/contracts/grpc/reflection/v1/reflection_pb";
import * as v1alpha from "@invoicing/contracts/grpc/reflection/v1alpha/reflection_pb";

// gRPC server reflection (grpc.reflection.v1, and v1alpha for older clients), answered from
// the descriptors protoc-gen-es embeds in the generated code, so `buf curl` and grpcurl work
// against a running server without --schema. Only what the server really serves is listed:
// the services registered on its router, and the files they are defined in with every file
// those import.

type Request = v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest;

/** NOT_FOUND, as grpc.Code, which reflection's ErrorResponse carries. */
const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

export class ReflectionIndex {
  readonly #files = new Map<string, DescFile>();
  readonly #symbols = new Map<string, DescFile>();
  readonly #services: string[];

  constructor(services: readonly DescService[]) {
    const unique = new Map(services.map((service) => [service.typeName, service]));
    this.#services = [...unique.keys()].sort();
    for (const service of unique.values()) this.#addFile(service.file);
  }

  get services(): readonly string[] {
    return this.#services;
  }

  /** The file named, then every file it imports, transitively: all a client needs to decode it. */
  fileWithImports(name: string): Uint8Array[] | undefined {
    const file = this.#files.get(name);
    if (!file) return undefined;
    const seen = new Set<DescFile>();
    const visit = (f: DescFile) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const dependency of f.dependencies) visit(dependency);
    };
    visit(file);
    return [...seen].map((f) => toBinary(FileDescriptorProtoSchema, f.proto));
  }

  fileOfSymbol(symbol: string): string | undefined {
    return this.#symbols.get(symbol)?.proto.name;
  }

  #addFile(file: DescFile): void {
    if (this.#files.has(file.proto.name)) return;
    this.#files.set(file.proto.name, file);
    for (const service of file.services) {
      this.#symbols.set(service.typeName, file);
      for (const method of service.methods) this.#symbols.set(`${service.typeName}.${method.name}`, file);
    }
    for (const enumeration of file.enums) this.#symbols.set(enumeration.typeName, file);
    for (const extension of file.extensions) this.#symbols.set(extension.typeName, file);
    const addMessage = (message: DescMessage) => {
      this.#symbols.set(message.typeName, file);
      for (const nested of message.nestedMessages) addMessage(nested);
      for (const nested of message.nestedEnums) this.#symbols.set(nested.typeName, file);
    };
    for (const message of file.messages) addMessage(message);
    for (const dependency of file.dependencies) this.#addFile(dependency);
  }
}

/** The answer to one request, in the shape both protocol versions share. */
function answer(index: ReflectionIndex, request: Request) {
  const error = (errorCode: number, errorMessage: string) => ({ case: "errorResponse" as const, value: { errorCode, errorMessage } });
  const files = (name: string | undefined, asked: string) => {
    const fileDescriptorProto = name === undefined ? undefined : index.fileWithImports(name);
    return fileDescriptorProto
      ? { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto } }
      : error(NOT_FOUND, `${asked} not found`);
  };
  const asked = request.messageRequest;
  switch (asked.case) {
    case "listServices":
      return { case: "listServicesResponse" as const, value: { service: index.services.map((name) => ({ name })) } };
    case "fileByFilename":
      return files(asked.value, `file ${asked.value}`);
    case "fileContainingSymbol":
      return files(index.fileOfSymbol(asked.value), `symbol ${asked.value}`);
    default:
      // No service here declares or uses extensions.
      return error(UNIMPLEMENTED, `${asked.case ?? "an empty request"} is not supported`);
  }
}

/** Registers grpc.reflection.v1 and v1alpha, listing what `services()` returns when asked. */
export function reflectionRoutes(services: () => readonly DescService[]) {
  let index: ReflectionIndex | undefined;
  // Built on first use: by then every route, reflection's own included, is registered.
  const current = () => {
    index ??= new ReflectionIndex(services());
    return index;
  };
  // The two versions are the same protocol under two package names.
  return (router: ConnectRouter) => {
    for (const version of [v1, v1alpha] as const) {
      router.service(version.ServerReflection as typeof v1.ServerReflection, {
        async *serverReflectionInfo(requests) {
          for await (const request of requests) {
            yield create(version.ServerReflectionResponseSchema as typeof v1.ServerReflectionResponseSchema, {
              validHost: request.host,
              originalRequest: request,
              messageResponse: answer(current(), request),
            });
          }
        },
      });
    }
  };
}
