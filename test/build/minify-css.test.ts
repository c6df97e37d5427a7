import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { minifyCss, minifyCssTemplates } from '../../scripts/minify-css.js';

describe('minifyCss (the single-file script’s css templates)', () => {
  it('drops comments and indentation, and spaces around braces, semicolons and commas', () => {
    assert.equal(
      minifyCss(`
  /* Design tokens. */
  :host {
    --cs-gap: 8px;
    color: var(--cs-color-text) ;
  }
  .a :focus-visible,
  .b > .c {
    box-shadow: 0 0 0 2px rgb(0 0 0 / 50%);
  }
`),
      ' :host{--cs-gap:8px;color:var(--cs-color-text);}.a :focus-visible,.b > .c{box-shadow:0 0 0 2px rgb(0 0 0 / 50%);}',
    );
  });

  it('keeps quoted strings as they are, and reads a quote in a comment as no string', () => {
    assert.equal(
      minifyCss(`/* the page's rules */ a { font-family: 'Segoe  UI', "a ; b" , x; }
  /* it's */ b { content: '/* not a comment */'; }`),
      ` a{font-family:'Segoe  UI',"a ; b",x;}b{content:'/* not a comment */';}`,
    );
  });

  it('minifies only css templates, keeping their ${…} parts', () => {
    const code = 'const a = html`<p>  x  </p>`;\nconst b = css`\n  :host {\n    ${dark}\n  }\n`;\n';
    assert.equal(
      minifyCssTemplates(code),
      'const a = html`<p>  x  </p>`;\nconst b = css`:host{${dark}}`;\n',
    );
  });

  it('leaves the element’s styles with every rule and declaration', () => {
    const file = new URL(
      '../../components/cs-active-sessions/cs-active-sessions.styles.ts',
      import.meta.url,
    );
    const source = readFileSync(file, 'utf8');
    const out = minifyCssTemplates(source);
    assert.ok(out.length < source.length * 0.8, `${out.length} of ${source.length}`);
    // The same declarations, in the same order, once comments and whitespace are set aside.
    const declarations = (text: string) =>
      [...text.matchAll(/\bcss`([^`]*)`/g)]
        .map((m) => m[1]!)
        .join('}')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .split(/[{};]/)
        .map((d) => d.replace(/\s+/g, ' ').replace(/ ?, ?/g, ',').replace(/: /g, ':').trim())
        .filter(Boolean);
    assert.deepEqual(declarations(out), declarations(source));
  });
});
