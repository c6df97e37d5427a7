/**
 * Finds elements the way a person (or a screen reader) does: by role and accessible name,
 * through shadow roots. A small subset of the ARIA rules, enough for this element's contract.
 */
const IMPLICIT: [string, string][] = [
  ['button', 'button'],
  ['input[type="search"]', 'searchbox'],
  ['input[type="text"],input:not([type])', 'textbox'],
  ['select:not([multiple]):not([size])', 'combobox'],
  ['input[type="checkbox"]', 'checkbox'],
  ['dialog', 'dialog'],
  ['h1,h2,h3,h4,h5,h6', 'heading'],
  ['ul,ol', 'list'],
  ['li', 'listitem'],
  ['section[aria-label],section[aria-labelledby]', 'region'],
  ['form[aria-label],form[aria-labelledby]', 'form'],
];

export function roleOf(el: Element): string | undefined {
  const explicit = el.getAttribute('role');
  if (explicit) return explicit.split(/\s+/)[0];
  return IMPLICIT.find(([selector]) => el.matches(selector))?.[1];
}

/** Text content, leaving out what is hidden from assistive technology. */
function text(el: Element): string {
  let out = '';
  for (const node of Array.from(el.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) out += node.textContent ?? '';
    else if (node instanceof Element && node.getAttribute('aria-hidden') !== 'true') {
      out += ` ${text(node)} `;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

export function nameOf(el: Element): string {
  const label = el.getAttribute('aria-label');
  if (label) return label.trim();
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy) {
    const root = el.getRootNode() as Document | ShadowRoot;
    return labelledBy
      .split(/\s+/)
      .map((id) => root.getElementById(id))
      .filter((e): e is HTMLElement => e !== null)
      .map(text)
      .join(' ');
  }
  return text(el);
}

function* walk(root: ParentNode): Generator<Element> {
  for (const el of Array.from(root.querySelectorAll('*'))) {
    yield el;
    if (el.shadowRoot) yield* walk(el.shadowRoot);
  }
}

function isHidden(el: Element): boolean {
  for (
    let e: Element | null = el;
    e;
    e = e.parentElement ?? (e.getRootNode() as ShadowRoot).host ?? null
  ) {
    if (e.hasAttribute('hidden') || e.getAttribute('aria-hidden') === 'true') return true;
    if (e.tagName === 'DIALOG' && !(e as HTMLDialogElement).open) return true;
    if (e === document.documentElement) break;
  }
  return false;
}

export function queryAllByRole(
  root: ParentNode,
  role: string,
  name?: string | RegExp,
): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const el of walk(root)) {
    if (roleOf(el) !== role || isHidden(el)) continue;
    if (name !== undefined) {
      const n = nameOf(el);
      if (typeof name === 'string' ? n !== name : !name.test(n)) continue;
    }
    out.push(el as HTMLElement);
  }
  return out;
}

export function queryByRole(
  root: ParentNode,
  role: string,
  name?: string | RegExp,
): HTMLElement | null {
  return queryAllByRole(root, role, name)[0] ?? null;
}

export function getByRole(root: ParentNode, role: string, name?: string | RegExp): HTMLElement {
  const found = queryByRole(root, role, name);
  if (!found) throw new Error(`No ${role}${name === undefined ? '' : ` named ${String(name)}`}`);
  return found;
}
