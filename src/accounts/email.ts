/**
 * What an e-mail address is here, in one place: registration, sign-in and the welcome
 * e-mail all use it.
 *
 * An address is stored in one canonical form, so that the ways of writing one address
 * are one account: surrounding spaces dropped; Unicode NFC (a composed and a decomposed
 * "é" are one letter); lower case; the domain in ASCII (an internationalised domain and
 * its punycode are one domain). Accepted: a dot-atom local part (UTF-8 letters allowed)
 * at a domain with a top-level part, at most 254 characters. Refused: quoted local parts
 * (`"john doe"@example.com`), IP-address domains, control characters, and anything mail
 * providers would not deliver to, so that a welcome e-mail never waits on an address
 * that cannot work.
 */
import { domainToASCII } from "node:url";
import { isEmail } from "class-validator";

export const EMAIL_MAX_LENGTH = 254;

/** The canonical form of `raw`, or null when it is not an address we accept. */
export function canonicalEmail(raw: string): string | null {
  if (typeof raw !== "string" || !raw.isWellFormed()) return null;
  const trimmed = raw.trim().normalize("NFC");
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f-\u009f\s]/.test(trimmed)) return null;
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return null;
  const local = trimmed.slice(0, at).toLowerCase();
  if (local.startsWith('"')) return null;
  const domain = domainToASCII(trimmed.slice(at + 1).toLowerCase());
  if (domain === "") return null;
  const address = `${local}@${domain}`;
  if (address.length > EMAIL_MAX_LENGTH) return null;
  const valid = isEmail(address, {
    allow_utf8_local_part: true,
    require_tld: true,
    allow_ip_domain: false,
    allow_display_name: false,
    allow_underscores: false,
  });
  return valid ? address : null;
}

/** True for an address in its canonical form (as stored). */
export function isCanonicalEmail(value: unknown): value is string {
  return typeof value === "string" && canonicalEmail(value) === value;
}
