// The Atom feed of editions (RFC 4287): one entry per edition publication.yaml lists, newest first, each with links
// to its PDFs and EPUB in every language and its changes as the content, so a reader's feed reader says when a new
// edition is out and what it changed. Ids are content-derived URNs, dates come from the editions, never the clock.
import { nameBasedUrn } from '../data/ids.ts';

export const FEED_FILE = 'feed.xml';

export interface FeedFile {
  /** Relative to the feed (the site's root) for this edition, or absolute (a release asset) for an earlier one. */
  href: string;
  type: 'application/pdf' | 'application/epub+zip';
  lang: string;
  title: string;
}

export interface FeedEntry {
  /** The edition's identifier and its day, YYYY-MM-DD. */
  id: string;
  date: string;
  title: string;
  /** The changes since the edition before it, as an HTML fragment. */
  contentHtml: string;
  files: FeedFile[];
  /** A page about the edition: its changes page, or the index. */
  alternate?: string;
}

export interface Feed {
  title: string;
  subtitle: string;
  author: string;
  lang: string;
  /** The site's address; absent, every link is relative to the feed. */
  baseUrl?: string;
  entries: FeedEntry[];
}

/** Text as XML character data or an attribute value. */
export const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A urn:uuid from the publication and the edition: the same edition, the same id. */
const urn = (...parts: string[]): string => nameBasedUrn(parts);

const instant = (day: string) => `${day}T00:00:00Z`;

/** The feed document. Its `updated` is the newest edition's day; entries keep the order given (newest first). */
export function renderFeed(feed: Feed): string {
  const newest = feed.entries.map((e) => e.date).sort().at(-1) ?? '1970-01-01';
  const entry = (e: FeedEntry) =>
    [
      '  <entry>',
      `    <id>${urn(feed.title, 'edition', e.id)}</id>`,
      `    <title>${xml(e.title)}</title>`,
      `    <published>${instant(e.date)}</published>`,
      `    <updated>${instant(e.date)}</updated>`,
      ...(e.alternate ? [`    <link rel="alternate" type="text/html" href="${xml(e.alternate)}"/>`] : []),
      ...e.files.map((f) => `    <link rel="enclosure" type="${f.type}" href="${xml(f.href)}" hreflang="${xml(f.lang)}" title="${xml(f.title)}"/>`),
      `    <content type="html">${xml(e.contentHtml)}</content>`,
      '  </entry>',
    ].join('\n');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(feed.lang)}"${feed.baseUrl ? ` xml:base="${xml(feed.baseUrl)}"` : ''}>`,
    `  <id>${urn(feed.title, 'feed')}</id>`,
    `  <title>${xml(feed.title)}</title>`,
    `  <subtitle>${xml(feed.subtitle)}</subtitle>`,
    `  <updated>${instant(newest)}</updated>`,
    `  <author><name>${xml(feed.author)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${FEED_FILE}"/>`,
    '  <link rel="alternate" type="text/html" href="index.html"/>',
    '  <generator>dialogue-briefs</generator>',
    ...feed.entries.map(entry),
    '</feed>',
    '',
  ].join('\n');
}
