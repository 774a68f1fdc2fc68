// Signing in as a demo account (they share the e2e administrator's password), from a fresh
// cookie jar so that whoever was signed in before is forgotten.
import { expect, type Page } from '@playwright/test';

export const password = 'e2e administrator password';

export async function login(page: Page, email: string) {
  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page.getByRole('button', { name: 'Cerrar sesión' })).toBeVisible();
}
