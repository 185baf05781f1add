#!/usr/bin/env bash
# Drives the real mail clients mutt and neomutt (with GnuPG through GPGME) in a tmux terminal, both ways:
#
#   mail-clients.sh compose DIR
#       Makes a corpus in DIR (created if missing): a throw-away GnuPG home DIR/gnupg with two unprotected keys,
#       Alice (sender) and Bob (recipient), exported as DIR/{alice,bob}.{pub,sec}.asc and their fingerprints in
#       DIR/keys.env; then, for every client and every kind, the message that client sends
#       from Alice to Bob, as DIR/CLIENT-KIND.eml. Kinds: signed, encrypted, signed-encrypted (PGP/MIME, a UTF-8
#       text with a binary attachment) and inline-signed, inline-encrypted, inline-signed-encrypted (traditional
#       inline PGP, text only: neither client writes inline PGP for a message with attachments). DIR/body.txt and
#       DIR/report.bin hold the text and the attachment that were sent.
#
#   mail-clients.sh read DIR MESSAGE...
#       Opens each message file NAME.eml (one message, mbox or bare RFC 822) in every client as Bob, with
#       DIR/gnupg (made by compose) as the key store, and writes to NAME-CLIENT.txt the text the client's pager
#       shows: decrypted, with the client's own signature verdict lines.
#
# The clients are mutt and neomutt, or those named in MAIL_CLIENTS (space-separated); they run side by side.
# Each client runs on its normal compose/pager screens (batch mode skips their crypto settings) in a private tmux
# server that is killed on exit. Sent messages go to a sendmail stand-in that stores them; nothing leaves the
# machine. Every wait has a timeout; on a timeout the client's screen is printed. Exit code 0 only when every
# requested file was written.
set -euo pipefail

STEP_TIMEOUT="${MAIL_CLIENTS_TIMEOUT:-30}"   # seconds for one client run
read -r -a CLIENTS <<< "${MAIL_CLIENTS:-mutt neomutt}"
KINDS=(signed encrypted signed-encrypted inline-signed inline-encrypted inline-signed-encrypted)
SELF="$(readlink -f "${BASH_SOURCE[0]}")"

die() { echo "mail-clients.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed (apt-get install ${2:-$1})"; }

# ---------------------------------------------------------------- helpers run by the clients themselves
# The clients call this script back as their editor (appends the prepared body below the headers they wrote) and
# as their sendmail (stores the message; the recipients on the command line are ignored).
case "${1:-}" in
  --editor) cat "$MC_BODY" >> "$2"; exit 0 ;;
  --sendmail) cat > "$MC_OUT.part"; mv "$MC_OUT.part" "$MC_OUT"; exit 0 ;;
  # Classic backend: gpg encrypting a file to the key IDs the client lists after it (one --recipient each),
  # signing too when --sign KEY comes first.
  --gpg-encrypt)
    shift; args=(gpg --batch --quiet --no-verbose --output - --armor --textmode --encrypt)
    if [ "$1" = --sign ]; then args+=(--sign --local-user "$2"); shift 2; fi
    file="$1"; shift
    for r in "$@"; do args+=(--recipient "$r"); done
    exec "${args[@]}" "$file" ;;
esac

# Our own text and gpg's user IDs are UTF-8, whatever locale we were started in.
export LANG=C.UTF-8 LC_ALL=C.UTF-8

# ---------------------------------------------------------------- tmux
# Each client's tmux server is named TMUX_PREFIX-CLIENT (MAIL_CLIENTS_TMUX lets a caller end them after a kill).
TMUX_PREFIX="${MAIL_CLIENTS_TMUX:-cm-mail-clients-$$}"
TMUX_SOCKET="$TMUX_PREFIX"
tmx() { tmux -L "$TMUX_SOCKET" -f /dev/null "$@"; }
cleanup() { tmx kill-server >/dev/null 2>&1 || true; }
trap cleanup EXIT

# A session is named by its work folder (unique per run); its files live in that folder.
tname() { basename "$(dirname "$1")" | tr -c 'A-Za-z0-9_\n-' _; }
screen() { tmx capture-pane -p -t "$(tname "$1")" 2>/dev/null || echo "(the tmux session $1 has ended)"; }

