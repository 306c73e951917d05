/** The certificate authority as the Domain page offers it: production, staging or a custom directory. DOM-free. */

/** The three kinds of CA. */
export type CaKind = 'production' | 'staging' | 'custom';

/** The kind of the stored `acme.ca` value (unset is production). */
export function caKind(ca: string): CaKind {
  return ca === '' || ca === 'production' ? 'production' : ca === 'staging' ? 'staging' : 'custom';
}

/** What `acme.ca` becomes when `kind` is chosen: production stays unset unless it was stored as such. */
export function caValue(kind: CaKind, stored: unknown, url: string): string | undefined {
  if (kind === 'production') return stored === 'production' ? 'production' : undefined;
  return kind === 'staging' ? 'staging' : url;
}
