// On a small phone with JavaScript off: the portal is usable and nothing overflows sideways.
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

test('the verification pages fit a phone without script', async ({ page }) => {
  const fits = async () => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  };
  await page.goto('/integrity');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await fits();
  // the decision that created a sector collective is an evidence with its public page
  await page.goto('/v');
  await fits();
  await page.getByLabel('Identificador, referencia o huella').fill('collective-created/academico');
  await page.getByRole('button', { name: 'Buscar' }).click();
  await expect(page).toHaveURL(/\/v\/[a-z0-9]{16}$/);
  await expect(page.locator('.verdict-label').first()).toHaveText(/Verificada/);
  await fits();
});
