// The EPUB stage: rendered briefs to one EPUB 3 book, in memory. Pure: the same input gives the same bytes.
// Spec: EPUB 3.3, https://www.w3.org/TR/epub-33/ (sections cited by their anchor, #sec-…); its accessibility:
// EPUB Accessibility 1.1, https://www.w3.org/TR/epub-a11y-11/ (cited as "EPUB A11y 1.1 #sec-…"), and the roles of
// DPUB-ARIA 1.1, https://www.w3.org/TR/dpub-aria-1.1/.
import { nameBasedUrn } from '../data/ids.ts';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { XhtmlChapter } from '../render/xhtml-chapter.ts';

/** A chapter: its XHTML body, sections and images as render/xhtml-chapter.ts makes them from a brief. */
export interface EpubChapter extends XhtmlChapter {
  /** The brief's name: the chapter's file name and its body class (`brief-<name>`, which the stylesheet uses). */
  name: string;
  title: string;
}

export interface EpubFont {
  /** Relative to the stylesheet, as `fontCss` refers to it, e.g. 'fonts/noto-serif-tc-12-400-normal.woff2'. */
  path: string;
  data: Uint8Array;
}

export interface EpubInput {
  lang: string;
  title: string;
  description: string;
  author: string;
  publisher?: string;
  /** Stable across builds of the same data, e.g. from epubIdentifier(). */
  identifier: string;
  /** 'YYYY-MM-DDThh:mm:ssZ', taken from the data, never from the clock. */
  modified: string;
  /** The edition the book is: its identifier (schema:version) and its publication day (dc:date), YYYY-MM-DD. */
  edition?: { id: string; date: string };
  chapters: EpubChapter[];
  stylesheet: string;
  /** @font-face rules whose url()s name the paths of `fonts`. */
  fontCss?: string;
  fonts?: EpubFont[];
  /** The nav document's heading. */
  tocLabel: string;
  /**
   * The accessibility summary (schema:accessibilitySummary), in the book's language: the locale words it.
   */
  accessibilitySummary: string;
}

const XHTML_NS = 'http://www.w3.org/1999/xhtml';
const OPS_NS = 'http://www.idpf.org/2007/ops';
const CONTENT_DIR = 'OEBPS';
const PACKAGE_FILE = 'content.opf';
const NAV_FILE = 'nav.xhtml';
const STYLESHEET_FILE = 'style.css';

const FONT_MEDIA_TYPES: Record<string, string> = { woff2: 'font/woff2', woff: 'font/woff', otf: 'font/otf', ttf: 'font/ttf' };

/**
 * The conformance the book claims (EPUB A11y 1.1 #sec-conf-reporting-pub: this string exactly), evaluated by its
 * own publisher (#sec-evaluator-name). What backs the claim: test/accessibility.test.ts runs Ace by DAISY on a
 * built book and axe-core's WCAG 2.2 AA rules on the pages the chapters come from.
 */
export const EPUB_CONFORMANCE = 'EPUB Accessibility 1.1 - WCAG 2.2 Level AA';

/**
 * The accessibility summary by language: what the other metadata cannot say (EPUB A11y 1.1 #sec-disc-package:
 * it "complements, but does not duplicate" them). The sentence on images is added when every image has a text
 * alternative; it starts with whatever separates sentences in its language.
 */

/**
 * Rules the book adds after the site stylesheet: the reader, not the page, sets the text size, width and margins.
 * The checklist's boxes come as images with alternate text (img.task-box, styled by the site stylesheet); a
 * fragment that still holds GFM's form controls gets spans drawn with borders instead (no symbol character, which
 * a CJK font may lack), styled here.
 */
const EPUB_CSS = `
/* EPUB: the reading system sets text size, width and margins. */
html { font-size: 100%; }
body { max-width: none; margin: 0; padding: 0; }

/* EPUB: checkboxes of a plain GFM fragment, spans in place of form controls; a settled item is filled and
   ticked. Each colour first without var(), for reading systems that know no custom properties: an empty box and
   a filled one must differ everywhere. */
span.task-box {
  display: inline-block;
  box-sizing: border-box;
  width: 0.95em;
  height: 0.95em;
  margin: 0 0.65em 0 0;
  vertical-align: -0.12em;
  border: 1.5px solid currentColor;
  border-radius: 2px;
  text-indent: 0;
}
span.task-box[aria-checked="true"] {
  background-color: currentColor;
  background-color: var(--accent);
  border-color: var(--accent);
}
span.task-box[aria-checked="true"]::after {
  content: "";
  display: block;
  width: 0.22em;
  height: 0.48em;
  margin: 0.04em 0 0 0.26em;
  border-style: solid;
  border-color: #fff;
  border-color: var(--paper);
  border-width: 0 0.12em 0.12em 0;
  transform: rotate(45deg);
}
`;

