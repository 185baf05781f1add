#!/usr/bin/env bash
# Stops the mail stack that start-servers.sh started in FOLDER, and deletes FOLDER unless --keep is given.
# Usage: samples/SecureMail/stop-servers.sh FOLDER [--keep]
set -uo pipefail
DIR="${1:?usage: stop-servers.sh FOLDER [--keep]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
[ -f "$DIR/postfix/main.cf" ] && $SUDO postfix -c "$DIR/postfix" stop >/dev/null 2>&1
[ -f "$DIR/dovecot/dovecot.conf" ] && $SUDO doveadm -c "$DIR/dovecot/dovecot.conf" stop >/dev/null 2>&1
# Give the masters a moment to exit before removing their folders.
for _ in $(seq 1 25); do
  pgrep -f "$DIR/" >/dev/null 2>&1 || break
  sleep 0.2
done
[ "${2:-}" = "--keep" ] || $SUDO rm -rf "$DIR"
