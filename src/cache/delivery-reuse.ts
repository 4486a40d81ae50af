import { DeliveryTable } from '../compile/delivery';
import { renderDelivery } from '../emit/delivery/render-delivery';
import { sha256 } from '../util/sha256';
import { IncrementalCache, keyOf } from './incremental-cache';
import { KeptFile, keptRecorded, renderedKinds } from './kept-files';

/** What {@link renderDeliveryReusing} produced. */
export interface DeliveryRender {
  /** The delivery files rendered in this run (none when the output folder holds them all). */
  readonly tree: Map<string, string>;
  /** The delivery files the output folder already holds with the bytes they render to: neither rendered nor read. */
  readonly kept: ReadonlyMap<string, KeptFile>;
  /** SHA-256 of every delivery file, rendered or kept, by path. */
  readonly hashes: ReadonlyMap<string, string>;
}

/**
 * The delivery files of `table` (`renderDelivery`: `_argocd/`, `_flux-<cluster>/`), kept as the output folder holds
 * them when an earlier run of this build rendered the same table and every one of its files there still has the
 * bytes recorded for it (kept-files.ts); else rendered, and recorded for the next run. The files depend on the
 * table alone (it lists every folder, kind and setting they are made of), so its JSON text is the key: the bytes are
 * those `renderDelivery(table)` gives either way. Delivery objects rarely change while routes do, and building them
 * (the Argo CD and Flux constructs) costs more than checking their files.
 */
export function renderDeliveryReusing(table: DeliveryTable, opts: { readonly cache: IncrementalCache; readonly outDir?: string }): DeliveryRender {
  const key = keyOf(['delivery', JSON.stringify(table)]);
  const record = opts.outDir === undefined ? undefined : opts.cache.table(key);
  const kept = record && keptRecorded(opts.outDir!, record, opts.cache);
  if (kept) return { tree: new Map(), kept, hashes: new Map([...kept].map(([path, file]) => [path, file.hash])) };
  const tree = renderDelivery(table);
  const hashes = new Map([...tree].map(([path, text]) => [path, sha256(text)]));
  const kinds = renderedKinds(tree);
  opts.cache.setTable(key, { findings: [], files: Object.fromEntries(hashes), kinds: Object.fromEntries(kinds) });
  return { tree, kept: new Map(), hashes };
}
