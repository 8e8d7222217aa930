// Chinese punctuation in the data's text, by the Ministry of Education's 《重訂標點符號手冊》 and W3C's Requirements
// for Chinese Text Layout (clreq): ASCII marks between Han characters as their full-width forms. The data stays as its
// source wrote it; the views typeset what they print (printed.ts, printedDataset).

const HAN = '\\p{Script=Han}';
/** A Han character or CJK punctuation (「」、。…): what counts as Chinese on either side of a mark. */
const CJK = '[\\p{Script=Han}\\u3000-\\u303F\\uFF00-\\uFFEF\\u2014\\u2018-\\u201D\\u2026]';
const FULL_WIDTH: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）' };
const BETWEEN = new RegExp(`(?<=${CJK})[,:;?!](?=${CJK}|$)`, 'gu');
const PAREN = new RegExp(`\\(([^()]*)\\)`, 'gu');
const HAS_HAN = new RegExp(HAN, 'u');

/**
 * ASCII , : ; ? ! between Han characters (or after one, at the end) as their full-width forms, and ASCII parentheses
 * as full-width ones where either side of them, or what they hold, is Chinese. A URL, a time (12:02) or Latin text
 * keeps its ASCII marks: they stand between digits or letters, not between Han characters.
 */
export function fullWidthPunctuation(text: string): string {
  const paired = text.replace(PAREN, (whole, inner: string, at: number) => {
    const before = text[at - 1] ?? '';
    const after = text[at + whole.length] ?? '';
    return HAS_HAN.test(before) || HAS_HAN.test(after) || HAS_HAN.test(inner) ? `（${inner}）` : whole;
  });
  return paired.replace(BETWEEN, (mark) => FULL_WIDTH[mark]!);
}

/** Whether printed text is typeset (the default) or printed exactly as the data has it: publication.yaml decides. */
export type Punctuation = 'full-width' | 'as-written';

export const typesetText = (text: string, punctuation: Punctuation): string => (punctuation === 'full-width' ? fullWidthPunctuation(text) : text);
