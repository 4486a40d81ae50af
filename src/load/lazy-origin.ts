import { SourceLocation } from '../diagnostics/diagnostic';
import { Origin } from '../model/origin';
import { LazyLocation } from './lazy-location';
import type { Locator, Target } from './yaml-locator';

/**
 * An Origin decoded from the document cache (document-codec.ts), whose location object is made on first read of `at`
 * (then kept: every read gives the same object). It reads, spreads, serializes and compares like `{ at, path }`: `at`
 * is an own enumerable accessor (first, as in an origin literal), `path` an own data property.
 *
 * One object and one property definition per origin, where an origin literal and its LazyLocation cost two objects
 * and three: a cached tier-L project holds some 30,000 origins, decoded on every run, and a field's origin is read only
 * when a diagnostic points at it (a document's own origin, read for its file name by every stage, is decoded as an
 * origin literal: load-project.ts fromStore). Reading `at` is an accessor call: not for origins read in hot loops.
 */
export class LazyOrigin implements Origin {
  // An own accessor (AT), defined in the constructor before `path` so that the keys read `at`, `path`.
  public declare readonly at: SourceLocation;
  public declare readonly path: string;
  readonly #file: string;
  readonly #locator: Locator;
  readonly #target: Target;
  #at?: SourceLocation;

  /** `file`: the file's path; `locator`: its document's; `path`: the field's formatted path. */
  public constructor(file: string, locator: Locator, path: string, target: Target) {
    Object.defineProperty(this, 'at', AT);
    (this as { path: string }).path = path;
    this.#file = file;
    this.#locator = locator;
    this.#target = target;
  }

  /** The location (made once). */
  public location(): SourceLocation {
    return (this.#at ??= new LazyLocation(this.#file, this.#locator, this.path, this.#target));
  }
}

const AT: PropertyDescriptor = {
  get(this: LazyOrigin): SourceLocation {
    return this.location();
  },
  enumerable: true,
  configurable: true,
};
