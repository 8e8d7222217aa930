// Content streams: what the structure tree does not hold becomes an artifact. A reader of a page's content stream
// (its operators, their marked-content sequences, text objects and paths), the runs of unmarked painting to wrap in
// `/Artifact BMC … EMC` (markArtifacts), and the rewritten page streams for the finishing update (artifactStreams).
import { deflateSync, inflateSync } from 'node:zlib';
import { dictEntry, dictKeys, pdfChar, refNumber, skipPdfRegular, skipPdfSpace, skipPdfValue, type PdfObject, type XrefReader } from './pdf-objects.ts';

/** An operator of a content stream: where its operands start, where it ends, and (for BMC and BDC) its operands. */
interface ContentOp {
  op: string;
  start: number;
  end: number;
  operands?: string[];
}

/**
 * The operators of a content stream. Undefined for what this reader does not take apart (an inline image, whose
 * data is not PDF syntax; operands with no operator after them): such a page is left as it was printed.
 */
function contentOps(s: string): ContentOp[] | undefined {
  try {
    return contentOpsOrThrow(s);
  } catch {
    return undefined; // a string or an array that runs past the end, a stray delimiter
  }
}

function contentOpsOrThrow(s: string): ContentOp[] | undefined {
  const ops: ContentOp[] = [];
  let start = -1;
  for (let i = skipPdfSpace(s, 0); i < s.length; i = skipPdfSpace(s, i)) {
    const c = s.charCodeAt(i);
    if (start < 0) start = i;
    // An operand: a string, hex string, dictionary, array or name; a number; true, false or null.
    if (c === 0x28 || c === 0x3c || c === 0x5b || c === 0x2f) {
      i = skipPdfValue(s, i);
      continue;
    }
    if (pdfChar(s, i) !== 0) return undefined; // a stray ")", ">", "]", "{" or "}"
    const end = skipPdfRegular(s, i);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      i = end;
      continue;
    }
    const word = s.slice(i, end);
    const at = i;
    i = end;
    if (word === 'true' || word === 'false' || word === 'null') continue;
    if (word === 'BI' || word === 'ID' || word === 'EI') return undefined;
    const op: ContentOp = { op: word, start, end };
    if (word === 'BMC' || word === 'BDC') {
      op.operands = [];
      for (let j = skipPdfSpace(s, start); j < at; j = skipPdfSpace(s, j)) {
        const k = skipPdfValue(s, j);
        op.operands.push(s.slice(j, k));
        j = k;
      }
    }
    ops.push(op);
    start = -1;
  }
  return start < 0 ? ops : undefined;
}

const PATH_CONSTRUCTION = new Set(['m', 'l', 'c', 'v', 'y', 'h', 're']);
const PATH_PAINTING = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*']);
const TEXT_SHOWING = new Set(['Tj', 'TJ', "'", '"']);
/**
 * What two artifact runs are not joined across: marked content, which must nest, and a graphics state save or
 * restore, which need not (ISO 32000-1 §14.6) but keeps each artifact inside one q … Q, as tools that move content
 * by its graphics state expect.
 */
const JOIN_STOPS = new Set(['BMC', 'BDC', 'EMC', 'q', 'Q']);

/** A run of operators [from, to] (indices) to mark as one artifact. */
interface ArtifactRun {
  from: number;
  to: number;
  /** The marked-content sequence it sits in (the index of its BMC or BDC), or -1. */
  container: number;
  /** The text object it sits in (the index of its BT), or -1 outside text. */
  text: number;
}

/**
 * Where the content that no structure element holds is painted: each painting operator outside every
 * marked-content sequence with an MCID (and outside every /Artifact) gives the run of its whole graphics object
 * (a path from its first segment, a text object from BT to ET when no marked content starts or ends inside it,
 * else the text-showing operator alone), and runs are joined when only operators that neither mark content nor
 * save or restore the graphics state lie between them, in the same sequence and text object. Undefined when the stream's marked content, text objects and paths
 * do not nest as ISO 32000 asks, or a path is left unfinished: then the page is not touched.
 */
