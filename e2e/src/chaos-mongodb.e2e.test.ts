import { describe, it } from "node:test";
import { chaosShortForm, SHORT_FORM_TIMEOUT_MS } from "./chaos/short-form.js";

// The same run on MongoDB wire: the stack starts a FerretDB of its own (tools/ferretdb) rather
// than take the test run's MONGODB_URL, because two of its faults are done to that server
// itself: it is killed and started again on its data, and its disk is filled.
describe("the pipeline under chaos, its stores on one MongoDB-wire server", { timeout: SHORT_FORM_TIMEOUT_MS }, () => {
  it("loses, duplicates, misnumbers and misdirects nothing while every service, the broker and the MongoDB server die, its disk fills, mail is refused and events are forged", (t) =>
    chaosShortForm(t, "mongodb"));
});
