import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthListResponseSchema,
} from "@invoicing/contracts/grpc/health/v1/health_pb";
import { EventEmitter, on } from "node:events";

export { ServingStatus };

/**
 * The grpc.health.v1 state of one server. "" is the whole server; services register their
 * full name. Kubernetes gRPC probes ask for "" unless told otherwise.
 */
export class HealthState {
  readonly #statuses = new Map<string, ServingStatus>([["", ServingStatus.SERVING]]);
  readonly #changes = new EventEmitter();

  set(status: ServingStatus, service = ""): void {
    if (this.#statuses.get(service) === status) return;
    this.#statuses.set(service, status);
    this.#changes.emit("change", service);
  }

  get(service = ""): ServingStatus | undefined {
    return this.#statuses.get(service);
  }

  all(): ReadonlyMap<string, ServingStatus> {
    return this.#statuses;
  }

  changes(signal: AbortSignal): AsyncIterable<unknown[]> {
    return on(this.#changes, "change", { signal });
  }
}

export function healthRoutes(state: HealthState) {
  return (router: ConnectRouter) =>
    router.service(Health, {
      check(req) {
        const status = state.get(req.service);
        if (status === undefined) {
          throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
        }
        return create(HealthCheckResponseSchema, { status });
      },
      list() {
        const statuses: Record<string, ReturnType<typeof create<typeof HealthCheckResponseSchema>>> = {};
        for (const [service, status] of state.all()) {
          statuses[service] = create(HealthCheckResponseSchema, { status });
        }
        return create(HealthListResponseSchema, { statuses });
      },
      async *watch(req, ctx) {
        const current = () => state.get(req.service) ?? ServingStatus.SERVICE_UNKNOWN;
        // Subscribed before the first answer, so a change right after it is not missed.
        const changes = state.changes(ctx.signal);
        let last = current();
        yield create(HealthCheckResponseSchema, { status: last });
        try {
          for await (const _ of changes) {
            const now = current();
            if (now === last) continue;
            last = now;
            yield create(HealthCheckResponseSchema, { status: now });
          }
        } catch (error) {
          if (ctx.signal.aborted) return;
          throw error;
        }
      },
    });
}
