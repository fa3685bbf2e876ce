import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { documentLanguage } from "./document-language.js";

describe("documentLanguage", () => {
  it("takes the locale's language, whatever its region or script", () => {
    assert.equal(documentLanguage("de-DE"), "de");
    assert.equal(documentLanguage("de-AT"), "de");
    assert.equal(documentLanguage("fr"), "fr");
    assert.equal(documentLanguage("fr-CA"), "fr");
    assert.equal(documentLanguage("es-MX"), "es");
    assert.equal(documentLanguage("it-CH"), "it");
    assert.equal(documentLanguage("en-GB"), "en");
    assert.equal(documentLanguage("DE-de"), "de");
  });

  it("falls back to English for a language the documents are not written in, or no locale at all", () => {
    assert.equal(documentLanguage("ja-JP"), "en");
    assert.equal(documentLanguage("pt-BR"), "en");
    assert.equal(documentLanguage(""), "en");
    assert.equal(documentLanguage("not a locale"), "en");
  });
});
