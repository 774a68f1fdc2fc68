// The Executive Secretary schedules an ordinary meeting of the Executive Council, edits the draft
// (its place, the order of its agenda), convenes it, records attendance short of quorum (the session and the vote are refused, naming who is
// missing), adds a proxy to reach quorum, opens the session, has a motion voted seat by seat and
// closes the session (the meeting is held); then drafts the minutes (prefilled with the result), adds an agreement, circulates and approves
// them, and a visitor finds them on the public calendar with their verified badge. With
// JavaScript on and off.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

const password = 'e2e administrator password';

async function attend(page: Page, name: string, presence: string, proxy?: string) {
  const row = page.getByRole('row', { name: new RegExp(`^${name}`) }).first();
  await row.getByRole('combobox').first().selectOption(presence);
  if (proxy) await row.getByLabel('representado por').selectOption({ label: proxy });
  await row.getByRole('button', { name: 'Registrar' }).click();
}

test('the secretary convenes, quorum is reached with a proxy, a motion is voted, and the minutes are approved and published', async ({ page }, info) => {
  test.skip(info.project.name === 'phone-no-js', 'runs in the desktop projects');
  const date = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);

  await page.goto('/login');
  await page.getByLabel('Correo electrónico').fill('secretaria@minga.example');
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Sesiones' }).click();
  await page.getByRole('link', { name: 'Programar una sesión' }).click();
  await page.getByLabel('Órgano').selectOption({ label: 'Consejo Ejecutivo' });
  await page.getByLabel('Tipo de sesión').selectOption('ordinary');
  await page.getByLabel('Título (español)').fill(`Sesión ordinaria ${info.project.name}`);
  await page.getByLabel('Título (inglés)').fill(`Ordinary meeting ${info.project.name}`);
  await page.getByLabel('Fecha').fill(date);
  await page.getByLabel('Hora de inicio').fill('10:00');
  await page.getByLabel('Hora de término').fill('12:00');
  await page.getByLabel('Lugar', { exact: true }).fill('Sala del Consejo');
  await page.getByRole('button', { name: 'Guardar borrador' }).click();
  const meetingUrl = page.url();

  await page.getByLabel('Punto', { exact: true }).fill('Admisión del proyecto de trazabilidad');
  await page.getByLabel('Presenta').fill('Carlos Pérez');
  await page.getByLabel('Propuesta a votación (opcional)').fill('Admitir el proyecto en fase de prueba de concepto');
  await page.getByRole('button', { name: 'Agregar punto al orden del día' }).click();

  // the draft is edited: its place, and an item added, moved up and taken off again
  await page.getByRole('link', { name: 'Editar el borrador' }).click();
  await page.getByLabel('Lugar', { exact: true }).fill('Sala de juntas del Consejo');
  await page.getByRole('button', { name: 'Guardar los cambios' }).click();
  await expect(page.getByText('Sala de juntas del Consejo')).toBeVisible();
  await page.getByLabel('Punto', { exact: true }).fill('Asuntos generales');
  await page.getByRole('button', { name: 'Agregar punto al orden del día' }).click();
  await page.getByRole('group', { name: 'Acciones sobre el punto 2' }).getByRole('button', { name: 'Subir' }).click();
  await expect(page.locator('#agenda + ol > li').first()).toContainText('Asuntos generales');
  await page.getByRole('group', { name: 'Acciones sobre el punto 1' }).getByRole('button', { name: 'Quitar' }).click();
  await expect(page.locator('#agenda + ol > li')).toHaveCount(1);
  await expect(page.locator('#agenda + ol > li').first()).toContainText('Admisión del proyecto de trazabilidad');

  await page.getByRole('button', { name: 'Enviar la convocatoria' }).click();
  await expect(page.locator('#status')).toHaveText('convocada');
  await expect(page.getByRole('heading', { name: 'Entrega de la convocatoria' })).toBeVisible();

  // five of the nine seats: no quorum, and the refusal says who is missing
  for (const name of ['Ana Martínez', 'Carlos Pérez', 'Jorge Castillo', 'Gabriela Ríos', 'Héctor Morales']) {
    await attend(page, name, 'in_person');
  }
  await expect(page.locator('#quorum')).toContainText('Sin quórum: 4 de 6');
  await page.getByRole('button', { name: 'Someter a votación' }).click();
  await expect(page.getByRole('alert')).toContainText('Faltan 2 miembros');
  await expect(page.getByRole('alert')).toContainText('Daniela Cruz');

  // one more attends virtually and another is represented by a member present
  await attend(page, 'Sergio Vega', 'virtual');
  await attend(page, 'Patricia Luna', 'represented', 'Jorge Castillo');
  await expect(page.locator('#quorum')).toContainText('Hay quórum: 6 de 6');
  await page.getByRole('button', { name: 'Abrir la sesión (establecer el quórum)' }).click();
  await expect(page.locator('#quorum')).toContainText('Sesión abierta con quórum');

  // the motion is voted seat by seat; the proxy votes for the seat it carries
  await page.getByRole('button', { name: 'Someter a votación' }).click();
  const ballots = page.getByRole('group', { name: 'Sentido del voto de cada lugar presente' });
  for (const name of ['Ana Martínez', 'Carlos Pérez', 'Jorge Castillo', 'Gabriela Ríos', 'Sergio Vega']) {
    await ballots.getByLabel(name, { exact: true }).selectOption('yes');
  }
  await ballots.getByLabel('Héctor Morales', { exact: true }).selectOption('no');
  await ballots.getByLabel(/Patricia Luna/).selectOption('abstain');
  await page.getByRole('button', { name: 'Registrar los votos y cerrar la votación' }).click();
  await page.getByRole('link', { name: 'Ver el resultado de la votación' }).click();
  await expect(page.locator('#result')).toContainText('Aprobado');
  await expect(page.getByText('Votos contados: 7 de 7.')).toBeVisible();

  // the session is closed: the meeting is held, and shows who attended
  await page.goto(meetingUrl);
  await page.getByRole('button', { name: 'Cerrar la sesión' }).click();
  await expect(page.locator('#status')).toHaveText('realizada');
  await expect(page.getByRole('row', { name: /Sergio Vega En línea/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Patricia Luna Representado por Jorge Castillo/ })).toBeVisible();

  // the minutes: prefilled with the attendance and the result, completed, with one agreement
  await page.getByRole('link', { name: 'Acta de la sesión' }).click();
  const text = page.getByLabel('Texto del acta');
  await expect(text).toHaveValue(/Representados: Patricia Luna, representado por Jorge Castillo/);
  await expect(text).toHaveValue(/Votación: aprobada — a favor 5, en contra 1, abstenciones 1\./);
  const draft = await text.inputValue();
  await text.fill(draft.replace('Deliberación: ', 'Deliberación: la comisión de proyectos expuso la propuesta.'));
  await page.getByRole('button', { name: 'Guardar el borrador' }).click();
  await expect(page.getByText('Revisión 1')).toBeVisible();
  // no owner chosen: refused beside the field, what was typed is kept
  await page.getByLabel('Acuerdo', { exact: true }).fill('Publicar la ficha del proyecto');
  await page.getByLabel('Fecha límite').fill(date);
  await page.getByRole('button', { name: 'Añadir acuerdo' }).click();
  await expect(page.getByRole('alert')).toContainText('Elija como responsable');
  await expect(page.getByLabel('Acuerdo', { exact: true })).toHaveValue('Publicar la ficha del proyecto');
  await expect(page.getByLabel('Fecha límite')).toHaveValue(date);
  await page.getByLabel('Responsable').selectOption({ label: 'Carlos Pérez' });
  await page.getByRole('button', { name: 'Añadir acuerdo' }).click();
  await expect(page.getByRole('cell', { name: 'Publicar la ficha del proyecto' })).toBeVisible();
  if (info.project.use.javaScriptEnabled !== false) {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  }

  // circulated to the members, then approved by the body's rule (no objection in the period)
  await page.getByRole('button', { name: 'Circular a los integrantes' }).click();
  await expect(page.getByText(/Circulada: comentarios hasta/)).toBeVisible();
  await page.getByRole('button', { name: 'Registrar la aprobación' }).click();
  await expect(page.getByRole('heading', { name: 'Acta aprobada' })).toBeVisible();
  const minutesUrl = page.url().replace(/#.*$/, '');

  // a visitor finds them on the public calendar with their verified badge and the PDF
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.context().clearCookies();
  await page.goto('/meetings');
  const row = page.getByRole('listitem').filter({ hasText: `Sesión ordinaria ${info.project.name}` });
  await expect(async () => {
    await page.reload();
    await expect(row.getByRole('link', { name: /Decisión verificable/ })).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await row.getByRole('link', { name: 'Acta aprobada' }).click();
  expect(page.url()).toBe(minutesUrl);
  await expect(page.getByText('la comisión de proyectos expuso la propuesta.', { exact: false })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Carlos Pérez' })).toBeVisible();
  const pdf = await page.request.get(`${minutesUrl}.pdf`);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  await page.getByRole('link', { name: /Decisión verificable/ }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.verdict-label').first()).toHaveText(/Verificada/, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText('governance.minutes-approved').first()).toBeVisible();
});
