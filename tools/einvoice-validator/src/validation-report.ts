import { XMLParser } from "fast-xml-parser";

/** Mustang's severities (org.mustangproject.validator.ESeverity). Only error, fatal and exception make a file invalid. */
export type FindingSeverity = "notice" | "warning" | "error" | "fatal" | "exception";

/** Which check said it: the XML's Schema and Schematron, the PDF (veraPDF's PDF/A check and the attachment), or the file as a whole. */
export type FindingPart = "xml" | "pdf" | "file";

export interface EInvoiceFinding {
  severity: FindingSeverity;
  part: FindingPart;
  /**
   * The Schematron rule (BR-AE-02, BR-DE-15, PEPPOL-EN16931-R010, ...) when the message names
   * one, else Mustang's own error type (`mustang-23` is "Not a PDF/A-3").
   */
  ruleId: string;
  message: string;
  /** XPath of the offending element, when the Schematron gives one. */
  location?: string;
  /** The Schematron assertion that failed. */
  criterion?: string;
}

/** A PDF/A rule veraPDF found broken: ISO 19005-n and its clause. */
export interface PdfaFailure {
  specification: string;
  clause: string;
  testNumber: number;
  /** How many places in the file break it. */
  count: number;
}

export interface EInvoiceValidation {
  file: string;
  /** Mustang's verdict for the whole file (summary status="valid"). */
  valid: boolean;
  /** BT-24, the specification identifier the XML declares (the XRechnung or EN 16931 URN). */
  profile?: string;
  validatorVersion?: string;
  findings: EInvoiceFinding[];
  errors: EInvoiceFinding[];
  warnings: EInvoiceFinding[];
  /** veraPDF's failed assertions for a PDF, grouped by rule; empty for XML. */
  pdfaFailures: PdfaFailure[];
  /** The time Mustang spent on this file inside the JVM. */
  millis: number;
}

// Worst first: the parser groups a report's messages by element name, so this is their order in the result.
const severities: readonly FindingSeverity[] = ["exception", "fatal", "error", "warning", "notice"];
const invalidating: readonly FindingSeverity[] = ["error", "fatal", "exception"];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name, jpath) => name === "report" || (severities as readonly string[]).includes(name) || jpath === "reports.report",
});

// The XML the parser gives back: nested records, strings and arrays.
type Node = Record<string, unknown>;

/** Parses the `<reports>` document of ValidateEInvoices (one Mustang report per file) into one result per file. */
export function parseValidationReports(xml: string): EInvoiceValidation[] {
  const document = parser.parse(xml) as Node;
  const reports = child(document, "reports");
  if (!reports) throw new Error(`the validator's output has no <reports> element: ${xml.slice(0, 200)}`);
  return arrayOf(reports["report"]).map((report) => parseReport(report));
}

function parseReport(report: Node): EInvoiceValidation {
  const file = String(report["@_file"] ?? "");
  const validation = child(report, "validation");
  if (!validation) throw new Error(`${file}: the validator's report has no <validation> element`);
  const xmlPart = child(validation, "xml");
  const pdfPart = child(validation, "pdf");
  const findings = [
    ...findingsOf(child(xmlPart, "messages"), "xml"),
    ...findingsOf(child(pdfPart, "messages"), "pdf"),
    ...findingsOf(child(validation, "messages"), "file"),
  ];
  const info = child(xmlPart, "info");
  const status = child(validation, "summary")?.["@_status"];
  return {
    file,
    valid: status === "valid",
    profile: textOf(info?.["profile"]),
    validatorVersion: textOf(child(info, "validator")?.["@_version"]),
    findings,
    errors: findings.filter((finding) => invalidating.includes(finding.severity)),
    warnings: findings.filter((finding) => finding.severity === "warning"),
    pdfaFailures: pdfaFailuresOf(textOf(pdfPart?.["#text"]) ?? ""),
    millis: Number(report["@_millis"] ?? 0),
  };
}

function findingsOf(messages: Node | undefined, part: FindingPart): EInvoiceFinding[] {
  if (!messages) return [];
  return severities.flatMap((severity) =>
    arrayOf(messages[severity]).map((item) => {
      const message = (textOf(item["#text"]) ?? "").trim();
      const location = textOf(item["@_location"]);
      const criterion = textOf(item["@_criterion"]);
      return {
        severity,
        part,
        ruleId: ruleIdOf(message) ?? `mustang-${textOf(item["@_type"]) ?? "unknown"}`,
        message,
        ...(location === undefined ? {} : { location }),
        ...(criterion === undefined ? {} : { criterion }),
      };
    }),
  );
}

/** Mustang appends the Schematron rule's id to its message as `[ID BR-AE-02]`. */
export function ruleIdOf(message: string): string | undefined {
  return /\[ID ([^\]\s]+)\]/.exec(message)?.[1];
}

/**
 * Mustang embeds veraPDF's result as its toString(), not as XML; the failed assertions are the
 * one part worth keeping, each `RuleId [specification=..., clause=..., testNumber=...], status=failed`.
 */
export function pdfaFailuresOf(veraPdfText: string): PdfaFailure[] {
  const counts = new Map<string, PdfaFailure>();
  const pattern = /RuleId \[specification=([^,\]]+), clause=([^,\]]+), testNumber=(\d+)\], status=failed/g;
  for (const match of veraPdfText.matchAll(pattern)) {
    const key = `${match[1]}|${match[2]}|${match[3]}`;
    const known = counts.get(key);
    if (known) known.count += 1;
    else counts.set(key, { specification: match[1]!, clause: match[2]!, testNumber: Number(match[3]), count: 1 });
  }
  return [...counts.values()];
}

function child(node: Node | undefined, name: string): Node | undefined {
  const value = node?.[name];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

function arrayOf(value: unknown): Node[] {
  if (value === undefined || value === "") return [];
  const items = Array.isArray(value) ? value : [value];
  // An element with text only (<error>text</error> without attributes) comes back as a string.
  return items.map((item) => (typeof item === "object" && item !== null ? (item as Node) : { "#text": String(item) }));
}

function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object") return textOf((value as Node)["#text"]);
  return String(value);
}
