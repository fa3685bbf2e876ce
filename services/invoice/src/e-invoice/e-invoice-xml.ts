import { FormatFactoryService, invoiceSchema, type Invoice as EInvoiceModel, type Logger } from "@e-invoice-eu/core";
import { Ajv2019, type ValidateFunction } from "ajv/dist/2019.js";
import { withPrecedingInvoiceReference } from "./cii-preceding-invoice.js";
import { ciiXml } from "./cii-xml-writer.js";
import { EInvoiceRefusal } from "./e-invoice-refusal.js";
import { withXRechnungRequirements } from "./xrechnung-requirements.js";

/**
 * The XML syntaxes produced from one model, so the Factur-X attachment and the XRechnung
 * files of a document state the same terms. One difference remains in how text is written:
 * the library's XRechnung decodes character references in a text (xml-text.ts), the CII
 * writer does not. Names are e-invoice-eu's format identifiers.
 */
export const E_INVOICE_FORMATS = {
  /** CII at the EN 16931 profile (guideline urn:cen.eu:en16931:2017): the Factur-X attachment. */
  facturXCii: "CII",
  xrechnungUbl: "XRECHNUNG-UBL",
  xrechnungCii: "XRECHNUNG-CII",
} as const;

export type EInvoiceFormat = (typeof E_INVOICE_FORMATS)[keyof typeof E_INVOICE_FORMATS];

// The library reports schema problems by throwing; its logger only carries warnings, which
// must not go to stdout beside the service's JSON log lines.
const silentLogger: Logger = { log: () => {}, warn: () => {}, error: () => {} };
const factory = new FormatFactoryService();

// e-invoice-eu's InvoiceService.generate compiles its whole JSON schema with a new Ajv on
// every call: 130 ms CPU of a 135 ms document. The same steps (the format's schema patch,
// validation with defaults, the format's defaults, generation) with the schema compiled
// once per format cost about 4 ms.
interface CompiledFormat {
  formatter: ReturnType<FormatFactoryService["createFormatService"]>;
  validate: ValidateFunction<EInvoiceModel>;
}
const compiled = new Map<EInvoiceFormat, CompiledFormat>();

function compiledFormat(format: EInvoiceFormat): CompiledFormat {
  let entry = compiled.get(format);
  if (!entry) {
    const formatter = factory.createFormatService(format, silentLogger);
    const schema = structuredClone(invoiceSchema);
    formatter.patchSchema(schema);
    const ajv = new Ajv2019({ strict: true, allErrors: true, useDefaults: true });
    entry = { formatter, validate: ajv.compile(schema) as ValidateFunction<EInvoiceModel> };
    compiled.set(format, entry);
  }
  return entry;
}

/**
 * Compiles every format's schema now rather than on the first document: a library whose schema
 * no longer compiles stops the service at start instead of failing documents one by one.
 */
export function compileEInvoiceFormats(): void {
  for (const format of Object.values(E_INVOICE_FORMATS)) compiledFormat(format);
}

/**
 * The model, checked against the format's schema (refused with EInvoiceRefusal, naming the
 * problems) and with the format's defaults filled in: what the library would write from.
 */
function preparedModel(model: EInvoiceModel, format: EInvoiceFormat): EInvoiceModel {
  const { formatter, validate } = compiledFormat(format);
  const invoice = structuredClone(model);
  if (format !== E_INVOICE_FORMATS.facturXCii) withXRechnungRequirements(invoice);
  if (!validate(invoice)) {
    const problems = (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`).join("; ");
    throw new EInvoiceRefusal(`invoice ${model["ubl:Invoice"]["cbc:ID"]} is not a valid ${format} model: ${problems}`);
  }
  formatter.fillInvoiceDefaults(invoice);
  return invoice;
}

/**
 * The format as e-invoice-eu writes it (for CII with BT-25 added): what XRechnung UBL and CII
 * are served as, and what cii-xml-writer.ts is tested against for the Factur-X CII.
 */
export async function libraryEInvoiceXml(model: EInvoiceModel, format: EInvoiceFormat, lang: string): Promise<string> {
  const invoice = preparedModel(model, format);
  const { formatter } = compiledFormat(format);
  const xml = await formatter.generate(invoice, { format: factory.normalizeFormat(format), lang, noWarnings: true });
  if (typeof xml !== "string") throw new Error(`e-invoice-eu returned binary output for ${format}`);
  return format === E_INVOICE_FORMATS.xrechnungUbl ? xml : withPrecedingInvoiceReference(xml, model);
}

export async function eInvoiceXml(model: EInvoiceModel, format: EInvoiceFormat, lang: string): Promise<string> {
  // The Factur-X CII is written for every document issued, and the library's generate was the
  // largest CPU cost of issuing one: our writer gives its bytes without its DOM, but for text
  // holding character references, which it writes as given (xml-text.ts).
  if (format === E_INVOICE_FORMATS.facturXCii) return ciiXml(preparedModel(model, format));
  return libraryEInvoiceXml(model, format, lang);
}
