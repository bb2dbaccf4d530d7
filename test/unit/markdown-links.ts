/**
 * The links and heading anchors of a Markdown document, read with marked (GitHub-flavoured, as
 * VS Code renders Markdown): what the documents' link checks compare.
 */
import type { Token } from 'marked' with { 'resolution-mode': 'import' };

/** What a document links to and the anchors its headings make. */
export interface MarkdownOutline {
  /** The targets of its links and images, in order (links in code are not links). */
  readonly hrefs: string[];
  /** The anchors its headings make, as GitHub makes them. */
  readonly anchors: Set<string>;
}

/** A relative link split into its path (empty: the same document) and its anchor, both decoded. */
export interface RelativeLink {
  readonly href: string;
  readonly path: string;
  readonly anchor: string | undefined;
}

/** Every token of a tree, depth first: block tokens, list items, table cells, inline tokens. */
function* allTokens(tokens: readonly Token[]): Generator<Token> {
  for (const token of tokens) {
    yield token;
    const t = token as Token & {
      tokens?: Token[];
      items?: Token[];
      header?: Array<{ tokens: Token[] }>;
      rows?: Array<Array<{ tokens: Token[] }>>;
    };
    if (t.tokens) yield* allTokens(t.tokens);
    if (t.items) yield* allTokens(t.items);
    for (const cell of [...(t.header ?? []), ...(t.rows ?? []).flat()]) yield* allTokens(cell.tokens);
  }
}

/** A heading's text as GitHub renders it: the text of its inline tokens, markup dropped. */
function plainText(tokens: readonly Token[]): string {
  return tokens
    .map((token) => {
      const t = token as Token & { tokens?: Token[]; text?: string };
      if (t.type === 'html') return '';
      if (t.tokens && t.type !== 'codespan') return plainText(t.tokens);
      return t.text ?? '';
    })
    .join('');
}

/**
 * Reads a document. Anchors follow GitHub's rules (github-slugger): lowercase, every character
 * but letters, marks, digits, connector punctuation, spaces and hyphens dropped, spaces made
 * hyphens; a repeated anchor gets `-1`, `-2`, ….
 */
export async function outline(markdown: string): Promise<MarkdownOutline> {
  const { marked } = await import('marked'); // an ECMAScript module
  const hrefs: string[] = [];
  const anchors = new Set<string>();
  for (const token of allTokens(marked.lexer(markdown))) {
    if (token.type === 'link' || token.type === 'image') hrefs.push((token as Token & { href: string }).href);
    if (token.type !== 'heading') continue;
    const base = plainText((token as Token & { tokens: Token[] }).tokens)
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return { hrefs, anchors };
}

/** The relative links among `hrefs` (those with no scheme: not `https:`, not `mailto:`). */
export function relativeLinks(hrefs: readonly string[]): RelativeLink[] {
  return hrefs
    .filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href))
    .map((href) => {
      const hash = href.indexOf('#');
      return {
        href,
        path: decodeURIComponent(hash < 0 ? href : href.slice(0, hash)),
        anchor: hash < 0 ? undefined : decodeURIComponent(href.slice(hash + 1)),
      };
    });
}