# wait_for SESSION WHAT TEST...: runs TEST until it succeeds, or fails with the screen after STEP_TIMEOUT.
wait_for() {
  local session="$1" what="$2"; shift 2
  local deadline=$((SECONDS + STEP_TIMEOUT))
  local ended
  until "$@"; do
    # A client that has exited cannot change its screen any more: fail at once rather than at the deadline.
    ended=; [ -f "$session.status" ] && ended=1
    if [ -n "$ended" ] || [ "$SECONDS" -ge "$deadline" ]; then
      if [ -n "$ended" ]; then echo "mail-clients.sh: the client ended while waiting for $what; the screen was:" >&2
      else echo "mail-clients.sh: timed out after ${STEP_TIMEOUT}s waiting for $what; the screen was:" >&2; fi
      screen "$session" | sed '/^$/d' >&2
      [ -f "$session.status" ] && echo "(client exit code $(cat "$session.status"))" >&2
      return 1
    fi
    sleep 0.2
  done
}
screen_has() { screen "$1" | grep -Eq -- "$2"; }

# run_client SESSION CLIENT ARGS...: starts CLIENT in a fresh tmux session (UTF-8 terminal, 200x50); its exit code
# lands in SESSION.status. The environment is passed on the command line: a tmux server keeps the environment it
# started with, which may be an earlier client's.
run_client() {
  local session="$1" client="$2"; shift 2
  rm -f "$session.status"
  local cmd
  cmd="$(printf '%q ' env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen "GNUPGHOME=$GNUPGHOME" "MC_BODY=${MC_BODY:-}" "MC_OUT=${MC_OUT:-}" "$client" "$@")"
  tmx -u new-session -d -s "$(tname "$session")" -x 200 -y 50 \
    "$cmd; echo \$? > $(printf '%q' "$session.status")"
}

# ---------------------------------------------------------------- GnuPG home and keys
gpg_home() {
  local dir="$1"
  export GNUPGHOME="$dir/gnupg"
  if [ -f "$dir/keys.env" ]; then return 0; fi
  mkdir -p "$GNUPGHOME"; chmod 700 "$GNUPGHOME"
  # Keys made here are trusted ultimately, so both clients take them without asking.
  printf 'no-auto-key-retrieve\n' > "$GNUPGHOME/gpg.conf"
  local g=(gpg --batch --no-tty --quiet --utf8-strings --passphrase '')
  local name email fpr
  for who in "Alice Müller <alice@example.org>" "Bob <bob@example.org>"; do
    email="${who#*<}"; email="${email%>}"; name="${email%@*}"
    "${g[@]}" --quick-gen-key "$who" ed25519 cert,sign never 2>/dev/null || die "gpg could not make a key for $who"
    fpr="$(gpg --with-colons --list-keys "=$who" | awk -F: '/^fpr:/ { print $10; exit }')"
    [ -n "$fpr" ] || die "gpg lists no key for $who"
    "${g[@]}" --quick-add-key "$fpr" cv25519 encr never 2>/dev/null || die "gpg could not add a subkey for $who"
    "${g[@]}" --armor --export "$fpr" > "$dir/$name.pub.asc" 2>/dev/null
    "${g[@]}" --pinentry-mode loopback --armor --export-secret-keys "$fpr" > "$dir/$name.sec.asc" 2>/dev/null
    echo "${name^^}_FPR=$fpr" >> "$dir/keys.env.part"
  done
  mv "$dir/keys.env.part" "$dir/keys.env"
}

# ---------------------------------------------------------------- muttrc
# write_rc FILE FROM-NAME FROM-ADDRESS KEY: settings shared by both clients and both directions.
write_rc() {
  local file="$1" realname="$2" from="$3" key="$4" tmp
  tmp="$(dirname "$file")/tmp"; mkdir -p "$tmp"
  cat > "$file" <<EOF
set tmpdir="$tmp"
set editor="$SELF --editor"
set sendmail="$SELF --sendmail"
set edit_headers=yes
set autoedit=yes
set from="$from"
set realname="$realname"
set use_from=yes
set charset="utf-8"
set send_charset="us-ascii:utf-8"
set crypt_use_gpgme=yes
set pgp_default_key="$key"
set pgp_sign_as="$key"
set pgp_self_encrypt=yes
set crypt_verify_sig=yes
set crypt_replysign=no
set crypt_replyencrypt=no
set crypt_opportunistic_encrypt=no
set copy=no
set record=""
set postpone=no
set abort_noattach=no
set header_cache=""
set message_cachedir=""
set folder="$(dirname "$file")"
set spoolfile="$(dirname "$file")/empty"
set mbox_type=mbox
set move=no
set mark_old=no
set quit=yes
set wait_key=no
set beep=no
set pager_stop=yes
set pager_context=0
set allow_8bit=yes
set attach_charset="utf-8"
EOF
  : > "$(dirname "$file")/empty"
}

