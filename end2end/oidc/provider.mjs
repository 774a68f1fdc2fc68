// An OpenID provider on loopback for Minga's tests: npm `oidc-provider` (a certified
// implementation) with one static confidential client, PKCE required, and its development login
// form (any login and password; the login is the subject).
//
//   PORT=3103 CLIENT_ID=minga CLIENT_SECRET=… REDIRECT_URI=http://127.0.0.1:3100/login/oidc/callback \
//     node end2end/oidc/provider.mjs
//
// The accounts it knows are whatever login is typed: `ana@uni.example` signs in as subject
// `ana@uni.example` with that address, verified; a login starting with `unverified.` has its
// address unverified; one containing `+mfa` authenticates with a second factor (the ID token's
// `amr` carries `otp` and `mfa`).
//
// For the relying party's failure tests, `POST /__test/...` (loopback only, this process is a
// test fixture) changes what it does next:
//   /__test/rotate           a new signing key with a new key id (sessions are dropped)
//   /__test/id-token/expired the next ID tokens have expired
//   /__test/id-token/nonce   the next ID tokens carry another nonce
//   /__test/id-token/normal  back to normal
import Provider from 'oidc-provider';
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

const port = Number(process.env.PORT ?? 3103);
const issuer = `http://127.0.0.1:${port}`;
const client = {
  client_id: process.env.CLIENT_ID ?? 'minga',
  client_secret: process.env.CLIENT_SECRET ?? 'minga test client secret',
  redirect_uris: (process.env.REDIRECT_URI ?? 'http://127.0.0.1:3100/login/oidc/callback').split(','),
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};

let idTokenMode = 'normal';
let key;
let provider;

function claimsOf(login) {
  const email = login.includes('@') ? login : `${login}@idp.example`;
  return {
    sub: login,
    email,
    email_verified: !login.startsWith('unverified.'),
    name: login.split('@')[0].replace(/[._+]/g, ' '),
  };
}

function newProvider() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  key = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const p = new Provider(issuer, {
    clients: [client],
    jwks: { keys: [key] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile'],
    // the ID token carries `sub` and `amr`; the address and name come from userinfo (the
    // default, `conformIdTokenClaims`)
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['minga test cookie key'] },
    async findAccount(_ctx, id) {
      return { accountId: id, async claims() { return claimsOf(id); } };
    },
  });
  // loopback over plain HTTP: the provider must not insist on https or a proxy
  p.proxy = false;

  // the development login, saying how the person authenticated (RFC 8176 `amr`, kept in the
  // provider's session and put in the ID token): `+mfa` in the login stands for a second factor
  p.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || !/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
    const details = await p.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'login') return next();
    const login = new URLSearchParams(await readBody(ctx.req)).get('login') ?? '';
    const amr = login.includes('+mfa') ? ['pwd', 'otp', 'mfa'] : ['pwd'];
    ctx.respond = false;
    await p.interactionFinished(ctx.req, ctx.res, { login: { accountId: login, amr } }, {
      mergeWithLastSubmission: false,
    });
  });

  // a misbehaving provider, on request: the token endpoint's ID token re-signed with other claims
  p.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || idTokenMode === 'normal' || !ctx.body?.id_token) return;
    const [h, payload] = ctx.body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    if (idTokenMode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (idTokenMode === 'nonce') claims.nonce = 'a-nonce-this-client-never-sent';
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = sign('sha256', Buffer.from(`${h}.${body}`), privateKeyOf(key)).toString('base64url');
    ctx.body = { ...ctx.body, id_token: `${h}.${body}.${signature}` };
  });
  return p;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { data += c; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function privateKeyOf(jwk) {
  const { kid, alg, use, ...material } = jwk;
  return { key: material, format: 'jwk' };
}

provider = newProvider();
createServer((req, res) => {
  if (req.method === 'POST' && req.url.startsWith('/__test/')) {
    const what = req.url.slice('/__test/'.length);
    if (what === 'rotate') provider = newProvider();
    else if (what.startsWith('id-token/')) idTokenMode = what.slice('id-token/'.length);
    res.writeHead(204).end();
    return;
  }
  provider.callback()(req, res);
}).listen(port, '127.0.0.1', () => {
  console.log(`OpenID provider at ${issuer} (client ${client.client_id})`);
});
