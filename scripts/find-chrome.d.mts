/** The path of an installed Chromium or Chrome, or undefined. */
export function findChrome(): string | undefined;
/** The browser's path; installs Debian's chromium as root on Debian, or exits with advice. */
export function ensureChrome(): string;
/** Flags for headless Chromium as root on a machine with no network but loopback. */
export const CHROME_ARGS: string[];
