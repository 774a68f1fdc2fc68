// The report calendar end to end: with JavaScript on, a member (Diego Hernández, who asked for
// IPN's node) files last month's report, prefilled from the node's figures; /reporting shows it on
// time (or late, after the due day) with its verification, and another member's report missing.
// With JavaScript off, the academic collective's leader files the leaders' last report the same
// way; an empty answer is refused beside its field with what was typed elsewhere kept.
import { expect, test, type Page } from '@playwright/test';
import { login } from './session';

/** Opens the first report of `who` on /reporting/mine whose period is over. */
async function openOwed(page: Page, who: string) {
  await page.goto('/reporting/mine');
  const item = page.getByRole('listitem').filter({ hasText: who }).filter({ has: page.getByRole('link', { name: 'Escribir el informe' }) }).first();
  await item.getByRole('link', { name: 'Escribir el informe' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(who);
}

test('a member files a report prefilled from its node; the table shows it and a missing one', async ({ page }, info) => {
  test.skip(info.project.name !== 'chromium', 'the JavaScript-on desktop run files the member report');
  await login(page, 'miembro@minga.example');
  // the home page says what is owed
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Informes que debes' })).toBeVisible();
  await openOwed(page, 'Instituto Politécnico Nacional');
  const facts = page.getByRole('region', { name: 'Cifras del portal' });
  await expect(facts).toContainText('Nodo «IPN escritor»: disponibilidad');
  await expect(facts).toContainText('%');
  await page.getByLabel('Desempeño en el periodo').fill('El nodo respondió todo el mes; <sin incidentes>.');
  await page.getByRole('button', { name: 'Presentar el informe' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Informe');
  await expect(page.getByText('El nodo respondió todo el mes; <sin incidentes>.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Descargar el informe (PDF)' })).toBeVisible();
  // the decision is published: its badge leads to the verification page, which says verified
  await expect(async () => {
    await page.reload();
    await expect(page.locator('a.badge-verified')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await page.locator('a.badge-verified').click();
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.verdict-label').first()).toHaveText(/Verificada/, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText('governance.report-filed').first()).toBeVisible();

  await page.goto('/reporting');
  const ipn = page.getByRole('row', { name: /^Instituto Politécnico Nacional/ });
  await expect(ipn.locator('td.standing-on-time, td.standing-late')).not.toHaveCount(0);
  await expect(ipn.getByRole('link', { name: 'verificar' }).first()).toBeVisible();
  const unam = page.getByRole('row', { name: /^Universidad Nacional Autónoma de México/ });
  await expect(unam.locator('td.standing-missing').first()).toContainText('Faltante');
});

test('a leader files the collective leaders’ report without JavaScript, refused first with what was typed kept', async ({ page }, info) => {
  test.skip(info.project.name !== 'chromium-no-js', 'the JavaScript-off desktop run files the leaders report');
  await login(page, 'lider@minga.example');
  await openOwed(page, 'Líderes de Colectivo Académico');
  await expect(page.getByRole('region', { name: 'Cifras del portal' })).toContainText('Solicitudes de nodo recibidas en el periodo');
  await page.getByLabel('Convocatorias y estrategias para crecer en nodos').fill('Taller con universidades estatales.');
  await page.getByRole('button', { name: 'Presentar el informe' }).click();
  await expect(page.locator('#performance-error')).toContainText('Este dato es obligatorio.');
  await expect(page.getByLabel('Convocatorias y estrategias para crecer en nodos')).toHaveValue('Taller con universidades estatales.');
  await page.getByLabel('Desempeño en el periodo').fill('Los nodos del colectivo respondieron con normalidad.');
  await page.getByRole('button', { name: 'Presentar el informe' }).click();
  await expect(page.getByText('Los nodos del colectivo respondieron con normalidad.')).toBeVisible();
  await page.goto('/reporting');
  const row = page.getByRole('row', { name: /^Líderes de Colectivo Académico/ });
  await expect(row.locator('td.standing-on-time, td.standing-late')).not.toHaveCount(0);
});
