// The fields of a dataset that print as text, and the one walk that changes them all: typesetting (views/typeset.ts)
// and conversion to the other script (convert.ts) both go through it, so no text field is ever missed.

/** The fields of the dataset that hold prose or names, which print as text (not ids, dates, URLs, file names). */
const TEXT_FIELDS = new Set(['name', 'name_variants', 'title', 'basis', 'purpose', 'summary', 'text', 'ordinal_in_source', 'country', 'short_title', 'publisher', 'cover_lines', 'keywords']);

/**
 * The dataset with every text field passed through `convert`, once, before any view wording is added around it: the
 * one place where printed data text is changed (typeset here; converted to another script by the zh-Hans edition).
 */
export function mapDatasetText<T>(data: T, convert: (text: string) => string): T {
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (typeof value === 'string') return key !== undefined && TEXT_FIELDS.has(key) ? convert(value) : value;
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return walk(data, undefined) as T;
}
