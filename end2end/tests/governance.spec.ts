// An administrator opens a call for a collective's leader, two members apply, the Executive
// Secretary puts the election to the Executive Council at a meeting, the Council votes it seat by
// seat, and the public page of the collective shows the new leader with a verified decision that
// opens its verification page. With JavaScript on and off.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

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

async function noSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

// each project works on its own collective, where the demo leaves one leader seat vacant
const setups = {
  chromium: {
    slug: 'empresarial',
    collective: 'Colectivo Empresarial',
    elected: ['Paula Gómez', 'paula.gomez@minga.example'],
    other: ['Miguel Ángel Ruiz', 'miguel.ruiz@minga.example'],
  },
  'chromium-no-js': {
    slug: 'osc',
    collective: 'Colectivo de Organizaciones de la Sociedad Civil',
    elected: ['Tomás Aguilar', 'tomas.aguilar@minga.example'],
    other: ['Isabel Navarro', 'isabel.navarro@minga.example'],
  },
} as const;

test('a call is opened, two members apply, the council elects one and the public page shows the verified leader', async ({
  page,
}, info) => {
  const setup = setups[info.project.name as keyof typeof setups];
  test.skip(!setup, 'runs in the desktop projects');
  const withJs = info.project.use.javaScriptEnabled !== false;
  const today = new Date().toISOString().slice(0, 10);

  // the administrator opens the call
  await login(page, 'admin@minga.example');
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Convocatorias' }).click();
  await page.getByRole('link', { name: 'Abrir una convocatoria' }).click();
  await page.getByLabel('Colectivo').selectOption({ label: setup.collective });
  await page.getByLabel('Lugares').fill('1');
  await page.getByLabel('Candidaturas hasta').fill(today);
  await page.getByLabel('Inicio del periodo').fill(today);
  await page.getByLabel('Descripción (español)').fill('Convocatoria de prueba de extremo a extremo.');
  await page.getByRole('button', { name: 'Abrir convocatoria' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Convocatoria: liderazgo del ${setup.collective}`);
  const callUrl = page.url();
  if (withJs) await noSeriousViolations(page);
  await logout(page);

  // two members of the collective apply
  for (const [name, email] of [setup.elected, setup.other]) {
    await login(page, email);
    await page.goto(callUrl);
    await page.getByLabel('Exposición de motivos').fill(`${name}: coordinaré los nodos y proyectos del colectivo.`);
    await page.getByRole('button', { name: 'Presentar candidatura' }).click();
    await expect(page.getByRole('rowheader', { name, exact: true })).toBeVisible();
    await logout(page);
  }

  // the Executive Secretary schedules a meeting of the Council after the call closes
  await login(page, 'secretaria@minga.example');
  const date = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
  await page.goto('/meetings/new');
  await page.getByLabel('Órgano').selectOption({ label: 'Consejo Ejecutivo' });
  await page.getByLabel('Tipo de sesión').selectOption('ordinary');
  await page.getByLabel('Título (español)').fill(`Elección ${setup.slug}`);
  await page.getByLabel('Título (inglés)').fill(`Election ${setup.slug}`);
  await page.getByLabel('Fecha').fill(date);
  await page.getByLabel('Hora de inicio').fill('10:00');
  await page.getByLabel('Hora de término').fill('12:00');
  await page.getByLabel('Lugar', { exact: true }).fill('Sala del Consejo');
  await page.getByRole('button', { name: 'Guardar borrador' }).click();
  const meetingId = new URL(page.url()).pathname.split('/').pop() ?? '';

  // and puts the slate to its vote: a motion on the meeting's agenda, nothing elected yet
  await page.goto(callUrl);
  await page.getByRole('checkbox', { name: new RegExp(setup.elected[0]) }).check();
  await page.getByLabel('Sesión del Consejo Ejecutivo que la vota').selectOption(meetingId);
  await page.getByRole('button', { name: 'Llevar a votación en la sesión' }).click();
  await expect(page.locator('#agenda + ol > li').first()).toContainText('Elección de liderazgo');
  await expect(page.locator('#agenda + ol > li').first()).toContainText(`Elegir a ${setup.elected[0]}`);

  // the Council meets with quorum and votes it seat by seat
  await page.getByRole('button', { name: 'Enviar la convocatoria' }).click();
  await expect(page.locator('#status')).toHaveText('convocada');
  const seats = ['Ana Martínez', 'Carlos Pérez', 'Jorge Castillo', 'Gabriela Ríos', 'Héctor Morales', 'Sergio Vega', 'Patricia Luna'];
  for (const name of seats) {
    const row = page.getByRole('row', { name: new RegExp(`^${name}`) }).first();
    await row.getByRole('combobox').first().selectOption('in_person');
    await row.getByRole('button', { name: 'Registrar' }).click();
  }
  await page.getByRole('button', { name: 'Abrir la sesión (establecer el quórum)' }).click();
  await page.getByRole('button', { name: 'Someter a votación' }).click();
  const ballots = page.getByRole('group', { name: 'Sentido del voto de cada lugar presente' });
  for (const name of seats) await ballots.getByLabel(name, { exact: true }).selectOption('yes');
  await page.getByRole('button', { name: 'Registrar los votos y cerrar la votación' }).click();

  // the approved motion elects the slate: the call is decided
  await page.goto(callUrl);
  await expect(async () => {
    await page.reload();
    await expect(page.locator('#result')).toHaveText('resuelta', { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.locator('#election-motions')).toContainText('Aprobada: la planilla fue elegida');
  await expect(page.getByRole('row', { name: new RegExp(setup.elected[0]) })).toContainText('Electa');
  await expect(page.getByRole('row', { name: new RegExp(setup.other[0]) })).toContainText('No electa');
  await logout(page);

  // anyone sees the new leader on the collective's page, with the decision verified in the log
  await page.goto(`/collectives/${setup.slug}`);
  const row = page.getByRole('row', { name: new RegExp(setup.elected[0]) }).first();
  await expect(async () => {
    await page.reload();
    await expect(row.getByRole('link', { name: /Decisión verificable/ })).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(row).toContainText('Líder de colectivo');
  if (withJs) await noSeriousViolations(page);
  await row.getByRole('link', { name: /Decisión verificable/ }).click();
  await expect(page).toHaveURL(/\/v\/[0-9a-z]+$/);
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.verdict-label').first()).toHaveText(/Verificada/, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText('governance.leader-elected').first()).toBeVisible();
  await expect(page.getByText(setup.elected[0]).first()).toBeVisible();

  // and in the decisions register, filtered by kind
  await page.goto('/decisions');
  await page.getByLabel('Tipo de decisión').selectOption({ label: 'Elección de liderazgo' });
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await expect(page.getByRole('row', { name: new RegExp(`Elección de ${setup.elected[0]}`) })).toBeVisible();
});
