import http from "node:http";
/**
 * A minimal OTLP/HTTP (JSON) trace endpoint: what Jaeger's OTLP receiver is to the services,
 * so the test sees the spans the real exporters send.
 */
export async function startOtlpReceiver() {
    const spans = [];
    const server = http.createServer((req, res) => {
        const body = [];
        req.on("data", (chunk) => body.push(chunk));
        req.on("end", () => {
            try {
                const payload = JSON.parse(Buffer.concat(body).toString());
                for (const rs of payload.resourceSpans ?? []) {
                    const service = rs.resource?.attributes?.find((a) => a.key === "service.name")?.value?.stringValue ?? "unknown";
                    for (const ss of rs.scopeSpans ?? []) {
                        for (const span of ss.spans ?? [])
                            spans.push({ service, traceId: span.traceId, name: span.name });
                    }
                }
                res.writeHead(200, { "content-type": "application/json" }).end("{}");
            }
            catch {
                res.writeHead(400).end();
            }
        });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${server.address().port}`,
        spans,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
