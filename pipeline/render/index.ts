// render/ — Handlebars templates to Markdown (render-markdown.ts), Markdown to HTML by unified (markdown-to-html.ts),
// the pages, dossier and index (briefs.ts), each brief's EPUB chapter in XHTML (xhtml-chapter.ts), line-keeping and
// language spans (typography.ts), the Atom feed (feed.ts); its plugins walk their trees with walk.ts. Imports views/
// and data/.
export { readTemplates, renderBriefs, renderChanges, renderDossier, renderIndex } from './briefs.ts';
export { renderFeed } from './feed.ts';
