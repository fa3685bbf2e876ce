import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  documentContentSecurityPolicy,
  mayDeclareRefresh,
  pageIsReusable,
  refusalFor,
  refuseRequest,
  withContentSecurityPolicy,
  type PageAfterRender,
} from "./hostile-input-policy.js";

const policy = `<meta http-equiv="Content-Security-Policy" content="${documentContentSecurityPolicy}">`;

describe("withContentSecurityPolicy", () => {
  const frame = `<iframe src="data:text/html,x"></iframe>`;

  it("puts the policy after a leading doctype, so the document keeps its standards mode", () => {
    assert.equal(withContentSecurityPolicy(`<!DOCTYPE html>${frame}`), `<!DOCTYPE html>${policy}${frame}`);
    assert.equal(
      withContentSecurityPolicy(`\n  <!-- invoice --> <!doctype html>\n${frame}`),
      `\n  <!-- invoice --> <!doctype html>${policy}\n${frame}`,
    );
  });

  it("puts the policy first in a document without a doctype, even one that hides one later", () => {
    assert.equal(withContentSecurityPolicy(`${frame}<!doctype html>`), `${policy}${frame}<!doctype html>`);
  });

  for (const element of [
    "<IFRAME src=x>",
    "<frameset>",
    "<frame/>",
    "<object data=x>",
    "<embed src=x>",
    "<form action=x>",
    "<base href=x>",
    "<video src=x>",
    "<svg><foreignObject><iframe>",
  ]) {
    it(`applies the policy to a document with ${element}`, () => {
      assert.ok(withContentSecurityPolicy(`<p>x</p>${element}`).startsWith(policy));
    });
  }

  it("leaves a document with nothing the policy acts on as it is", () => {
    const invoice = `<!doctype html><meta charset="utf-8"><style>td{color:red}</style><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><formula-x></formula-x><p>a form, an iframe</p>`;
    assert.equal(withContentSecurityPolicy(invoice), invoice);
  });

  it("blocks frames, plugins, forms and base URLs, and allows only data: resources", () => {
    for (const directive of [
      "default-src 'none'",
      "frame-src 'none'",
      "object-src 'none'",
      "form-action 'none'",
      "base-uri 'none'",
      "img-src data:",
    ]) {
      assert.ok(documentContentSecurityPolicy.includes(directive), directive);
    }
    assert.doesNotMatch(documentContentSecurityPolicy, /https?:|\*/);
  });
});

describe("mayDeclareRefresh", () => {
  it("suspects any document that writes http-equiv, in any case", () => {
    assert.equal(mayDeclareRefresh(`<meta http-equiv="refresh" content="0">`), true);
    assert.equal(mayDeclareRefresh(`<META HTTP-EQUIV=Refresh CONTENT=1>`), true);
    assert.equal(mayDeclareRefresh(`<meta http-equiv="content-type" content="text/html">`), true);
  });

  it("clears a document without it", () => {
    assert.equal(mayDeclareRefresh(`<!doctype html><meta charset="utf-8"><h1>Invoice</h1>`), false);
  });
});

describe("pageIsReusable", () => {
  const clean: PageAfterRender = { closed: false, crashed: false, url: "about:blank", frames: 1, declaresRefresh: false };

  it("reuses a page that is still on its written document with no frames", () => {
    assert.equal(pageIsReusable(clean), true);
  });

  for (const [what, change] of [
    ["navigated away (an error page)", { url: "chrome-error://chromewebdata/" }],
    ["navigated to a data: document", { url: "data:text/html,x" }],
    ["holding a frame", { frames: 2 }],
    ["with a refresh scheduled", { declaresRefresh: true }],
    ["crashed", { crashed: true }],
    ["closed", { closed: true }],
  ] as const) {
    it(`does not reuse a page ${what}`, () => {
      assert.equal(pageIsReusable({ ...clean, ...change }), false);
    });
  }
});

describe("refuseRequest (the request rule)", () => {
  // A route as Playwright hands it over: what the rule did with it is recorded.
  const intercepted = (navigation: boolean) => {
    const answers: Array<string | undefined> = [];
    return {
      answers,
      route: { request: () => ({ isNavigationRequest: () => navigation }), abort: async (code?: string) => void answers.push(code) },
    };
  };

  it("aborts every request, whatever it asks for", async () => {
    for (const navigation of [false, true]) {
      const { answers, route } = intercepted(navigation);
      await refuseRequest(route);
      assert.deepEqual(answers, [refusalFor({ isNavigationRequest: () => navigation })]);
    }
  });

  it("aborts a navigation as `aborted`, so Chromium keeps the written document instead of an error page", () => {
    assert.equal(refusalFor({ isNavigationRequest: () => true }), "aborted");
  });

  it("aborts a subresource as blocked by the client", () => {
    assert.equal(refusalFor({ isNavigationRequest: () => false }), "blockedbyclient");
  });
});
