import { RenderTimeoutError } from "./render-errors.js";

/**
 * `work`, or a RenderTimeoutError once `timeoutMs` have passed (after `onTimeout`, so the pool
 * knows the page is still busy with it and must not be reused). The work itself runs on; its
 * late failure is not reported.
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new RenderTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
