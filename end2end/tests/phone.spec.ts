// On a small phone with JavaScript off: the portal is usable, nothing overflows sideways.
import { expect, test } from '@playwright/test';

test('the home and login pages fit a phone and log in without script', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.getByRole('link', { name: 'Iniciar sesión' }).click();
  await page.getByLabel('Correo electrónico').fill('lider@minga.example');
  await page.getByLabel('Contraseña').fill('e2e administrator password');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mi cuenta' })).toBeVisible();
  await expect(page.getByText('Líder de colectivo').first()).toBeVisible();
});