function artifactRuns(ops: ContentOp[]): ArtifactRun[] | undefined {
  // The end of every text object, and whether marked content starts or ends inside it.
  const textEnd = new Map<number, { et: number; marked: boolean }>();
  for (let i = 0, bt = -1, marked = false; i < ops.length; i++) {
    const op = ops[i]!.op;
    if (op === 'BT') {
      if (bt >= 0) return undefined;
      [bt, marked] = [i, false];
    } else if (op === 'ET') {
      if (bt < 0) return undefined;
      textEnd.set(bt, { et: i, marked });
      bt = -1;
    } else if (op === 'BMC' || op === 'BDC' || op === 'EMC') marked = true;
  }
  const runs: ArtifactRun[] = [];
  // Marked content and text objects nest within each other: a stack of both, checked at every end.
  const stack: { kind: 'mc' | 'text'; at: number; covered: boolean }[] = [];
  let path = -1;
  let bt = -1;
  const add = (run: ArtifactRun) => {
    const last = runs[runs.length - 1];
    if (last && last.container === run.container && last.text === run.text && run.from <= last.to) last.to = Math.max(last.to, run.to);
    else runs.push(run);
  };
  // What the stack says of the operator at hand, kept as the stack changes: whether anything on it covers the
  // operator, and the innermost marked-content sequence.
  let coveredBy = 0;
  const containers: number[] = [];
  for (let i = 0; i < ops.length; i++) {
    const { op, operands } = ops[i]!;
    const covered = coveredBy > 0;
    const container = containers.length ? containers[containers.length - 1]! : -1;
    if (path >= 0 && !PATH_CONSTRUCTION.has(op) && !PATH_PAINTING.has(op) && op !== 'n' && op !== 'W' && op !== 'W*') return undefined;
    if (op === 'BMC' || op === 'BDC') {
      const [tag, properties] = operands ?? [];
      // An inline property list shows its MCID; a named one (in the page's /Properties) may hold one: not touched.
      const mcid = properties === undefined ? false : !properties.startsWith('<<') || dictEntry(properties, 'MCID') !== undefined;
      const entry = { kind: 'mc' as const, at: i, covered: tag === '/Artifact' || mcid };
      stack.push(entry);
      containers.push(i);
      if (entry.covered) coveredBy++;
    } else if (op === 'EMC') {
      const entry = stack.pop();
      if (entry?.kind !== 'mc') return undefined;
      containers.pop();
      if (entry.covered) coveredBy--;
    } else if (op === 'BT') {
      stack.push({ kind: 'text', at: i, covered: false });
      bt = i;
    } else if (op === 'ET') {
      if (stack.pop()?.kind !== 'text') return undefined;
      bt = -1;
    } else if (PATH_CONSTRUCTION.has(op)) {
      if (path < 0) path = i;
    } else if (PATH_PAINTING.has(op) || op === 'n') {
      if (PATH_PAINTING.has(op) && !covered) add({ from: path < 0 ? i : path, to: i, container, text: bt });
      path = -1;
    } else if (!covered && (op === 'sh' || op === 'Do')) {
      add({ from: i, to: i, container, text: bt });
    } else if (!covered && TEXT_SHOWING.has(op)) {
      const object = textEnd.get(bt);
      if (!object) return undefined;
      add(object.marked ? { from: i, to: i, container, text: bt } : { from: bt, to: object.et, container, text: -1 });
    }
  }
  if (stack.length || path >= 0) return undefined;
  // Join runs with only unmarked operators between them, in the same sequence and text object.
  const joined: ArtifactRun[] = [];
  for (const run of runs) {
    const last = joined[joined.length - 1];
    let join = last !== undefined && last.container === run.container && last.text === run.text;
    for (let k = (last?.to ?? 0) + 1; join && k < run.from; k++) join = !JOIN_STOPS.has(ops[k]!.op);
    if (join) last!.to = Math.max(last!.to, run.to);
    else joined.push({ ...run });
  }
  return joined;
}

