#!/usr/bin/env bash
# Debian packages the tests use: real mail clients and, as issues land, real daemons.
# Used by .ci/run; run it yourself (as root) before `npm test` to run every test instead of skipping some.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  swaks libnet-ssleay-perl libio-socket-ssl-perl  # swaks with STARTTLS
  curl python3                                    # curl's smtp/pop3/imap and Python's smtplib/poplib/imaplib
  prometheus                                      # real Prometheus and promtool for the exporter tests
  prometheus-alertmanager                         # real Alertmanager: the shipped rules reach a webhook (alerting-e2e)
  chromium                                        # real headless browser for the Grafana plugin test
  clamav-daemon                                   # real clamd for the scan tests (they write their own signatures)
  spamassassin spamd spamc                        # real spamd for the scan tests (rules ship with the package)
  postgresql                                      # real PostgreSQL for the PostgreSQL store and the contract suite
  mutt                                            # Debian's mutt opens the mbox export in the backup test
  systemd openssl                                 # systemd-analyze verifies the shipped unit; openssl makes a test certificate
  python3-dkim python3-nacl                       # Debian's dkimpy verifies our DKIM signatures (nacl: ed25519)
  dovecot-imapd dovecot-lmtpd                     # the private Dovecot bench/imap compares with (its test runs in CI; the service stays off)
)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
