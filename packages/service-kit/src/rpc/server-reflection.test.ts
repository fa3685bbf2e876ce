import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Health } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { InvoiceService } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReflectionIndex } from "./server-reflection.js";

describe("the reflection index", () => {
  const index = new ReflectionIndex([InvoiceService, Health, InvoiceService]);
  const names = (files: Uint8Array[] | undefined) => (files ?? []).map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);

  it("lists each service served once, by full name", () => {
    assert.deepEqual(index.services, ["grpc.health.v1.Health", "invoicing.invoice.v1.InvoiceService"]);
  });

  it("finds the file of a service, a method, a message, a nested enum value's enum and an imported type", () => {
    const invoiceFile = "invoicing/invoice/v1/invoice.proto";
    assert.equal(index.fileOfSymbol("invoicing.invoice.v1.InvoiceService"), invoiceFile);
    assert.equal(index.fileOfSymbol("invoicing.invoice.v1.InvoiceService.GetInvoiceDocument"), invoiceFile);
    assert.equal(index.fileOfSymbol("invoicing.invoice.v1.DocumentFormat"), invoiceFile);
    assert.equal(index.fileOfSymbol("grpc.health.v1.HealthCheckResponse.ServingStatus"), "grpc/health/v1/health.proto");
    assert.equal(index.fileOfSymbol("invoicing.common.v1.Customer"), "invoicing/common/v1/common.proto");
    assert.equal(index.fileOfSymbol("google.protobuf.Timestamp"), "google/protobuf/timestamp.proto");
    assert.equal(index.fileOfSymbol("invoicing.order.v1.OrderService"), undefined, "a service not served is not known");
  });

  it("answers a file with every file it imports, transitively, and nothing for an unknown file", () => {
    const files = names(index.fileWithImports("invoicing/invoice/v1/invoice.proto"));
    assert.equal(files[0], "invoicing/invoice/v1/invoice.proto");
    for (const imported of ["invoicing/common/v1/common.proto", "google/protobuf/timestamp.proto"]) {
      assert.ok(files.includes(imported), `no ${imported} in ${files.join(", ")}`);
    }
    assert.equal(new Set(files).size, files.length, "each file once");
    assert.equal(index.fileWithImports("nowhere.proto"), undefined);
  });
});