/**
 * A page's content stream with everything the structure tree does not hold inside `/Artifact BMC … EMC`, or
 * undefined when there is nothing to mark or the stream cannot be read safely. Chromium draws the page background
 * and the @page margin boxes (the running header and footer) first, each in its own q … Q outside any marked
 * content, and some decoration (dotted leaders, the tick of a checked box) between the tagged sequences: none of
 * it is tagged, nor marked as an artifact, so a reader of the structure could not tell it from lost content.
 * The result is checked again before it is used: every painting operator marked, nothing else changed.
 */
export function markArtifacts(content: string): string | undefined {
  const ops = contentOps(content);
  if (!ops) return undefined;
  const runs = artifactRuns(ops);
  if (!runs?.length) return undefined;
  let out = '';
  let at = 0;
  // The operators of the result, for the check below. Each BMC goes in where an operator's operands start and each
  // EMC after an operator's name, so the text between is taken apart as before: the result need not be read again.
  const marked: ContentOp[] = [];
  let next = 0;
  for (const run of runs) {
    if (run.from < next || run.to < run.from) return undefined;
    const from = ops[run.from]!.start;
    const to = ops[run.to]!.end;
    out += `${content.slice(at, from)}/Artifact BMC\n${content.slice(from, to)}\nEMC`;
    at = to;
    while (next < run.from) marked.push(ops[next++]!);
    marked.push({ op: 'BMC', start: from, end: from, operands: ['/Artifact'] });
    while (next <= run.to) marked.push(ops[next++]!);
    marked.push({ op: 'EMC', start: to, end: to });
  }
  out += content.slice(at);
  while (next < ops.length) marked.push(ops[next++]!);
  // Checked: every painting operator is marked now, and the sequences nest.
  const rest = artifactRuns(marked);
  if (!rest || rest.length > 0) return undefined;
  return out;
}

/**
 * zlib's default level 6: on a 798-page dossier's content streams, 2 % larger than level 9 (3.26 MB against 3.21 MB)
 * in a third of the time (212 ms against 612 ms).
 */
export const PDF_DEFLATE = { level: 6 } as const;

/**
 * The page content streams that markArtifacts changes, as new stream objects under their old numbers: Flate
 * streams only (a stream with other filters or parameters is left as it is), compressed again at PDF_DEFLATE's
 * level, whose output depends on the input alone (for one build of zlib: the one Node bundles, as Chromium's own
 * streams depend on the zlib it bundles).
 */
export function artifactStreams(reader: XrefReader): [number, PdfObject][] {
  const out: [number, PdfObject][] = [];
  const seen = new Set<number>();
  /** A value's text, an indirect reference resolved. */
  const resolve = (text: string | undefined) => {
    const ref = refNumber(text);
    return ref === undefined ? text : reader.object(ref).value;
  };
  for (const page of reader.pages()) {
    const pageDict = reader.object(page).value;
    const num = refNumber(dictEntry(pageDict, 'Contents')?.text);
    if (num === undefined || seen.has(num)) continue; // an array of streams: not rewritten
    // A form XObject with its own structure content (/StructParents) must not be drawn inside an artifact: a page
    // that uses one is left as it is. (Chromium draws none; an image XObject is plain content.)
    const resources = resolve(dictEntry(pageDict, 'Resources')?.text);
    const xobjects = resources?.startsWith('<<') ? resolve(dictEntry(resources, 'XObject')?.text) : undefined;
    if (xobjects?.startsWith('<<') && dictKeys(xobjects).some((key) => dictEntry(resolve(dictEntry(xobjects, key.slice(1))?.text) ?? '', 'StructParents'))) continue;
    seen.add(num);
    const { value, stream } = reader.object(num);
    if (!stream || dictEntry(value, 'Filter')?.text !== '/FlateDecode' || dictKeys(value).some((k) => k !== '/Filter' && k !== '/Length')) continue;
    let content: string;
    try {
      content = inflateSync(stream).toString('latin1');
    } catch {
      continue;
    }
    const marked = markArtifacts(content);
    if (marked === undefined) continue;
    const data = deflateSync(Buffer.from(marked, 'latin1'), PDF_DEFLATE);
    out.push([num, { value: `<</Filter /FlateDecode\n/Length ${data.length}>>`, stream: data }]);
  }
  return out;
}
