import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatMoney, isCurrencyCode, minorUnitDigits } from "./currency.js";

// ICU uses narrow/non-breaking spaces in some locales; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("currency", () => {
  it("knows minor unit digits", () => {
    assert.equal(minorUnitDigits("EUR"), 2);
    assert.equal(minorUnitDigits("JPY"), 0);
    assert.equal(minorUnitDigits("BHD"), 3);
  });

  it("validates ISO 4217 codes", () => {
    assert.equal(isCurrencyCode("EUR"), true);
    assert.equal(isCurrencyCode("eur"), false);
    assert.equal(isCurrencyCode("XYZ1"), false);
    assert.equal(isCurrencyCode("QQQ"), false);
  });

  it("formats per locale from minor units", () => {
    assert.equal(plain(formatMoney(123456n, "EUR", "de-DE")), "1.234,56 €");
    assert.equal(formatMoney(123456n, "USD", "en-US"), "$1,234.56");
    assert.equal(plain(formatMoney(1099n, "JPY", "ja-JP")), "￥1,099");
    assert.equal(formatMoney(5n, "EUR", "en-US"), "€0.05");
    assert.equal(formatMoney(-250n, "USD", "en-US"), "-$2.50");
    assert.equal(formatMoney(1234n, "BHD", "en-US"), "BHD 1.234".replace(" ", "\u00a0"));
  });

  it("formats amounts beyond 2^53 exactly", () => {
    assert.equal(formatMoney(9007199254740993n, "USD", "en-US"), "$90,071,992,547,409.93");
  });
});
