import assert from "node:assert/strict";
import { test } from "node:test";
import { detectEInvoiceKind } from "./einvoice-kind.js";
import { parseValidationReports, pdfaFailuresOf, ruleIdOf } from "./validation-report.js";

// The shape of ValidateEInvoices' output around Mustang 2.25.0's report, cut to one finding of each part.
const report = `<?xml version="1.0" encoding="UTF-8"?>
<reports>
<report file="/tmp/a.xml" millis="295">
<validation filename="a.xml" datetime="2026-12-03 14:21:51">
  <xml>
    <info><profile>urn:cen.eu:en16931:2017</profile><validator version="2.25.0"/></info>
    <messages>
      <error type="4" location="/x[1]" criterion="a and b">[BR-AE-02]-An Invoice &amp; more. [ID BR-AE-02] from /xslt/ZF_250/FACTUR-X_EN16931.xslt)</error>
      <notice type="27" location="/y">[BR-DE-15] Buyer reference. [ID BR-DE-15] from /xslt/XR_30/XRechnung-CII-validation.xslt)</notice>
    </messages>
    <summary status="invalid"/>
  </xml>
  <messages></messages>
  <summary status="invalid"/>
</validation>
</report>
<report file="/tmp/b.pdf" millis="2062">
<validation filename="b.pdf">
  <pdf>ValidationResult [assertions=[TestAssertion [ruleId=RuleId [specification=ISO 19005-1:2005, clause=6.2.3.3, testNumber=1], status=failed, message=m], TestAssertion [ruleId=RuleId [specification=ISO 19005-1:2005, clause=6.2.3.3, testNumber=1], status=failed, message=m], TestAssertion [ruleId=RuleId [specification=ISO 19005-1:2005, clause=6.1.3, testNumber=1], status=passed, message=m]]]
    <messages><error type="23">Not a PDF/A-3</error></messages>
    <summary status="invalid"/>
  </pdf>
  <messages><exception type="17">XML could not be extracted</exception></messages>
  <summary status="invalid"/>
</validation>
</report>
</reports>`;

test("each file's report becomes its verdict and findings, rule ids taken from the messages", () => {
  const [xml, pdf] = parseValidationReports(report);
  assert.equal(xml!.file, "/tmp/a.xml");
  assert.equal(xml!.valid, false);
  assert.equal(xml!.profile, "urn:cen.eu:en16931:2017");
  assert.equal(xml!.validatorVersion, "2.25.0");
  assert.equal(xml!.millis, 295);
  assert.deepEqual(
    xml!.findings.map((finding) => [finding.severity, finding.ruleId]),
    [
      ["error", "BR-AE-02"],
      ["notice", "BR-DE-15"],
    ],
  );
  assert.equal(xml!.errors.length, 1);
  assert.match(xml!.errors[0]!.message, /An Invoice & more/);
  assert.equal(xml!.errors[0]!.location, "/x[1]");
  assert.equal(xml!.errors[0]!.criterion, "a and b");

  assert.deepEqual(
    pdf!.errors.map((finding) => [finding.part, finding.severity, finding.ruleId, finding.message]),
    [
      ["pdf", "error", "mustang-23", "Not a PDF/A-3"],
      ["file", "exception", "mustang-17", "XML could not be extracted"],
    ],
  );
  assert.deepEqual(pdf!.pdfaFailures, [{ specification: "ISO 19005-1:2005", clause: "6.2.3.3", testNumber: 1, count: 2 }]);
});

test("a valid report with no findings is valid", () => {
  const [result] = parseValidationReports(
    `<reports><report file="f" millis="1"><validation><xml><messages></messages><summary status="valid"/></xml><messages></messages><summary status="valid"/></validation></report></reports>`,
  );
  assert.equal(result!.valid, true);
  assert.deepEqual(result!.findings, []);
});

test("output without <reports> is an error, not an empty result", () => {
  assert.throws(() => parseValidationReports("Exception in thread main"), /no <reports> element/);
});

test("rule ids and PDF/A clauses", () => {
  assert.equal(ruleIdOf("Seller electronic address MUST be provided [ID PEPPOL-EN16931-R020] from x"), "PEPPOL-EN16931-R020");
  assert.equal(ruleIdOf("Not a PDF/A-3"), undefined);
  assert.deepEqual(pdfaFailuresOf("no assertions"), []);
});

test("a file's kind from its bytes", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  assert.equal(detectEInvoiceKind(bytes("%PDF-1.7\n")), "factur-x-pdf");
  assert.equal(
    detectEInvoiceKind(
      bytes(
        `<?xml version="1.0"?><!-- c --><rsm:CrossIndustryInvoice xmlns:rsm="x"><rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>`,
      ),
    ),
    "cii",
  );
  assert.equal(
    detectEInvoiceKind(
      bytes(
        `<rsm:CrossIndustryInvoice><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</ram:ID>`,
      ),
    ),
    "xrechnung-cii",
  );
  assert.equal(
    detectEInvoiceKind(bytes(`<Invoice xmlns="urn:oasis"><cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>`)),
    "ubl",
  );
  assert.equal(detectEInvoiceKind(bytes(`<html></html>`)), undefined);
});
