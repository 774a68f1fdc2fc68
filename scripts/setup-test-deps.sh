#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine of this project's kind, and nothing that
# is already there: Debian's Chromium (never a downloaded browser), openssl (the test TSA),
# poppler-utils (pdftotext reads the batch reports), the DejaVu font (the reports'), the
# end-to-end test packages from the lockfile (Playwright, axe, and oidc-provider: the OpenID
# provider the sign-in tests run on loopback), anvil (the Ethereum node the anchoring tests
# run, npm @foundry-rs/anvil's Linux binary package, pinned) under .tools/, aiosmtpd (the SMTP
# server the mail tests deliver to), and schemathesis (PyPI, pinned, in a virtualenv under
# .tools/: it fuzzes the JSON API against its OpenAPI description). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  echo "Installing the end-to-end test packages (npm ci)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

ANVIL_VERSION=1.7.1
anvil=.tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
if [ ! -x "$anvil" ] || ! "$anvil" --version | grep -q "$ANVIL_VERSION"; then
  echo "Installing anvil $ANVIL_VERSION (npm @foundry-rs/anvil-linux-amd64)"
  npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    --prefix .tools "@foundry-rs/anvil-linux-amd64@$ANVIL_VERSION"
fi

# aiosmtpd: Debian's python3-aiosmtpd for /usr/bin/python3 where Debian has it, else PyPI's,
# pinned, in a virtualenv under .tools/ (the tests look in both places).
AIOSMTPD_VERSION=1.4.6
imports_aiosmtpd() { [ -x "$1" ] && "$1" -c 'import aiosmtpd' >/dev/null 2>&1; }
debian_has() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }
if ! imports_aiosmtpd /usr/bin/python3 && ! imports_aiosmtpd .tools/aiosmtpd/bin/python; then
  if command -v apt-get >/dev/null 2>&1 && { debian_has python3-aiosmtpd || { sudo_if_needed apt-get update -qq && debian_has python3-aiosmtpd; }; }; then
    echo "Installing from Debian: python3-aiosmtpd"
    DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends python3-aiosmtpd >/dev/null
  else
    echo "Installing aiosmtpd $AIOSMTPD_VERSION (PyPI) in .tools/aiosmtpd"
    python3 -m venv .tools/aiosmtpd
    .tools/aiosmtpd/bin/python -m pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
fi

SCHEMATHESIS_VERSION=4.32.5
st=.tools/schemathesis/bin/schemathesis
if [ ! -x "$st" ] || ! "$st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "Installing schemathesis $SCHEMATHESIS_VERSION (PyPI) in .tools/schemathesis"
  python3 -m venv .tools/schemathesis
  .tools/schemathesis/bin/python -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
