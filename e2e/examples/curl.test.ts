import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { parseCurl, sendCurl } from "./curl.ts";

describe("README curl commands", () => {
  it("parses method, URL, headers, body and streaming", () => {
    const get = parseCurl(["curl", "-s", "localhost:8080/health"]);
    assert.equal(get.method, "GET");
    assert.equal(get.url.href, "http://localhost:8080/health");
    assert.equal(get.stream, false);
    const post = parseCurl([
      "curl",
      "-sN",
      "localhost:8080/gemini?alt=sse",
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"a":1}',
    ]);
    assert.equal(post.method, "POST");
    assert.equal(post.url.search, "?alt=sse");
    assert.deepEqual(post.headers, { "content-type": "application/json" });
    assert.equal(post.body, '{"a":1}');
    assert.equal(post.stream, true);
    assert.equal(parseCurl(["curl", "-X", "DELETE", "http://localhost:9000/x"]).method, "DELETE");
  });

  it("refuses what it cannot send faithfully", () => {
    assert.throws(() => parseCurl(["curl", "--compressed", "localhost:8080"]), /not understood/);
    assert.throws(
      () => parseCurl(["curl", "localhost:8080", "-H", "Authorization: Bearer $KEY"]),
      /unset variable/,
    );
    assert.throws(() => parseCurl(["curl", "-s"]), /without a URL/);
    assert.throws(() => parseCurl(["wget", "x"]), /not a curl/);
  });

  it("sends to the local port that stands for the README's port", async () => {
    const seen: { url?: string; auth?: string; body?: string } = {};
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        Object.assign(seen, { url: req.url, auth: req.headers.authorization, body });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as AddressInfo).port;
      const req = parseCurl(["curl", "localhost:8080/v1/x?y=1", "-H", "Authorization: Bearer k", "-d", "hi"]);
      const res = await sendCurl(req, new Map([[8080, port]]));
      assert.equal(await res.text(), "ok");
      assert.deepEqual(seen, { url: "/v1/x?y=1", auth: "Bearer k", body: "hi" });
      assert.throws(() => sendCurl(req, new Map()), /no local port/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
