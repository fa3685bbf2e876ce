import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inches, printParameters } from "./print-parameters.js";

describe("print parameters", () => {
  it("ask for the paper, no margins unless given, and one page past the limit", () => {
    const a4 = printParameters({ format: "A4", landscape: false }, 50);
    assert.equal(a4.paperWidth, 8.27);
    assert.equal(a4.paperHeight, 11.7);
    assert.equal(a4.marginTop + a4.marginRight + a4.marginBottom + a4.marginLeft, 0);
    assert.equal(a4.pageRanges, "1-51");
    assert.equal(a4.generateTaggedPDF, false);
    const letter = printParameters({ format: "Letter", landscape: true, margin: { top: "1in", left: "25.4mm" } }, 1);
    assert.deepEqual([letter.paperWidth, letter.paperHeight, letter.landscape], [8.5, 11, true]);
    assert.equal(letter.marginTop, 1);
    assert.ok(Math.abs(letter.marginLeft - 1) < 1e-12);
    assert.equal(letter.marginBottom, 0);
  });

  it("convert every unit the API accepts, pt included", () => {
    assert.equal(inches("72pt"), 1);
    assert.equal(inches("96px"), 1);
    assert.ok(Math.abs(inches("2.54cm") - 1) < 1e-12);
    assert.equal(inches("0.5in"), 0.5);
    assert.equal(inches(undefined), 0);
    assert.throws(() => inches("12em"), /not a CSS length/);
  });
});
