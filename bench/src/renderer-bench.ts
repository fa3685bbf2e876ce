import { GrpcPdfRenderer } from "@invoicing/invoice/render-client";
import { startService, type ServiceProcess } from "@invoicing/local-stack/service-process";
import { processTreeMemory } from "@invoicing/renderer/process-memory";
import { join } from "node:path";
import { closedLoop, type CpuWindow, type LoopResult } from "./load-loops.js";

/**
 * A renderer service as its own process, called over gRPC by the invoice service's own client
 * (grpc-js, round robin, retries): everything a render costs in the pipeline but the pipeline.
 */
export class RendererUnderTest {
  private constructor(
    readonly service: ServiceProcess,
    readonly client: GrpcPdfRenderer,
  ) {}

  static async start(options: { pages: number; logDir: string; name: string; env?: Record<string, string> }): Promise<RendererUnderTest> {
    const service = await startService({
      service: "renderer",
      name: options.name,
      env: { RENDER_PAGES: String(options.pages), ...options.env },
      logFile: join(options.logDir, `${options.name}.log`),
    });
    return new RendererUnderTest(service, new GrpcPdfRenderer(`127.0.0.1:${service.port}`, 30_000));
  }

  rate(html: string, concurrency: number, timing: { warmupMs: number; windowMs: number }, window?: CpuWindow): Promise<LoopResult> {
    return closedLoop(concurrency, timing, () => this.client.renderPdf(html), window);
  }

  /**
   * Renders until `count` renders in all have been done (this process's own calls), at
   * `concurrency`, then reads the resident memory of the renderer and its browser processes.
   */
  async memoryAfter(html: string, count: number, concurrency: number, done: { renders: number }): Promise<number> {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (done.renders < count) {
          done.renders++;
          await this.client.renderPdf(html);
        }
      }),
    );
    return processTreeMemory(this.service.process.pid!);
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.service.stop();
  }
}
