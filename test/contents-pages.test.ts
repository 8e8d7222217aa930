// The dossier's contents numbered before it is printed: from its briefs' own PDFs and one print of what is left.
import { describe, expect, it } from 'vitest';
import { boundContentsPages, type BoundPart, type ContentsTarget } from '../pipeline/print/contents-pages.ts';

const own = (pages: number, destinations: Record<string, number>): BoundPart['own'] => ({ pages, destinations: new Map(Object.entries(destinations)) });
const measured = (pages: number, destinations: Record<string, number>) => ({ pages, destinations: new Map(Object.entries(destinations)) });

describe('numbering a bound document from its parts', () => {
  // A cover and two pages of contents, then a 4-page and a 3-page brief.
  const parts: BoundPart[] = [
    { idPrefix: 'a-', own: own(4, { intro: 1, later: 3 }) },
    { idPrefix: 'b-', own: own(3, { first: 2, last: 3 }) },
  ];
  const targets: ContentsTarget[] = [
    { id: 'contents', part: -1 },
    { id: 'a-top', part: 0 },
    { id: 'a-intro', part: 0 },
    { id: 'a-later', part: 0 },
    { id: 'b-top', part: 1 },
    { id: 'b-first', part: 1 },
    { id: 'b-last', part: 1 },
  ];

  it('offsets each part by the pages before it, and opens each part at its title', () => {
    const pages = boundContentsPages(parts, targets, measured(3, { contents: 2 }));
    expect(pages && Object.fromEntries(pages)).toEqual({ contents: 2, 'a-top': 4, 'a-intro': 4, 'a-later': 6, 'b-top': 8, 'b-first': 9, 'b-last': 10 });
  });

  it('measures a part that has no PDF of its own where it stands among the others', () => {
    const withChanges: BoundPart[] = [...parts, { idPrefix: 'c-' }];
    const more: ContentsTarget[] = [...targets, { id: 'c-top', part: 2 }, { id: 'c-end', part: 2 }];
    // Without the two briefs, the changes page is pages 4–5 of the measuring print.
    const pages = boundContentsPages(withChanges, more, measured(5, { contents: 2, 'c-top': 4, 'c-end': 5 }));
    expect(pages?.get('c-top')).toBe(11);
    expect(pages?.get('c-end')).toBe(12);
    expect(pages?.get('b-last')).toBe(10);
  });

  it('gives up on an entry it cannot place, so the printer measures the whole document instead', () => {
    expect(boundContentsPages(parts, [...targets, { id: 'a-missing', part: 0 }], measured(3, { contents: 2 }))).toBeUndefined();
    expect(boundContentsPages([...parts, { idPrefix: 'c-' }], [...targets, { id: 'c-top', part: 2 }], measured(3, { contents: 2 }))).toBeUndefined();
    expect(boundContentsPages(parts, targets, measured(3, {}))).toBeUndefined();
  });
});