/** The book's identifier: a name-based URN of the parts (the language and the chapters' text). */
export const epubIdentifier = (parts: string[]): string => nameBasedUrn(parts);

/** The EPUB file's bytes. Throws on input the book cannot be made from (a bad name, date or font reference). */
export function buildEpub(input: EpubInput): Uint8Array {
  assertEpubInput(input);
  const chapters = input.chapters.map((c) => ({ ...c, file: `${c.name}.xhtml` }));
  const fonts = input.fonts ?? [];
  const text: [string, string][] = [
    ['META-INF/container.xml', containerXml()],
    [`${CONTENT_DIR}/${PACKAGE_FILE}`, packageDocument(input, chapters, fonts)],
    [`${CONTENT_DIR}/${NAV_FILE}`, navDocument(input, chapters)],
    [`${CONTENT_DIR}/${STYLESHEET_FILE}`, epubStylesheet(input)],
    ...chapters.map((c): [string, string] => [`${CONTENT_DIR}/${c.file}`, chapterDocument(input, c)]),
  ];
  return zipEpub(text, fonts, input.modified);
}

function assertEpubInput(input: EpubInput): void {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(input.modified)) {
    throw new Error(`EPUB modified date "${input.modified}" is not YYYY-MM-DDThh:mm:ssZ (EPUB 3.3 #sec-metadata-last-modified)`);
  }
  if (input.chapters.length === 0) throw new Error('an EPUB needs at least one chapter');
  const names = new Set<string>();
  for (const c of input.chapters) {
    if (!/^[a-z][a-z0-9-]*$/.test(c.name) || c.name === 'nav') throw new Error(`EPUB chapter name "${c.name}" must be lower-case letters, digits and hyphens, and not "nav"`);
    if (names.has(c.name)) throw new Error(`EPUB chapter name "${c.name}" is used twice`);
    names.add(c.name);
  }
  const fontPaths = new Set<string>();
  for (const f of input.fonts ?? []) {
    if (!/^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.\w+$/.test(f.path) || !(extension(f.path) in FONT_MEDIA_TYPES)) {
      throw new Error(`EPUB font path "${f.path}" must be a relative path down from the stylesheet, ending in .${Object.keys(FONT_MEDIA_TYPES).join(', .')}`);
    }
    if (fontPaths.has(f.path)) throw new Error(`EPUB font path "${f.path}" is given twice`);
    fontPaths.add(f.path);
  }
  // A url() to a file the book does not hold is an EPUBCheck error (RSC-007); say which one here instead.
  for (const url of cssUrls(input.fontCss ?? '')) {
    if (!fontPaths.has(url)) throw new Error(`EPUB fontCss refers to "${url}", which is not among the fonts given`);
  }
}

const extension = (path: string): string => path.slice(path.lastIndexOf('.') + 1).toLowerCase();

const cssUrls = (css: string): string[] => [...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)].map((m) => m[2]!.trim());

const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** The start of every XHTML document of the book: the XML syntax of HTML (EPUB 3.3 #sec-xhtml). */
function xhtmlHead(lang: string, title: string): string {
  const l = escapeXml(lang);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE html>',
    `<html xmlns="${XHTML_NS}" xmlns:epub="${OPS_NS}" lang="${l}" xml:lang="${l}">`,
    '<head>',
    `<title>${escapeXml(title)}</title>`,
    `<link rel="stylesheet" type="text/css" href="${STYLESHEET_FILE}"/>`,
    '</head>',
  ].join('\n');
}

function chapterDocument(input: EpubInput, chapter: EpubChapter): string {
  return `${xhtmlHead(input.lang, chapter.title)}\n<body class="brief brief-${chapter.name}">\n${chapter.body}\n</body>\n</html>\n`;
}

