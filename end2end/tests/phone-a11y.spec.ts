// Every public page at a phone's width does not overflow sideways, and one page of each layout
// passes the accessibility scan there too (the scrollable tables are focusable regions with a
// name). axe runs in the page, so this project has script on; the pages themselves are the same
// without it.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { publicPages, samplePages } from './public-pages';

for (const path of publicPages) {
  const scan = samplePages.includes(path);
  test(`${scan ? 'accessibility and width' : 'width'} of ${path} on a phone`, async ({ page }) => {
    await page.goto(path);
    if (scan) {
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
      const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(blocking.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}
