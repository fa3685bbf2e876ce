import { create } from "@bufbuild/protobuf";
import { SellerSchema, type Invoice, type Seller } from "@invoicing/contracts/invoicing/invoice/v1/invoice_pb";

/** The seller's details as configured (SELLER_*) and as recorded on a document. */
export type SellerDetails = Omit<Seller, "$typeName" | "$unknown">;

/** The configured seller as the record a document keeps from its numbering on. */
export const sellerRecord = (configured: SellerDetails): Seller => create(SellerSchema, configured);

/**
 * The seller a document states: the one recorded when it was numbered, so a PDF rendered
 * again after a crash and an XML written a year later name the seller of the issue date even
 * if the configuration changed meanwhile. Documents numbered before sellers were recorded
 * fall back to the configured one.
 */
export function documentSeller(document: Invoice, configured: SellerDetails): SellerDetails {
  return document.seller ?? configured;
}