/** The navigation document (EPUB 3.3 #sec-nav): every chapter and its sections, and where the body starts. */
function navDocument(input: EpubInput, chapters: (EpubChapter & { file: string })[]): string {
  const link = (href: string, text: string) => `<a href="${escapeXml(href)}">${escapeXml(text)}</a>`;
  const items = chapters.map((c) => {
    const sections = c.sections.map((s) => `<li>${link(`${c.file}#${s.id}`, s.text)}</li>`);
    return sections.length === 0 ? `<li>${link(c.file, c.title)}</li>` : `<li>${link(c.file, c.title)}\n<ol>\n${sections.join('\n')}\n</ol>\n</li>`;
  });
  return [
    xhtmlHead(input.lang, input.tocLabel),
    '<body>',
    // The toc's DPUB-ARIA role (doc-toc), as for every epub:type in the chapters.
    '<nav epub:type="toc" id="toc" role="doc-toc">',
    `<h1>${escapeXml(input.tocLabel)}</h1>`,
    '<ol>',
    ...items,
    '</ol>',
    '</nav>',
    // Where reading starts (EPUB 3.3 #sec-nav-landmarks); hidden: a reading system uses it rather than shows it.
    '<nav epub:type="landmarks" hidden="hidden">',
    '<ol>',
    `<li><a epub:type="bodymatter" href="${escapeXml(chapters[0]!.file)}">${escapeXml(chapters[0]!.title)}</a></li>`,
    '</ol>',
    '</nav>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The package document (EPUB 3.3 #sec-package-doc): metadata, every file of the book and the reading order. */
function packageDocument(input: EpubInput, chapters: { name: string; file: string; images: XhtmlChapter['images'] }[], fonts: EpubFont[]): string {
  const item = (id: string, href: string, mediaType: string, properties?: string) =>
    `    <item id="${id}" href="${escapeXml(href)}" media-type="${mediaType}"${properties ? ` properties="${properties}"` : ''}/>`;
  const dc = (name: string, value: string, attributes = '') => `    <dc:${name}${attributes}>${escapeXml(value)}</dc:${name}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${escapeXml(input.lang)}">`,
    '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">',
    dc('identifier', input.identifier, ' id="book-id"'),
    dc('title', input.title),
    dc('language', input.lang),
    dc('creator', input.author),
    ...(input.publisher === undefined ? [] : [dc('publisher', input.publisher)]),
    dc('description', input.description),
    `    <meta property="dcterms:modified">${input.modified}</meta>`,
    ...(input.edition ? [dc('date', input.edition.date), `    <meta property="schema:version">${escapeXml(input.edition.id)}</meta>`] : []),
    ...accessibilityMetadata(input, chapters),
    '  </metadata>',
    '  <manifest>',
    item('nav', NAV_FILE, 'application/xhtml+xml', 'nav'),
    item('style', STYLESHEET_FILE, 'text/css'),
    ...chapters.map((c) => item(`chapter-${c.name}`, c.file, 'application/xhtml+xml')),
    ...fonts.map((f, i) => item(`font-${i + 1}`, f.path, FONT_MEDIA_TYPES[extension(f.path)]!)),
    '  </manifest>',
    '  <spine>',
    ...chapters.map((c) => `    <itemref idref="chapter-${c.name}"/>`),
    '  </spine>',
    '</package>',
    '',
  ].join('\n');
}

/**
 * The accessibility metadata of the package document (EPUB A11y 1.1 #sec-disc-package): how the content can be
 * perceived (accessMode, and the modes sufficient to read all of it, accessModeSufficient), what helps
 * (accessibilityFeature), what could harm (accessibilityHazard), a summary in the book's language, and the
 * conformance claim with who evaluated it (#sec-conf-reporting-pub, #sec-evaluator-name). Values are from the
 * Schema.org Accessibility Properties for Discoverability Vocabulary; the `schema:` and `a11y:` prefixes are
 * reserved in EPUB 3 (EPUB 3.3 #sec-reserved-prefixes), so they are not declared.
 * The book is text with headings, tables and links; images, if a chapter has any, make it visual too, and are read
 * as text only when every one of them has a text alternative.
 */
function accessibilityMetadata(input: EpubInput, chapters: { images: XhtmlChapter['images'] }[]): string[] {
  const images = chapters.reduce((sum, c) => ({ withAlt: sum.withAlt + c.images.withAlt, withoutAlt: sum.withoutAlt + c.images.withoutAlt }), { withAlt: 0, withoutAlt: 0 });
  const hasImages = images.withAlt + images.withoutAlt > 0;
  const allAlt = images.withoutAlt === 0;
  const accessModes = hasImages ? ['textual', 'visual'] : ['textual'];
  // Each value one set of modes: text alone suffices unless an image has no alternative.
  const sufficient = hasImages ? (allAlt ? ['textual', 'textual,visual'] : ['textual,visual']) : ['textual'];
  const features = [
    // Headings in order in every chapter; a nav document listing every chapter and section; a spine in reading order.
    'structuralNavigation',
    'tableOfContents',
    'readingOrder',
    // Reflowable text: the reading system sets size, font, spacing and colours (EPUB_CSS leaves them to it).
    'displayTransformability',
    // Note marks, back-links and the toc carry DPUB-ARIA roles.
    'ARIA',
    ...(hasImages && allAlt ? ['alternativeText'] : []),
  ];
  const summary = input.accessibilitySummary;
  const meta = (property: string, value: string, attributes = '') => `    <meta property="${property}"${attributes}>${escapeXml(value)}</meta>`;
  return [
    ...accessModes.map((m) => meta('schema:accessMode', m)),
    ...sufficient.map((m) => meta('schema:accessModeSufficient', m)),
    ...features.map((f) => meta('schema:accessibilityFeature', f)),
    // No flashing, no motion simulation, no sound.
    meta('schema:accessibilityHazard', 'none'),
    meta('schema:accessibilitySummary', summary),
    meta('dcterms:conformsTo', EPUB_CONFORMANCE, ' id="a11y-conformance"'),
    // Evaluated by its publisher (EPUB A11y 1.1 #sec-evaluator-name: "the name of the party that evaluated").
    meta('a11y:certifiedBy', input.publisher ?? input.author, ' refines="#a11y-conformance"'),
  ];
}

/** META-INF/container.xml names the package document (EPUB 3.3 #sec-container-metainf-container.xml). */
function containerXml(): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">',
    '  <rootfiles>',
    `    <rootfile full-path="${CONTENT_DIR}/${PACKAGE_FILE}" media-type="application/oebps-package+xml"/>`,
    '  </rootfiles>',
    '</container>',
    '',
  ].join('\n');
}