# use_classic_pgp FILE: the classic PGP backend (gpg run as a command), which alone writes traditional inline PGP.
use_classic_pgp() {
  local q="--no-verbose --quiet --batch --output -"
  cat >> "$1" <<EOF
set crypt_use_gpgme=no
set pgp_check_gpg_decrypt_status_fd=yes
set pgp_good_sign="^\\\\[GNUPG:\\\\] GOODSIG"
set pgp_decode_command="gpg --status-fd=2 $q %f"
set pgp_verify_command="gpg --status-fd=2 $q --verify %s %f"
set pgp_decrypt_command="gpg --status-fd=2 $q --decrypt %f"
set pgp_sign_command="gpg $q --armor --textmode %?a?--local-user %a? --detach-sign %f"
set pgp_clearsign_command="gpg $q --armor --textmode %?a?--local-user %a? --clearsign %f"
set pgp_encrypt_only_command="$SELF --gpg-encrypt %f %r"
set pgp_encrypt_sign_command="$SELF --gpg-encrypt --sign %a %f %r"
set pgp_list_pubring_command="gpg --no-verbose --batch --quiet --with-colons --with-fingerprint --list-keys %r"
set pgp_list_secring_command="gpg --no-verbose --batch --quiet --with-colons --with-fingerprint --list-secret-keys %r"
EOF
}

# ---------------------------------------------------------------- compose
# sent_or_answer SESSION OUT: true once OUT is written. Meanwhile answers mutt's "Attachment #N modified. Update
# encoding for ...?" with yes (its default): mutt asks when the body file's time stamp looks newer than its own note of
# it, which a loaded machine makes likely; unanswered, the message was never sent.
sent_or_answer() {
  test -s "$2" && return 0
  if screen_has "$1" 'Update encoding for .*\?'; then tmx send-keys -t "$(tname "$1")" y; fi
  return 1
}

compose_one() {
  local dir="$1" client="$2" kind="$3"
  local work="$dir/runs/$client-$kind"
  mkdir -p "$work"
  local rc="$work/rc" out="$dir/$client-$kind.eml" session="$work/s"
  # shellcheck disable=SC1091
  . "$dir/keys.env"
  write_rc "$rc" "Alice Müller" alice@example.org "$ALICE_FPR"
  local attach=(-a "$dir/report.bin")
  case "$kind" in
    signed) echo "set crypt_autosign=yes crypt_autoencrypt=no pgp_autoinline=no" >> "$rc" ;;
    encrypted) echo "set crypt_autosign=no crypt_autoencrypt=yes pgp_autoinline=no" >> "$rc" ;;
    signed-encrypted) echo "set crypt_autosign=yes crypt_autoencrypt=yes pgp_autoinline=no" >> "$rc" ;;
    inline-signed) echo "set crypt_autosign=yes crypt_autoencrypt=no pgp_autoinline=yes" >> "$rc"; use_classic_pgp "$rc"; attach=() ;;
    inline-encrypted) echo "set crypt_autosign=no crypt_autoencrypt=yes pgp_autoinline=yes" >> "$rc"; use_classic_pgp "$rc"; attach=() ;;
    inline-signed-encrypted) echo "set crypt_autosign=yes crypt_autoencrypt=yes pgp_autoinline=yes" >> "$rc"; use_classic_pgp "$rc"; attach=() ;;
    *) die "unknown kind $kind" ;;
  esac
  export MC_BODY="$dir/body.txt" MC_OUT="$out"
  # A client that ends before it shows its compose screen (seen once in CI on a loaded machine: mutt exited with 1
  # before drawing anything) is started again, twice at most; the screen of every failed attempt is still printed.
  # Only a run that wrote the message counts, so a retry cannot hide a client that never sends.
  local attempt
  for attempt in 1 2 3; do
    rm -f "$out"
    tmx kill-session -t "$(tname "$session")" >/dev/null 2>&1 || true
    run_client "$session" "$client" -n -F "$rc" -s "$kind from $client: Grüße ✓" "${attach[@]}" -- "Bob <bob@example.org>"
    if wait_for "$session" "$client's compose screen ($kind, attempt $attempt)" screen_has "$session" "Compose"; then
      tmx send-keys -t "$(tname "$session")" y
      wait_for "$session" "$client to send the $kind message" sent_or_answer "$session" "$out" || return 1
      tmx kill-session -t "$(tname "$session")" >/dev/null 2>&1 || true
      echo "$client $kind: $(wc -c < "$out") bytes"
      return 0
    fi
    # Retry only when the client ended on its own; a client still running without a compose screen is a real failure.
    [ -f "$session.status" ] || return 1
  done
  return 1
}

