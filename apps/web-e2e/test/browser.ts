import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; CHROMIUM_PATH points elsewhere (playwright's own download cannot work offline). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function missingBrowser(): string | undefined {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  }
}

/**
 * Runs the suite where a Chromium exists. Elsewhere one line says what is missing; with
 * CI=true a missing browser fails the suite instead of passing silently.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  const missing = missingBrowser();
  if (!missing) return describe(name, body);
  if (process.env.CI === 'true') {
    return describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${name}: ${missing}; CI must install it (.ci/run)`);
      });
    });
  }
  console.warn(`skipping "${name}": ${missing}`);
  describe.skip(name, body);
}

/**
 * Headless, and every host name but loopback resolves to nothing: the pages name images on
 * a CDN, and no test may send traffic off this machine.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--no-first-run'],
  });
}
