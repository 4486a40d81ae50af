import { DocumentContext } from './document-context';

/** A document that passed dispatch, with what its builder made of it (kept only if it has no errors). */
export interface Built<T> {
  readonly ctx: DocumentContext;
  readonly value: T;
}