# each_client FN ARGS...: runs FN CLIENT ARGS... for every client at once (one after another would take twice as
# long), each with its own tmux server; fails when one of them failed.
each_client() {
  local fn="$1"; shift
  need gpg gnupg; need tmux
  for c in "${CLIENTS[@]}"; do need "$c"; done
  local pids=() failed=0
  for c in "${CLIENTS[@]}"; do
    ( TMUX_SOCKET="$TMUX_PREFIX-$c"; trap cleanup EXIT; "$fn" "$c" "$@" ) &
    pids+=("$!")
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  return "$failed"
}

compose_all_kinds() {
  local client="$1" dir="$2" k failed=0
  for k in "${KINDS[@]}"; do compose_one "$dir" "$client" "$k" || failed=1; done
  return "$failed"
}

compose() {
  local dir="$1"
  need gpg gnupg
  mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
  gpg_home "$dir"
  printf 'Grüße aus Zürich!\nZeile zwei: ünïcödé ✓, 10 € für Ωmega.\n\n-- \nAlice\n' > "$dir/body.txt"
  # An attachment with every byte value, so 8-bit and NUL bytes must survive the transfer encoding.
  printf "$(printf '\\%03o' $(seq 0 255))" > "$dir/report.bin"
  each_client compose_all_kinds "$dir"
}

# ---------------------------------------------------------------- read
read_all() {
  local dir="$1"; shift
  dir="$(cd "$dir" && pwd)"
  [ -f "$dir/keys.env" ] || die "$dir has no keys.env: run compose first"
  local m
  for m in "$@"; do [ -f "$m" ] || die "no message file $m"; done
  each_client read_each "$dir" "$@"
}

read_each() {
  local client="$1" dir="$2" m failed=0; shift 2
  for m in "$@"; do read_one "$dir" "$client" "$m" "${m%.eml}-$client.txt" || failed=1; done
  return "$failed"
}

read_one() {
  local dir="$1" client="$2" message="$3" out="$4"
  gpg_home "$dir"
  # shellcheck disable=SC1091
  . "$dir/keys.env"
  local work; work="$(mktemp -d "$dir/runs/read-$client-XXXXXX")"
  local rc="$work/rc" mbox="$work/in.mbox" session="$work/s"
  write_rc "$rc" "Bob" bob@example.org "$BOB_FPR"
  # A one-message mbox: the file as given if it already starts with a From_ line, else with one added.
  if head -c 5 "$message" | grep -q '^From '; then cp "$message" "$mbox"
  else { echo "From sender@example.org Thu Jan  1 00:00:00 2026"; sed 's/\r$//; s/^From />From /' "$message"; echo; } > "$mbox"
  fi
  rm -f "$out" "$out.part"
  # The pager's text goes through display_filter, which keeps a copy; the copy is complete once the pager shows.
  cat >> "$rc" <<EOF
set display_filter="tee $(printf '%q' "$out.part")"
push "<display-message>"
EOF
  run_client "$session" "$client" -n -R -F "$rc" -f "$mbox"
  wait_for "$session" "$client's pager" test -s "$out.part" || return 1
  # The end of the pager's text means the filter finished; then leave the pager and the client.
  wait_for "$session" "$client's pager to finish" screen_has "$session" '-- \((all|end|[0-9]+%)\) *$' || return 1
  # The client opened the mailbox read-only: ending its session loses nothing.
  tmx kill-session -t "$(tname "$session")" >/dev/null 2>&1 || true
  # Without the terminal's state markers (ESC ] 9 ; ... BEL) that the clients put before their own notes.
  sed 's/\x1b\]9;[0-9]*\x07//g' "$out.part" > "$out"
  rm -f "$out.part"
}

case "${1:-}" in
  compose) shift; [ $# -eq 1 ] || die "usage: $0 compose DIR"; compose "$@" ;;
  read) shift; [ $# -ge 2 ] || die "usage: $0 read DIR MESSAGE..."; read_all "$@" ;;
  *) die "usage: $0 compose DIR | $0 read DIR MESSAGE..." ;;
esac
