// Identifiers made from content, never from the clock or chance, so the same inputs give the same ids.
import { createHash } from 'node:crypto';

/** A deterministic `urn:uuid:` from the parts: a SHA-256 name-based UUID (RFC 9562 §5.8, version 8). */
export function nameBasedUrn(parts: readonly string[]): string {
  const bytes = createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
