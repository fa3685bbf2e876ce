import type { ServerLimits } from "@invoicing/service-kit/rpc";

/**
 * The invoice pod's limit is 512 Mi (deploy/k8s/base/invoice.yaml); the process runs at about
 * 150 MB with its consumers and a render in flight. Its requests are keys and page tokens, so
 * the default 64 KiB request limit and 32 unfinished requests (about 4 MiB) stand. What it
 * sends is large: GetInvoicePdf streams 64 KiB chunks that queue while a slow reader drains
 * them, so a session may hold 4 MB before new streams on it are refused; 64 connections × 4 MB
 * ≈ 256 MiB at the very worst. WatchInvoice streams (INVOICE_MAX_WATCHES, 256 by default, a
 * few tens of KiB each) keep their connections open past the idle timeout: that is what the
 * watch cap is for. Worst case about 420 MB, under 512 Mi.
 */
export const INVOICE_SERVER_LIMITS: Partial<ServerLimits> = {
  maxSessionMemoryMb: 4,
  maxConnections: 64,
};
