import type { ServiceName } from "@invoicing/local-stack/service-process";
import { CpuMeter, processOnly, processTree, summed, thisProcess } from "./cpu-meter.js";
import type { PipelineUnderTest } from "./pipeline-bench.js";
import type { RendererUnderTest } from "./renderer-bench.js";

// How each part's CPU is split into the processes it runs. Chromium is never a named part: it
// is measured as the whole machine less our own processes (cpu-meter.ts says why), so "our own
// processes" is every named part, and the issue's target is on their sum.

export const CHROMIUM_AND_REST = "Chromium and the rest of the machine";
export const NOTIFIER = "notifier";

/** Every process of `service` in the stack: "renderer", or "renderer-1", "renderer-2"... scaled out. */
export function servicePids(pipeline: PipelineUnderTest, service: ServiceName): Array<number | undefined> {
  const ofService = new RegExp(`^${service}(?:-\\d+)?$`);
  return [...pipeline.stack.processes].filter(([name]) => ofService.test(name)).map(([, process]) => process.process.pid);
}

/** (a): Playwright in this process; its browser is Chromium. */
export const bareCpuMeter = (): CpuMeter => new CpuMeter({ "Playwright (this process)": thisProcess }, CHROMIUM_AND_REST);

/** (c): the renderer's Node without its browser, and the gRPC client in this process. */
export const rendererCpuMeter = (renderer: RendererUnderTest): CpuMeter =>
  new CpuMeter(
    { "renderer's Node": processOnly(renderer.service.process.pid), "gRPC client (this process)": thisProcess },
    CHROMIUM_AND_REST,
  );

/**
 * (d): each service's processes summed, so a scaled-out stack has the same parts as one of
 * each: "renderer's Node" is every renderer's Node (their browsers are Chromium), "invoice"
 * every invoice worker with whatever it starts.
 */
export function pipelineCpuMeter(pipeline: PipelineUnderTest): CpuMeter {
  const each = (service: ServiceName, counter: typeof processTree) => summed(servicePids(pipeline, service).map(counter));
  return new CpuMeter(
    {
      "renderer's Node": each("renderer", processOnly),
      invoice: each("invoice", processTree),
      order: each("order", processTree),
      [NOTIFIER]: each("notifier", processTree),
      "nats-server": processTree(pipeline.stack.nats.process.pid),
      "payments client (this process)": thisProcess,
    },
    CHROMIUM_AND_REST,
  );
}
