import assert from "node:assert/strict";
import { test } from "node:test";
import { textProblem } from "./field-problem.js";

test("a text an XML document could not hold is refused, naming the field and the character", () => {
  assert.match(textProblem("Line\u000Bbreak", "customer.name", 200)?.problem ?? "", /control characters.*U\+000B/);
  assert.equal(textProblem("A\u0001", "items[0].description", 200)?.field, "items[0].description");
  assert.match(textProblem("half \uD83D pair", "refund_reason", 200)?.problem ?? "", /U\+D83D/);
  assert.match(textProblem("\uFFFF", "customer.name", 200)?.problem ?? "", /U\+FFFF/);
});

test("tabs, line breaks and any well-formed text stay allowed", () => {
  for (const text of ["Tab\there", "two\nlines", "CR\r\nLF", "Zahnrad 😀 歯車", "A & B <Co>"]) {
    assert.equal(textProblem(text, "customer.name", 200), undefined, JSON.stringify(text));
  }
});
