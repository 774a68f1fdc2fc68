// Runs the real `minga` binary on a fresh data directory and drives it in Debian's Chromium:
// once with JavaScript and once without, since every page must work without it.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const port = Number(process.env.MINGA_E2E_PORT ?? 3100);
const dataDir = mkdtempSync(join(tmpdir(), 'minga-e2e-'));
const binary = process.env.MINGA_BIN ?? resolve(__dirname, '../target/debug/minga');
export const adminPassword = 'e2e administrator password';
// a real Ethereum node on loopback: the endpoint the node tests' applicants register
const anvilPort = Number(process.env.MINGA_E2E_ANVIL_PORT ?? 3102);
export const anvilUrl = `http://127.0.0.1:${anvilPort}`;
const anvil =
  process.env.MINGA_ANVIL ?? resolve(__dirname, '../.tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil');

// an OpenID provider on loopback (npm oidc-provider): the institution people sign in with
const idpPort = Number(process.env.MINGA_E2E_IDP_PORT ?? 3103);
export const idpName = 'Universidad Ejemplo';

const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
  },
  projects: [
    { name: 'chromium', use: { ...chromium }, testIgnore: /phone/ },
    { name: 'chromium-no-js', use: { ...chromium, javaScriptEnabled: false }, testIgnore: /a11y|phone/ },
    {
      name: 'phone-no-js',
      use: { ...chromium, javaScriptEnabled: false, ...phone },
      testMatch: /phone\.spec/,
    },
    { name: 'phone', use: { ...chromium, ...phone }, testMatch: /phone-a11y/ },
  ],
  webServer: [
    {
      command: `${anvil} --host 127.0.0.1 --port ${anvilPort} --block-time 1 --chain-id 648543`,
      port: anvilPort,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      command: 'node oidc/provider.mjs',
      url: `http://127.0.0.1:${idpPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'ignore',
      env: {
        PORT: String(idpPort),
        CLIENT_ID: 'minga-e2e',
        CLIENT_SECRET: 'e2e client secret',
        REDIRECT_URI: `http://127.0.0.1:${port}/login/oidc/callback`,
      },
    },
    {
      command: `${binary} serve`,
      url: `http://127.0.0.1:${port}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        MINGA_DATA_DIR: dataDir,
        MINGA_LISTEN: `127.0.0.1:${port}`,
        MINGA_ADMIN_PASSWORD: adminPassword,
        MINGA_LOG: 'warn',
        // circulated minutes are approved by the body's rule at once (the default waits 5 days)
        MINGA_MINUTES_COMMENT_DAYS: '0',
        // the meeting the tests hold is weeks ahead: its session may be recorded from 30 days before
        MINGA_SESSION_DAYS_EARLY: '30',
        // the node tests wait for a node's first samples
        MINGA_NODE_POLL_INTERVAL: '1s',
        // the applicants' endpoint is an anvil on loopback
        MINGA_NODE_PROBE_PRIVATE: 'true',
        // the flows act as the demo's administrator and Secretary with their passwords; the
        // second factor they would be asked for is tested over HTTP (server/tests/it/identity.rs)
        MINGA_SECOND_FACTOR_ROLES: 'none',
        MINGA_OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
        MINGA_OIDC_CLIENT_ID: 'minga-e2e',
        MINGA_OIDC_CLIENT_SECRET: 'e2e client secret',
        MINGA_OIDC_NAME: idpName,
      },
    },
  ],
});
