import { mongoContract } from "@invoicing/local-stack/mongo-contract";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePdfStore } from "./file-pdf-store.js";
import { GridFsPdfStore } from "./gridfs-pdf-store.js";
import { pdfStoreContract } from "./pdf-store.contract.js";

pdfStoreContract("files", async () => new FilePdfStore(mkdtempSync(join(tmpdir(), "pdf-store-"))));

mongoContract("PdfStore contract: gridfs", (connect) => pdfStoreContract("gridfs", async () => new GridFsPdfStore((await connect()).db)));
