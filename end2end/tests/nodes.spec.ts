// A node's admission end to end, with JavaScript on and off: an applicant files the request with
// its letter (the endpoint, a real anvil node, is probed), the academic collective's leader
// forwards it, every seat of the nodes commission evaluates and votes, and the node appears on /network; the
// poller samples it so its page draws its charts, and its admission decision opens its
// verification page, which says verified.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { anvilUrl } from '../playwright.config';

const password = 'e2e administrator password';

async function login(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page.getByRole('button', { name: 'Cerrar sesión' })).toBeVisible();
}

async function logout(page: Page) {
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.context().clearCookies();
}

const setups = {
  chromium: { applicant: 'miembro@minga.example', name: 'Nodo IPN escritor 2', digit: 'd', behalf: 'institution' },
  'chromium-no-js': { applicant: 'solicitante@minga.example', name: 'Nodo Sofía validador', digit: 'e', behalf: 'self' },
} as const;

test('a node is requested, forwarded, evaluated, voted, admitted, charted and verified', async ({ page }, info) => {
  const setup = setups[info.project.name as keyof typeof setups];
  test.skip(!setup, 'runs in the desktop projects');
  const withJs = info.project.use.javaScriptEnabled !== false;

  // the applicant files the request from /network
  await login(page, setup.applicant);
  await page.goto('/network');
  await page.getByRole('link', { name: 'Solicitar la admisión de un nodo' }).first().click();
  await page.getByLabel('¿Para quién es el nodo?').selectOption(setup.behalf);
  await page.getByLabel('Nombre del nodo').fill(setup.name);
  await page.getByLabel('Colectivo', { exact: true }).selectOption({ label: 'Colectivo Académico' });
  await page.getByLabel('Tipo de nodo').selectOption('writer');
  await page.getByLabel('URL enode').fill(`enode://${setup.digit.repeat(128)}@203.0.113.20:30303`);
  await page.getByLabel('Punto de acceso JSON-RPC').fill(anvilUrl);
  await page.getByLabel('Tipo de servidor').selectOption('vps');
  await page.getByLabel('Sistema operativo y versión').fill('Ubuntu 24.04.1 LTS');
  await page.getByLabel('Memoria RAM (MB)').fill('8192');
  await page.getByLabel('Disco (GB)').fill('200');
  await page.getByLabel('Ubicación').fill('Ciudad de México');
  await page.getByLabel('Nombre del enlace').fill('Laura Méndez');
  await page.getByLabel('Cargo').fill('Coordinadora de tecnología');
  await page.getByLabel('Correo electrónico').fill('laura.mendez@minga.example');
  await page.getByLabel('Teléfono').fill('+52 55 5555 0101');
  await page.getByLabel('Carta de intención (PDF)').setInputFiles({
    name: 'carta.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
  });
  await page.getByRole('button', { name: 'Enviar la solicitud' }).click();
  await expect(page.getByRole('status')).toContainText('Solicitud enviada');
  await expect(page.getByText(/Respondió: cadena \d+/)).toBeVisible();
  await expect(page.getByText('Cumple los requisitos mínimos.')).toBeVisible();
  const requestUrl = page.url().split('?')[0];
  await logout(page);

  // the academic collective's leader forwards it
  await login(page, 'lider@minga.example');
  await page.goto(requestUrl);
  await page.getByRole('button', { name: 'Enviar a la comisión de nodos' }).click();
  await expect(page.getByText('En evaluación por la comisión de nodos').first()).toBeVisible();
  await logout(page);

  // every seat of the nodes commission evaluates; the last evaluation opens the vote
  const seats = [
    'hector.morales@minga.example',
    'sergio.vega@minga.example',
    'comision.nodos@minga.example',
    'daniela.cruz@minga.example',
  ];
  let voteUrl = '';
  for (const [n, seat] of seats.entries()) {
    await login(page, seat);
    await page.goto(requestUrl);
    if (withJs && n === 0) {
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
      const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(blocking.map((v) => v.id)).toEqual([]);
    }
    await page.getByLabel('Favorable', { exact: true }).check();
    await page.getByLabel('Justificación').fill('El punto de acceso responde y el servidor cumple los requisitos.');
    await page.getByRole('button', { name: 'Guardar la evaluación' }).click();
    if (n < seats.length - 1) {
      await expect(page.getByText(new RegExp(`Faltan? ${seats.length - 1 - n} evaluaci`))).toBeVisible();
    } else {
      await expect(page).toHaveURL(/\/votes\/\d+$/);
      voteUrl = page.url();
    }
    await logout(page);
  }
  // the commission votes: the vote closes when every seat has voted
  for (const seat of seats) {
    await login(page, seat);
    await page.goto(voteUrl);
    await page.getByLabel('Voto', { exact: true }).selectOption('yes');
    await page.getByRole('button', { name: 'Votar' }).click();
    await logout(page);
  }

  // anyone: the node is on /network, sampled by the poller, and its admission is verified
  await page.goto('/network');
  const row = page.getByRole('row', { name: new RegExp(setup.name) });
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText('Admitido', { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await row.getByRole('link', { name: setup.name }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.locator('figure.chart svg').first()).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole('heading', { name: 'Retraso en bloques' })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('link', { name: /Decisión verificable/ }).last()).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await page.getByRole('link', { name: /Decisión verificable/ }).last().click();
  await expect(page).toHaveURL(/\/v\/[0-9a-z]+$/);
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.verdict-label').first()).toHaveText(/Verificada/, { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByText('governance.node-admitted').first()).toBeVisible();
});
