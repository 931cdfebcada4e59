#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service (gnome-keyring on a private D-Bus session),
# the way CI runs the keychain tests:
#   bash src/app-backup/testing/with-keyring.sh npx vitest run src/app-backup
# The keyring lives in a throwaway XDG_DATA_HOME: an existing ~/.local/share/keyrings/login.keyring
# made with another password would otherwise stay locked ("Cannot create an item in a locked
# collection") and the tests would, rightly, report the keychain as unusable.
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/ck-keyring-XXXXXX")"
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"
dbus-run-session -- bash -c '
  printf "ck-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' with-keyring "$@"
