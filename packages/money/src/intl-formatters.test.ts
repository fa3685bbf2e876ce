import assert from "node:assert/strict";
import { test } from "node:test";
import { dateFormat, numberFormat } from "./intl-formatters.js";

test("a formatter is built once per locale and options key, and formats as a new one would", () => {
  const first = numberFormat("de-DE", "percent", { style: "percent" });
  assert.equal(numberFormat("de-DE", "percent", { style: "percent" }), first);
  assert.notEqual(numberFormat("fr-FR", "percent", { style: "percent" }), first);
  assert.equal(first.format(0.19), new Intl.NumberFormat("de-DE", { style: "percent" }).format(0.19));
  const date = dateFormat("de-DE", "long UTC", { dateStyle: "long", timeZone: "UTC" });
  assert.equal(date.format(new Date("2026-11-25T23:30:00Z")), "25. November 2026");
});

test("locales sent by callers do not grow the kept formatters without end", () => {
  const first = numberFormat("en-US", "plain", {});
  for (let i = 0; i < 300; i++) numberFormat(`en-US-x-c${i}`, "plain", {});
  // Past the bound the kept ones were dropped, so the first is built anew.
  assert.notEqual(numberFormat("en-US", "plain", {}), first);
});
