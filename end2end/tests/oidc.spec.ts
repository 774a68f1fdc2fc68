// Signing in through one's institution: the button on the sign-in page, the provider's own forms
// (npm oidc-provider's development login on loopback), and back on Minga — the first time linking
// the demo account with its password, then straight in — on the account page with one's offices.
// With JavaScript on and off: it is links, redirects and plain forms throughout.
import { expect, test, type Page } from '@playwright/test';
import { password } from './session';

// one demo account per project, so each run links its own
const people: Record<string, { email: string; office: string }> = {
  chromium: { email: 'comision.nodos@minga.example', office: 'Comisión de nodos' },
  'chromium-no-js': { email: 'comision.proyectos@minga.example', office: 'Comisión de proyectos' },
};

async function signInAtProvider(page: Page, login: string) {
  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByRole('link', { name: 'Entrar con Universidad Ejemplo' }).click();
  // the provider's pages: its login form, then its consent
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();
}

test('a person signs in through their institution and lands on their account with their offices', async ({ page }, info) => {
  const person = people[info.project.name];
  test.skip(!person, 'desktop projects only');

  await signInAtProvider(page, person.email);
  // an account already has this address: its password links them, once
  await expect(page).toHaveURL(/\/login\/oidc\/link$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Vincular tu cuenta' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(person.email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Vincular y entrar' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Mi cuenta' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(person.office);
  await expect(page.getByRole('main')).toContainText(`Universidad Ejemplo (${person.email}), vinculada el`);

  // the next time, straight in
  await signInAtProvider(page, person.email);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('button', { name: 'Cerrar sesión' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(person.office);
});

test('someone new signs in through their institution and gets an account', async ({ page }, info) => {
  test.skip(!people[info.project.name], 'desktop projects only');
  const email = `ana.${info.project.name}.${Date.now()}@uni.example`;
  await signInAtProvider(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('main')).toContainText(email);
  await expect(page.getByRole('main')).toContainText('Solicitante');
});

test('a refused answer from the provider ends on a page that says so', async ({ page }) => {
  await page.context().clearCookies();
  await page.goto('/login/oidc/callback?code=stolen&state=forged');
  await expect(page.getByRole('heading', { level: 1, name: 'No se pudo entrar' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('no corresponde a un inicio de sesión abierto en este navegador');
  await page.getByRole('link', { name: 'Volver a entrar' }).click();
  await expect(page).toHaveURL(/\/login$/);
});
