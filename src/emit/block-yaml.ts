import { toYaml } from '../util/yaml-text';

/**
 * js-yaml's block output (`toYaml`, js-yaml@4.3.2 lib/dumper.js writeBlockMapping/writeBlockSequence/writeScalar with
 * kfaas's options) for plain data, written directly: what the YAML writer spends most of a render's time on is
 * js-yaml walking the same shapes of route entries again and again, deciding each scalar's style from scratch.
 *
 * Layout is js-yaml's: a mapping's pairs and a sequence's items each on a new line indented two spaces per level,
 * except the first of a compact node (a sequence item's own mapping or sequence starts on the `- ` line); a value that
 * starts a new line follows its key's `:` directly. A scalar is written as js-yaml writes it on its own: on one line
 * (no line feed, lineWidth -1) its style (plain, quoted, escaped) does not depend on where it stands, so each
 * distinct scalar is written once, by js-yaml itself, unless it is plainly safe (below). Anything else (a string with
 * a line feed, which becomes a block scalar whose lines depend on the depth, empty maps and lists, null, undefined,
 * non-integer or unsafe numbers, a key js-yaml would write as an explicit `? ` pair, anything but plain objects and
 * arrays) is not written here: {@link BlockYaml.lines} answers undefined and the caller asks js-yaml for the whole
 * value. Tests compare the bytes with `toYaml` over generated values.
 */
export class BlockYaml {
  /** Each distinct scalar's text (null: not writable here). */
  private readonly scalars = new Map<string, string | null>();
  /** `\n` and the indentation of each level (under the base indentation). */
  private readonly newLines: string[] = [];

  /** @param base indentation of every line (the depth the text is spliced in at) */
  public constructor(private readonly base: string) {}

  /**
   * `value` written as the only item of a block sequence (`- ...`), every line indented by `base` and ended by a
   * line feed; what `toYaml([value])` gives with `base` before each line. Undefined when it cannot be written here.
   */
  public sequenceItem(value: unknown): string | undefined {
    // Written into one list and joined once: a flat string, which the files that splice it in copy cheaply (a string
    // built by `+=` is a rope, walked again on every copy).
    const out = [this.base, '- '];
    if (!this.node(value, 1, true, out)) return undefined;
    if (out[2].charCodeAt(0) === LINE_FEED) out[1] = '-';
    out.push('\n');
    return out.join('');
  }

  /**
   * `value` written as a whole document, ended by a line feed: what `toYaml(value)` gives, for a writer whose base is
   * empty. Undefined when it cannot be written here.
   */
  public document(value: unknown): string | undefined {
    const out: string[] = [];
    if (this.base !== '' || !this.node(value, 0, true, out)) return undefined;
    out.push('\n');
    return out.join('');
  }

  /** Appends what js-yaml's writeNode leaves in `state.dump` for `value` at `level`; false when it cannot. */
  private node(value: unknown, level: number, compact: boolean, out: string[]): boolean {
    switch (typeof value) {
      case 'string': {
        // A value with line feeds: a literal block scalar, indented by its depth (the base counts as levels too).
        const text = value.includes('\n') ? literalBlock(value, this.base.length + 2 * Math.max(1, level)) : this.scalar(value);
        if (text === undefined) return false;
        out.push(text);
        return true;
      }
      case 'number':
        // js-yaml's int type (decimal); -0 and non-integers are floats, written otherwise.
        if (!Number.isSafeInteger(value) || Object.is(value, -0)) return false;
        out.push(String(value));
        return true;
      case 'boolean':
        out.push(value ? 'true' : 'false');
        return true;
      case 'object':
        if (value === null) return false;
        if (Array.isArray(value)) return value.length > 0 && this.sequence(value, level, compact, out);
        return Object.getPrototypeOf(value) === Object.prototype && this.mapping(value as Record<string, unknown>, level, compact, out);
      default:
        return false;
    }
  }

