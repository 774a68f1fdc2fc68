// A person registers, signs in, logs out, logs in again, switches to English and sees the home page.
// Runs with JavaScript on and off: the forms post and redirect on their own.
import { expect, test } from '@playwright/test';

test('a person registers, logs in, switches to English and sees the home page', async ({ page }, info) => {
  const email = `persona.${info.project.name}.${Date.now()}@example.org`;
  const password = 'una frase larga y secreta';

  await page.goto('/');
  await expect(page).toHaveTitle(/La red · Minga/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');

  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Registrarse' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Crear una cuenta' })).toBeVisible();

  // a first try with a mistake: the error is beside the field and what was typed is kept
  await page.getByLabel('Nombre completo').fill('Valentina Ríos');
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña', { exact: true }).fill(password);
  await page.getByLabel('Repite la contraseña').fill('otra cosa distinta');
  await page.getByRole('button', { name: 'Crear cuenta' }).click();
  await expect(page.getByRole('alert')).toContainText('Hay un problema');
  await expect(page.locator('#password_confirm-error')).toHaveText('Las contraseñas no coinciden.');
  await expect(page.getByLabel('Nombre completo')).toHaveValue('Valentina Ríos');
  await expect(page.getByLabel('Correo electrónico')).toHaveValue(email);

  await page.getByLabel('Contraseña', { exact: true }).fill(password);
  await page.getByLabel('Repite la contraseña').fill(password);
  await page.getByRole('button', { name: 'Crear cuenta' }).click();
  // the same answer whether or not the address had an account: look in your mail, then sign in
  await expect(page).toHaveURL(/\/register\/sent$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Revisa tu correo' })).toBeVisible();

  await page.getByRole('main').getByRole('link', { name: 'Inicia sesión' }).click();
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Mi cuenta' })).toBeVisible();
  await expect(page.getByText('Solicitante')).toBeVisible();

  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Iniciar sesión' })).toBeVisible();

  await page.getByRole('link', { name: 'Iniciar sesión' }).click();
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Mi cuenta' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Idioma' }).getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();

  await page.getByRole('link', { name: 'Home' }).click();
  await expect(page).toHaveTitle(/The network · Minga/);
  await expect(page.getByRole('heading', { level: 1, name: 'A public network anyone can verify' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Collectives' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Academic Collective' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
});

// each project works on its own demo person, so the runs do not see each other's offices
const targets: Record<string, [string, string]> = {
  chromium: ['solicitante@minga.example', 'Sofía Ramírez'],
  'chromium-no-js': ['proyecto@minga.example', 'Lucía Torres'],
};

test('the administrator grants an office and it shows on the person’s account', async ({ page }, info) => {
  const [email, name] = targets[info.project.name];
  await page.goto('/login');
  await page.getByLabel('Correo electrónico').fill('admin@minga.example');
  await page.getByLabel('Contraseña').fill('e2e administrator password');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('link', { name: 'Cuentas' }).click();
  await page.getByLabel('Buscar por nombre o correo').fill(email);
  await page.getByRole('button', { name: 'Buscar' }).click();
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

  // refused first: a member represents a collective
  await page.getByLabel('Cargo', { exact: true }).selectOption('member');
  await page.getByRole('button', { name: 'Asignar cargo' }).click();
  await expect(page.locator('#collective_id-error')).toContainText('indica cuál');
  await expect(page.getByLabel('Cargo', { exact: true })).toHaveValue('member');

  await page.getByLabel('Colectivo', { exact: true }).selectOption({ label: 'Colectivo de Organizaciones de la Sociedad Civil' });
  await page.getByLabel('Nota (fundamento, acuerdo, oficio)').fill('Acuerdo CE-2026-07');
  await page.getByRole('button', { name: 'Asignar cargo' }).click();
  await expect(page.getByRole('status')).toContainText('Cargo asignado');
  await expect(page.getByRole('row', { name: /Integrante.*Sociedad Civil.*Vigente/ })).toBeVisible();

  await page.getByRole('link', { name: 'Bitácora de auditoría' }).first().click();
  await expect(page.getByRole('cell', { name: 'office.granted' }).first()).toBeVisible();
});
