/**
 * The built extension in headless Debian Chromium (playwright-core, a persistent context with
 * `--load-extension`), and small page objects for its popup and options page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROME_ARGS, ensureChrome } from '../../scripts/find-chrome.mjs';

const EXTENSION_ROOT = fileURLToPath(new URL('../../extension/', import.meta.url));

/** Builds the Chrome MV3 extension into a fresh directory, as `npm run build:extension` does. */
export async function buildExtension(): Promise<{ dir: string; remove(): void }> {
  const out = mkdtempSync(join(tmpdir(), 'cs-extension-'));
  const { build } = await import('wxt');
  await build({ root: EXTENSION_ROOT, outDir: out, browser: 'chrome', logger: quietLogger() });
  return { dir: join(out, 'chrome-mv3'), remove: () => rmSync(out, { recursive: true }) };
}

function quietLogger() {
  const quiet = () => {};
  const loud = (...args: unknown[]) => console.error(...args);
  return {
    debug: quiet,
    log: quiet,
    info: quiet,
    success: quiet,
    box: quiet,
    warn: loud,
    error: loud,
    fatal: loud,
    level: 0,
  } as never;
}

export interface LoadedExtension {
  context: BrowserContext;
  id: string;
  /** The background service worker (it may be restarted; this follows the newest). */
  worker(): Promise<Worker>;
  page(path: 'popup.html' | 'options.html', query?: string): Promise<Page>;
  /** The toolbar badge's text, read in the background worker. */
  badgeText(): Promise<string>;
  /** Notifications the extension has on screen, by id, read in the background worker. */
  notifications(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function loadExtension(dir: string): Promise<LoadedExtension> {
  const profile = mkdtempSync(join(tmpdir(), 'cs-extension-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: ensureChrome(),
    headless: true,
    args: [...CHROME_ARGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
  });
  const first =
    context.serviceWorkers()[0] ??
    (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const id = new URL(first.url()).host;
  const worker = async () => {
    const workers = context
      .serviceWorkers()
      .filter((w) => w.url().startsWith(`chrome-extension://${id}/`));
    return workers.at(-1) ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  };
  return {
    context,
    id,
    worker,
    async page(path, query = '') {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${id}/${path}${query}`);
      return page;
    },
    async badgeText() {
      return (await worker()).evaluate(() => chrome.action.getBadgeText({}));
    },
    async notifications() {
      return (await worker()).evaluate(() => chrome.notifications.getAll());
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

declare const chrome: {
  action: { getBadgeText(details: object): Promise<string> };
  notifications: { getAll(): Promise<Record<string, unknown>> };
};

/** The options page, driven as a user does: by roles and names. */
export class OptionsPage {
  constructor(readonly page: Page) {}

  async editWorkspace(label: string): Promise<void> {
    await this.page.getByRole('button', { name: `Edit ${label}`, exact: true }).click();
  }

  async fill(label: string, value: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).fill(value);
  }

  async testConnection(): Promise<string> {
    await this.page.getByRole('button', { name: 'Test connection' }).click();
    return this.settledStatus();
  }

  async save(): Promise<string> {
    await this.page.getByRole('button', { name: 'Save workspace' }).click();
    return this.settledStatus();
  }

  async addRule(kind: string, fields: Record<string, string>): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Rule' }).selectOption({ label: kind });
    for (const [label, value] of Object.entries(fields)) await this.fill(label, value);
    await this.page.getByRole('button', { name: 'Add rule' }).click();
  }

  /** The status line once it no longer says the work is under way. */
  async settledStatus(): Promise<string> {
    const status = this.page.getByRole('status');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const text = (await status.textContent())?.trim() ?? '';
      if (text && !text.endsWith('…')) return text;
      if (Date.now() > deadline) throw new Error(`The status still says ${JSON.stringify(text)}`);
      await this.page.waitForTimeout(100);
    }
  }
}

/** The popup, driven by roles and names. */
export class PopupPage {
  constructor(readonly page: Page) {}

  get grid() {
    return this.page.getByRole('grid', { name: 'Active sessions' });
  }

  /** The accessible name of the focused element (the search field when the popup opens). */
  async focusedLabel(): Promise<string | null> {
    return this.page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.getAttribute('aria-label') ?? null;
    });
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search sessions' }).fill(text);
  }

  row(clientId: string) {
    return this.grid.getByRole('row').filter({ hasText: clientId });
  }
}