/** The font faces first, then the site stylesheet without its print rules, then the book's own rules. */
function epubStylesheet(input: EpubInput): string {
  return [input.fontCss?.trim(), withoutPrintRules(input.stylesheet).trim(), EPUB_CSS.trim()].filter(Boolean).join('\n\n') + '\n';
}

const PRINT_RULE = /@(?:page\b|media\s+print\s*\{)/y;

/**
 * The stylesheet without its top-level `@page` and `@media print` blocks. They are for paper, not a reading
 * system (which could take A4 margins for its own), and EPUBCheck 4.2.6 cannot parse the margin boxes inside
 * `@page` (CSS-008, an error). Comments and strings are copied whole, so a brace inside one is not counted.
 */
function withoutPrintRules(css: string): string {
  let kept = '';
  let depth = 0;
  let dropping = false;
  for (let i = 0; i < css.length; ) {
    let end = i + 1;
    if (css.startsWith('/*', i)) {
      const close = css.indexOf('*/', i + 2);
      end = close < 0 ? css.length : close + 2;
    } else if (css[i] === '"' || css[i] === "'") {
      for (end = i + 1; end < css.length && css[end] !== css[i]; end++) if (css[end] === '\\') end++;
      end++;
    } else {
      PRINT_RULE.lastIndex = i;
      if (depth === 0 && PRINT_RULE.test(css)) dropping = true;
      if (css[i] === '{') depth++;
      if (css[i] === '}' && --depth === 0 && dropping) {
        dropping = false;
        i = end;
        continue;
      }
    }
    if (!dropping) kept += css.slice(i, end);
    i = end;
  }
  return kept;
}

/**
 * The OCF ZIP container: `mimetype` first, stored, without an extra field (EPUB 3.3 #sec-zip-container-mime).
 * Every entry gets the same date, the day of `modified`: fflate writes DOS dates from local-time getters, so a
 * date built from local fields reads back the same in every time zone, and noon keeps clear of DST switches.
 */
function zipEpub(textFiles: [string, string][], fonts: EpubFont[], modified: string): Uint8Array {
  const [year, month, day] = modified.slice(0, 10).split('-').map(Number) as [number, number, number];
  // DOS dates run from 1980 to 2107 (fflate takes up to 2099): a date outside that range is clamped to its edge.
  const mtime = year < 1980 ? new Date(1980, 0, 1, 12) : year > 2099 ? new Date(2099, 11, 31, 12) : new Date(year, month - 1, day, 12, 0, 0);
  const entries: Zippable = { mimetype: [strToU8('application/epub+zip'), { level: 0, mtime }] };
  for (const [path, text] of textFiles) entries[path] = [strToU8(text), { level: 6, mtime }];
  // Fonts are compressed already; deflating them again gains nothing.
  for (const f of fonts) entries[`${CONTENT_DIR}/${f.path}`] = [f.data, { level: 0, mtime }];
  return zipSync(entries);
}
