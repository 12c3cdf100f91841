#!/usr/bin/env bash
# Debian packages only the benchmarks need (CI does not run this; its tests need install-system-deps.sh):
# - postfix: smtp-source for bench/smtp-throughput and bench/imap, and the Postfix compared with Mailroom;
# - dovecot-imapd, dovecot-lmtpd: the Dovecot 2.3 compared with Mailroom by bench/imap (bench/imap/dovecot.ts),
#   which gets its messages from smtp-source over LMTP.
# The packages' own services are never used: policy-rc.d or a missing init keeps them stopped in
# containers, and the benchmarks start private instances with their own configuration on loopback ports.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

$SUDO apt-get update -q
# Postfix asks how it is used; "No configuration" keeps the system one inert.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends postfix dovecot-imapd dovecot-lmtpd

# "No configuration" leaves /etc/postfix/main.cf absent, and bench/smtp-throughput/postfix.ts starts its
# private instance from a copy of it: give it Debian's default (the system instance stays unused).
if [ ! -f /etc/postfix/main.cf ]; then
  $SUDO cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
fi

# A service the package started anyway (on a machine with an init) is not needed by any benchmark.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  $SUDO systemctl disable --now dovecot
fi
