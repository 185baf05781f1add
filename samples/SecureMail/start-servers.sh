#!/usr/bin/env bash
# Starts a throwaway mail stack on loopback for the SecureMail sample:
#   Postfix (SMTP on 127.0.0.1:$SMTP_PORT) delivering by LMTP to Dovecot (LMTP + IMAP on 127.0.0.1).
# Everything (configuration, queue, mail store, logs) lives in one temporary folder; the machine's own mail
# configuration is not read or changed. Users: alice@example.test and bob@example.test (passwords below).
#
# Usage: samples/SecureMail/start-servers.sh [FOLDER]
# Prints shell assignments (SECUREMAIL_DIR, SMTP_PORT, IMAP_PORT) for `eval`; stop with stop-servers.sh FOLDER.
# Environment: SMTP_PORT, IMAP_PORT, LMTP_PORT (default: the first free port from 2525, 1143 and 2424 upwards).
# Installs the Debian packages postfix, dovecot-imapd and dovecot-lmtpd when they are missing (needs root or sudo).
set -euo pipefail

DIR="${1:-$(mktemp -d -t securemail.XXXXXX)}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
log() { echo "start-servers: $*" >&2; }

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# ------------------------------------------------------------------ packages
if ! command -v postfix >/dev/null || ! command -v dovecot >/dev/null || [ ! -x /usr/lib/dovecot/lmtp ]; then
  log "installing postfix, dovecot-imapd, dovecot-lmtpd"
  # "No configuration": the package must not write a system-wide main.cf or start a system mailer.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix dovecot-imapd dovecot-lmtpd >&2
fi

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A port given in the environment must be free; otherwise take the first free one from the default upwards.
pick_port() {
  local name="$1" port="$2" given="${!1:-}"
  if [ -n "$given" ]; then
    listening "$given" && { log "$name=$given: 127.0.0.1:$given is already in use"; exit 1; }
    echo "$given"; return
  fi
  while listening "$port"; do port=$((port + 1)); done
  echo "$port"
}
SMTP_PORT="$(pick_port SMTP_PORT 2525)"
IMAP_PORT="$(pick_port IMAP_PORT 1143)"
LMTP_PORT="$(pick_port LMTP_PORT 2424)"

# Mail is stored under an unprivileged account; the folder must be traversable for it.
MAIL_USER=nobody
MAIL_GROUP="$(id -gn nobody)"
chmod 711 "$DIR"

# ------------------------------------------------------------------ Dovecot: IMAP + LMTP
mkdir -p "$DIR/dovecot/run" "$DIR/dovecot/state" "$DIR/mail"
$SUDO chown "$MAIL_USER:$MAIL_GROUP" "$DIR/mail"
cat > "$DIR/dovecot/users" <<USERS
alice@example.test:{PLAIN}alice-password
bob@example.test:{PLAIN}bob-password
USERS
$SUDO chown "root:$(id -gn dovecot)" "$DIR/dovecot/users"
chmod 640 "$DIR/dovecot/users"
cat > "$DIR/dovecot/dovecot.conf" <<CONF
base_dir = $DIR/dovecot/run
state_dir = $DIR/dovecot/state
log_path = $DIR/dovecot.log
info_log_path = $DIR/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$DIR/mail/%d/%n
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/dovecot/users
}
userdb {
  driver = static
  args = uid=$MAIL_USER gid=$MAIL_GROUP home=$DIR/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
protocol lmtp {
  auth_username_format = %u
}
CONF
# The daemons must not inherit this script's output: a caller reading it to its end would wait for them.
$SUDO dovecot -c "$DIR/dovecot/dovecot.conf" </dev/null >/dev/null 2>>"$DIR/dovecot.log"

# ------------------------------------------------------------------ Postfix: SMTP, delivering to Dovecot by LMTP
PF="$DIR/postfix"
mkdir -p "$PF/spool" "$PF/data"
$SUDO chown postfix "$PF/data"
cat > "$PF/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.example.test
mydomain = example.test
myorigin = example.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = example.test
virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
maillog_file = $DIR/postfix.log
maillog_file_prefixes = $DIR
smtputf8_enable = no
biff = no
CONF
cat > "$PF/master.cf" <<CONF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
lmtp      unix  - - n -    - lmtp
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF
# Postfix reports start-up errors to syslog, which a container may lack: run its check first, on a terminal-less
# stderr, so a broken setup says why.
$SUDO postfix -c "$PF" check >&2 || { log "postfix check failed (run: script -qc \"postfix -c $PF check\" /dev/null)"; exit 1; }
$SUDO postfix -c "$PF" set-permissions >/dev/null 2>&1 || true
$SUDO postfix -c "$PF" start </dev/null >/dev/null 2>>"$DIR/postfix.log" || { tail -n 20 "$DIR/postfix.log" >&2; exit 1; }

# ------------------------------------------------------------------ wait until both listen
for port in "$SMTP_PORT" "$IMAP_PORT"; do
  for _ in $(seq 1 50); do
    listening "$port" && break
    sleep 0.2
  done
  listening "$port" || { log "nothing listens on 127.0.0.1:$port; see $DIR/*.log"; exit 1; }
done
log "Postfix SMTP 127.0.0.1:$SMTP_PORT -> LMTP 127.0.0.1:$LMTP_PORT -> Dovecot, IMAP 127.0.0.1:$IMAP_PORT, in $DIR"
echo "SECUREMAIL_DIR=$DIR"
echo "SMTP_PORT=$SMTP_PORT"
echo "IMAP_PORT=$IMAP_PORT"
