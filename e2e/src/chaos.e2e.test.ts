import { describe, it } from "node:test";
import { chaosShortForm, SHORT_FORM_TIMEOUT_MS } from "./chaos/short-form.js";

describe("the pipeline under chaos, its stores in SQLite files", { timeout: SHORT_FORM_TIMEOUT_MS }, () => {
  it("loses, duplicates, misnumbers and misdirects nothing while every service and the broker die, a store locks, the disk fills, mail is refused and events are forged", (t) =>
    chaosShortForm(t, "sqlite"));
});