  /** A block sequence; its first line is the `- ` line's rest when compact. */
  private sequence(items: readonly unknown[], level: number, compact: boolean, out: string[]): boolean {
    for (let i = 0; i < items.length; i++) {
      if (!compact || i > 0) out.push(this.newLine(level));
      const dash = out.push('- ') - 1;
      if (!this.node(items[i], level + 1, true, out)) return false;
      // A nested node that starts a new line follows a bare `-`.
      if (out[dash + 1].charCodeAt(0) === LINE_FEED) out[dash] = '-';
    }
    return true;
  }

  /** A block mapping; its first pair is the `- ` line's rest when compact. */
  private mapping(obj: Record<string, unknown>, level: number, compact: boolean, out: string[]): boolean {
    const keys = Object.keys(obj);
    if (keys.length === 0) return false;
    for (let i = 0; i < keys.length; i++) {
      // A key is a single-line-only scalar: on one line, the style a value gets.
      const key = this.scalar(keys[i]);
      // js-yaml writes a key longer than 1024 characters as an explicit pair (`? key`).
      if (key === undefined || key.length > 1024) return false;
      if (!compact || i > 0) out.push(this.newLine(level));
      out.push(key);
      const colon = out.push(': ') - 1;
      if (!this.node(obj[keys[i]], level + 1, false, out)) return false;
      // A value that starts a new line follows a bare `:`.
      if (out[colon + 1].charCodeAt(0) === LINE_FEED) out[colon] = ':';
    }
    return true;
  }

  private newLine(level: number): string {
    let text = this.newLines[level];
    if (text === undefined) this.newLines[level] = text = `\n${this.base}${'  '.repeat(level)}`;
    return text;
  }

  /** A string as js-yaml writes it (as a value or a key); undefined when it has a line feed. */
  private scalar(value: string): string | undefined {
    let text = this.scalars.get(value);
    if (text === undefined) {
      text = value.includes('\n') ? null : plainlySafe(value) ? value : toYaml(value).slice(0, -1);
      this.scalars.set(value, text);
    }
    return text ?? undefined;
  }
}

const LINE_FEED = 10;

/**
 * Only line feeds and characters js-yaml calls printable (dumper.js isPrintable: no other control character, no
 * U+2028/U+2029, no byte order mark, no lone surrogate): js-yaml writes such text with line feeds as a literal block.
 */
const LITERAL_SAFE = /^[\n\x20-\x7e\xa1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;

/**
 * A string with line feeds as js-yaml writes it as a value indented by `indent` spaces (dumper.js writeScalar,
 * STYLE_LITERAL with lineWidth -1: blockHeader, indentString, dropEndingNewline): `|`, an indentation indicator
 * when it starts with spaces (after empty lines), `-` without a final line feed or `+` with more than one, then its
 * lines indented (empty lines as they are). Undefined for text js-yaml writes double-quoted instead.
 */
function literalBlock(text: string, indent: number): string | undefined {
  if (!LITERAL_SAFE.test(text)) return undefined;
  const clip = text.endsWith('\n');
  const chomp = clip && (text.endsWith('\n\n') || text === '\n') ? '+' : clip ? '' : '-';
  const out = [`|${/^\n* /.test(text) ? '2' : ''}${chomp}\n`];
  const pad = ' '.repeat(indent);
  for (let at = 0; at < text.length;) {
    const next = text.indexOf('\n', at);
    const end = next < 0 ? text.length : next + 1;
    if (end - at > 1 || next < 0) out.push(pad);
    out.push(text.slice(at, end));
    at = end;
  }
  const block = out.join('');
  return clip ? block.slice(0, -1) : block;
}

/**
 * Strings js-yaml writes plain, known without asking it: a letter or `/` first, then letters, digits and `/._-,`
 * only (no indicator, no `: `, no ` #`, nothing non-printable), and not a word another type resolves (null, true,
 * false, and YAML 1.1's yes/no/on/off/y/n, all in their cases: at most five letters; a string with a character that
 * is not a letter, first a letter or `/`, is no number, date or null either). Any other string is written by js-yaml.
 */
function plainlySafe(value: string): boolean {
  if (!SAFE.test(value)) return false;
  return value.length > 5 || !LETTERS.test(value);
}

const SAFE = /^[A-Za-z/][A-Za-z0-9/._,-]*$/;
const LETTERS = /^[A-Za-z]+$/;
