import { createHash } from 'crypto';

/** SHA-256 of `data`, as lowercase hex: the one digest the cache, the stat memo and checked files use. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
