// A source system registers a purchase order with its PDF; a citizen opens the QR code's page
// (with JavaScript on and off), sees it verified and checks the copy they hold: the true PDF
// matches, a forged one does not. With JavaScript on, the pages are also scanned with axe.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

const pdf = (amount: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n` +
      `2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n` +
      `% Orden de compra OC-E2E, monto ${amount}\ntrailer <</Root 1 0 R>>\n%%EOF\n`,
  );

async function noSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

test('a citizen verifies a purchase order from its QR code and checks a good and a forged copy', async ({
  page,
  request,
}, info) => {
  const withJs = info.project.use.javaScriptEnabled !== false;
  const reference = `OC-E2E-${info.project.name}-${Date.now()}`;

  // the administrator creates a key for the catalogue; it is shown once
  await page.goto('/login');
  await page.getByLabel('Correo electrónico').fill('admin@minga.example');
  await page.getByLabel('Contraseña').fill('e2e administrator password');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Claves de API' }).click();
  await page.getByLabel('Sistema de origen').fill(`catalogo-${info.project.name}`);
  await page.getByLabel('Tipos de evidencia').fill('purchase-order');
  await page.getByLabel('Los datos de estos tipos son públicos').check();
  await page.getByRole('button', { name: 'Crear clave' }).click();
  const key = (await page.locator('code.secret').textContent())?.trim() ?? '';
  expect(key.length).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.context().clearCookies();

  // the catalogue registers the order with its PDF
  const created = await request.post('/api/v1/evidence', {
    headers: { Authorization: `Bearer ${key}` },
    multipart: {
      kind: 'purchase-order',
      ref: reference,
      data: JSON.stringify({ entidad: 'Municipalidad de Cusco', monto: 1250.5, moneda: 'PEN' }),
      document: { name: 'orden.pdf', mimeType: 'application/pdf', buffer: pdf('1250.50') },
    },
  });
  expect(created.status()).toBe(201);
  const evidence = await created.json();

  // the citizen opens the page the QR code points to
  await page.goto(`/v/${evidence.id}`);
  const qr = page.getByRole('img', { name: /Código QR que abre/ });
  const alt = (await qr.getAttribute('alt')) ?? '';
  const target = alt.slice(alt.indexOf('http'));
  expect(target).toMatch(new RegExp(`/v/${evidence.id}$`));
  await page.goto(target);

  // sealed into a signed checkpoint within seconds
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.verdict-label').first()).toHaveText(/Verificada/, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText(reference).first()).toBeVisible();
  await expect(page.getByText(evidence.document_hash).first()).toBeVisible();
  await expect(page.getByText('Municipalidad de Cusco')).toBeVisible();
  if (withJs) await noSeriousViolations(page);

  // the copy the citizen holds is the registered one
  await page.getByLabel('Tu copia del documento').setInputFiles({
    name: 'mi-copia.pdf',
    mimeType: 'application/pdf',
    buffer: pdf('1250.50'),
  });
  await page.getByRole('button', { name: 'Comprobar mi copia' }).click();
  await expect(page.getByText('Tu copia (mi-copia.pdf) es idéntica al documento registrado.')).toBeVisible();

  // a forged copy (one figure changed) is not
  await page.getByLabel('Tu copia del documento').setInputFiles({
    name: 'copia-alterada.pdf',
    mimeType: 'application/pdf',
    buffer: pdf('9250.50'),
  });
  await page.getByRole('button', { name: 'Comprobar mi copia' }).click();
  await expect(page.getByText('Tu copia (copia-alterada.pdf) NO es el documento registrado: su huella es distinta.')).toBeVisible();
  if (withJs) await noSeriousViolations(page);

  // the same page in English
  await page.goto(`/lang/en?next=${encodeURIComponent(`/v/${evidence.id}`)}`);
  await expect(page.locator('.verdict-label').first()).toHaveText(/Verified/);

  // found by its reference on the search page (a single match opens it)
  await page.goto(`/lang/es?next=${encodeURIComponent('/v')}`);
  await page.getByLabel('Identificador, referencia o huella').fill(reference);
  await page.getByRole('button', { name: 'Buscar' }).click();
  await expect(page).toHaveURL(new RegExp(`/v/${evidence.id}$`));
  if (withJs) {
    await page.goto('/v');
    await noSeriousViolations(page);
    await page.goto('/integrity');
    await noSeriousViolations(page);
  }
});

test("the home page's example: the demo catalogue's order OC-2026-000123, its quotations and a forged copy", async ({
  page,
  request,
}) => {
  // the citizen searches the order the home page suggests; the one match opens its page
  await page.goto('/');
  await page.getByLabel('Identificador, referencia o huella').fill('OC-2026-000123');
  await page.getByRole('button', { name: 'Buscar' }).click();
  await expect(page).toHaveURL(/\/v\/[a-z0-9]{16}$/);
  const id = page.url().split('/').pop() ?? '';
  await expect(page.getByRole('img', { name: /Código QR que abre/ })).toBeVisible();
  await expect(page.getByText('Unidad de Gobierno Digital (SFP)').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Elementos relacionados (3)' })).toBeVisible();

  // the address printed under the PDF's QR code leads to the same page
  await page.goto('/v/lookup?source=catalogo&kind=purchase-order&ref=OC-2026-000123');
  await expect(page).toHaveURL(new RegExp(`/v/${id}$`));

  // a supplier's quotation: its proof, linked from the page, names the same leaf hash
  const proofLinks = page.getByRole('link', { name: 'Prueba de este ítem (JSON)' });
  await expect(proofLinks).toHaveCount(3);
  const href = (await proofLinks.nth(2).getAttribute('href')) ?? '';
  const proof = await (await request.get(href)).json();
  expect(proof.item.proveedor).toBe('Comercial del Valle S.A. de C.V.');
  await expect(page.getByText(proof.item_hash)).toBeVisible();

  // the PDF as registered, and a copy with one byte changed: refused
  const pdf = await (await request.get(`/api/v1/evidence/${id}/document`)).body();
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const forged = Buffer.from(pdf);
  forged[Math.floor(forged.length / 2)] ^= 1;
  await page.getByLabel('Tu copia del documento').setInputFiles({
    name: 'OC-2026-000123.pdf',
    mimeType: 'application/pdf',
    buffer: forged,
  });
  await page.getByRole('button', { name: 'Comprobar mi copia' }).click();
  await expect(page.getByText('Tu copia (OC-2026-000123.pdf) NO es el documento registrado: su huella es distinta.')).toBeVisible();
  await page.getByLabel('Tu copia del documento').setInputFiles({
    name: 'OC-2026-000123.pdf',
    mimeType: 'application/pdf',
    buffer: pdf,
  });
  await page.getByRole('button', { name: 'Comprobar mi copia' }).click();
  await expect(page.getByText('Tu copia (OC-2026-000123.pdf) es idéntica al documento registrado.')).toBeVisible();
});
