import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { minifyHtmlTemplates } from '../../scripts/minify-html.js';

/** The static parts of every `html` and `svg` template of a module, in source order. */
function staticParts(code: string): string[] {
  const source = ts.createSourceFile('m.ts', code, ts.ScriptTarget.Latest, false);
  const parts: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isTaggedTemplateExpression(node) &&
      ts.isIdentifier(node.tag) &&
      ['html', 'svg'].includes(node.tag.text)
    ) {
      const t = node.template;
      if (ts.isNoSubstitutionTemplateLiteral(t)) parts.push(t.rawText ?? t.text);
      else parts.push(t.head.rawText ?? '', ...t.templateSpans.map((s) => s.literal.rawText ?? ''));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return parts;
}

describe('minifyHtmlTemplates (the single-file script’s html templates)', () => {
  it('makes each run of whitespace with a line break one space, in nested templates too', () => {
    const code = [
      'const a = html`<ul>',
      '    ${items.map((i) => html`<li',
      '        class="x"',
      '      >${i}</li>`)}',
      '  </ul>`;',
      'const b = svg`<g>\n  <path d="M0 0"/>\n</g>`;',
      '',
    ].join('\n');
    assert.equal(
      minifyHtmlTemplates(code),
      'const a = html`<ul> ${items.map((i) => html`<li class="x" >${i}</li>`)} </ul>`;\n' +
        'const b = svg`<g> <path d="M0 0"/> </g>`;\n',
    );
  });

  it('keeps whitespace without a line break, other templates and the code between', () => {
    const code =
      'const a = html`<p>  x  ${y}</p>`;\n' +
      'const b = css`\n  :host {\n    color: red;\n  }\n`;\n' +
      'const c = `line\n    next`;\n' +
      'if (a) {\n    call(html`\n`);\n}\n';
    assert.equal(
      minifyHtmlTemplates(code),
      'const a = html`<p>  x  ${y}</p>`;\n' +
        'const b = css`\n  :host {\n    color: red;\n  }\n`;\n' +
        'const c = `line\n    next`;\n' +
        'if (a) {\n    call(html` `);\n}\n',
    );
  });

  it('leaves every template of the element with the same text and parts, without line breaks', () => {
    const dir = new URL('../../components/cs-active-sessions/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    let templates = 0;
    for (const file of files) {
      const code = readFileSync(new URL(file, dir), 'utf8');
      const before = staticParts(code);
      const after = staticParts(minifyHtmlTemplates(code, file));
      templates += before.length;
      assert.equal(after.length, before.length, file);
      after.forEach((part, i) => {
        assert.ok(!part.includes('\n'), `${file}: ${JSON.stringify(part)}`);
        // The same text once whitespace is set aside, and whitespace where there was some.
        assert.equal(part.replace(/\s+/g, ''), before[i]!.replace(/\s+/g, ''), file);
        assert.equal(part.replace(/\s+/g, ' '), before[i]!.replace(/\s+/g, ' '), file);
      });
      // The code outside the templates is untouched.
      assert.equal(
        minifyHtmlTemplates(code, file).replace(/\s+/g, ''),
        code.replace(/\s+/g, ''),
        file,
      );
    }
    assert.ok(templates > 200, `${templates} template parts`);
  });
});
