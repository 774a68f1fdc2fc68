// Open data: a journalist downloads a register from its page and reads its columns on /data; an
// open data portal harvests the DCAT-AP catalogue, expanded by a JSON-LD processor (jsonld.js,
// in safe mode: a term it could not expand fails the test) without any network.
import { expect, test } from '@playwright/test';
// @ts-expect-error jsonld ships no type declarations
import jsonld from 'jsonld';

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';

test('a register downloads from its page and the catalogue expands as DCAT', async ({ page, request }) => {
  await page.goto('/decisions');
  const links = page.getByRole('navigation', { name: 'Datos abiertos' });
  const csvHref = await links.getByRole('link', { name: 'Decisiones de gobernanza en CSV' }).getAttribute('href');
  expect(csvHref).toBe('/data/decisions.csv');
  const csv = await request.get(csvHref ?? '');
  expect(csv.headers()['content-type']).toContain('text/csv');
  const header = (await csv.text()).split('\r\n')[0];
  expect(header).toBe('id,event,body,reference,title_es,title_en,decided_at,evidence_id,document_sha256,data');
  const json = await (await request.get('/data/decisions.json')).json();
  expect(json.length).toBeGreaterThan(10);

  // the catalogue page: every dataset, its columns explained
  await links.getByRole('link', { name: 'Datos abiertos', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Datos abiertos' })).toBeVisible();
  await page.getByText('Columnas de Decisiones de gobernanza').click();
  await expect(page.getByRole('rowheader', { name: 'decided_at' })).toBeVisible();

  const doc = await (await request.get('/data/catalog.jsonld')).json();
  const expanded = await jsonld.expand(doc, {
    safe: true,
    documentLoader: async (url: string) => {
      throw new Error(`the catalogue must not need the network (${url})`);
    },
  });
  expect(expanded).toHaveLength(1);
  const catalog = expanded[0];
  expect(catalog['@type']).toContain(`${DCAT}Catalog`);
  const datasets = catalog[`${DCAT}dataset`];
  expect(datasets.length).toBeGreaterThanOrEqual(17);
  for (const d of datasets) {
    expect(d['@type']).toContain(`${DCAT}Dataset`);
    const languages = d[`${DCT}title`].map((t: { '@language': string }) => t['@language']);
    expect(languages).toEqual(['es', 'en']);
    expect(d[`${DCAT}distribution`].length).toBeGreaterThanOrEqual(1);
  }
});

test('the feeds parse as Atom and one search box finds a record with or without accents', async ({ page, request }) => {
  // the browser's own XML parser reads both feeds
  for (const path of ['/decisions.atom?body=executive-council', '/meetings.atom']) {
    const response = await request.get(path);
    expect(response.headers()['content-type']).toBe('application/atom+xml; charset=utf-8');
    const xml = await response.text();
    await page.goto('/');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName('parsererror').length,
        namespace: root.namespaceURI,
        name: root.localName,
        entries: root.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry').length,
        titled: Array.from(root.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry')).every(
          (e) => (e.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'title')[0]?.textContent ?? '') !== '',
        ),
      };
    }, xml);
    expect(parsed).toMatchObject({ error: 0, namespace: 'http://www.w3.org/2005/Atom', name: 'feed', titled: true });
    expect(parsed.entries).toBeGreaterThan(0);
  }

  // a citizen searches without the accent and finds the approved minutes
  await page.goto('/search');
  await page.getByLabel('Palabras a buscar').fill('sesion ordinaria');
  await page.getByRole('button', { name: 'Buscar' }).click();
  await expect(page.getByRole('heading', { name: /Actas aprobadas \(\d+\)/ })).toBeVisible();
  await page.getByRole('link', { name: /Sesión ordinaria del Consejo Ejecutivo \(anterior\)/ }).last().click();
  await expect(page).toHaveURL(/\/meetings\/1/);
});
