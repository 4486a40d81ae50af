import { SourceLocation } from '../diagnostics/diagnostic';

/** Where a value was written: file position plus the field path inside its document. */
export interface Origin {
  readonly at: SourceLocation;
  /** Field path inside the document, e.g. `spec.match[1].prefix`. */
  readonly path: string;
}
