// The seller is configured as free address lines (SELLER_ADDRESS, split on "|"), the way the
// PDF prints them. EN 16931 wants them as fields (BT-35 street, BT-37 city, BT-38 post code,
// BT-40 country), so this reads the configured shape "street|post code city|country" until the
// configuration carries the fields themselves.

export interface SellerPostalAddress {
  street: string;
  additionalStreet: string | undefined;
  postCode: string;
  city: string;
  countryCode: string;
}

export function sellerPostalAddress(addressLines: readonly string[]): SellerPostalAddress {
  const lines = addressLines.map((line) => line.trim()).filter((line) => line !== "");
  const country = lines.at(-1) ?? "";
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new Error(`SELLER_ADDRESS must end with an ISO 3166 country code line (e.g. "DE"), got "${country}"`);
  }
  const cityLine = lines.at(-2) ?? "";
  const cityMatch = /^(\S+)\s+(.+)$/.exec(cityLine);
  if (lines.length < 3 || !cityMatch) {
    throw new Error(`SELLER_ADDRESS must read "street|post code city|country", got "${addressLines.join("|")}"`);
  }
  return {
    street: lines[0] as string,
    additionalStreet: lines.length > 3 ? lines.slice(1, -2).join(", ") : undefined,
    postCode: cityMatch[1] as string,
    city: cityMatch[2] as string,
    countryCode: country,
  };
}
