/**
 * Tightens the static text of the element's `html` and `svg` tagged templates in the single-file
 * script: the indentation that formats them in the source is text a minifier of JavaScript keeps
 * (about 7 KB of the script, 0.9 KB gzip). Each run of whitespace that holds a line break becomes
 * one space, which the browser renders as it rendered the run (white space collapses), so what is
 * shown does not change. Runs without a line break, and the `${…}` parts, are kept as they are.
 *
 * Templates are found by the TypeScript parser, not by a pattern: templates nest inside each
 * other's `${…}` parts.
 */
import ts from 'typescript';
import type { Plugin } from 'vite';

const TAGS = new Set(['html', 'svg']);

/** One static part of a template (between backticks and `${…}` parts), tightened. */
export const tightenHtml = (text: string) => text.replace(/[ \t\r]*\n\s*/g, ' ');

/** The `html` and `svg` templates of a module (TypeScript or JavaScript), tightened. */
export function minifyHtmlTemplates(code: string, fileName = 'module.ts'): string {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false);
  // [start, end) of each static part, in the order found.
  const parts: [number, number][] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isTaggedTemplateExpression(node) &&
      ts.isIdentifier(node.tag) &&
      TAGS.has(node.tag.text)
    ) {
      const template = node.template;
      const literals = ts.isNoSubstitutionTemplateLiteral(template)
        ? [template]
        : [template.head, ...template.templateSpans.map((span) => span.literal)];
      for (const literal of literals) {
        // Between the opening backtick or `}` and the closing backtick or `${`.
        const closer = ts.isTemplateHead(literal) || ts.isTemplateMiddle(literal) ? 2 : 1;
        parts.push([literal.getStart(source) + 1, literal.end - closer]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of parts) {
    out += code.slice(at, start) + tightenHtml(code.slice(start, end));
    at = end;
  }
  return out + code.slice(at);
}

/** The build step: `html` and `svg` templates of the element's own modules (not node_modules). */
export function minifyHtmlPlugin(): Plugin {
  return {
    name: 'cs-minify-html',
    enforce: 'pre',
    transform(code, id) {
      if (id.includes('/node_modules/') || !/\.ts$/.test(id) || !/\b(html|svg)`/.test(code)) {
        return null;
      }
      return { code: minifyHtmlTemplates(code, id), map: null };
    },
  };
}
