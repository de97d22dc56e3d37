#!/usr/bin/env bash
# A full disk, for real: a workspace on a small tmpfs that is then filled up.
# Proves that a change that cannot be saved exits 4 and changes nothing, that
# the workspace stays readable (also with a torn journal tail, whose setting
# aside waits for the next write), and that saving works again once there is
# space. Runs in its own mount namespace (unshare), so the tmpfs never
# outlives the test. Needs root; elsewhere it says so and runs nothing.
# Usage: tests/cli/disk_full_test.sh PATH/TO/crm
set -u
crm="$(realpath "$1")"
here="$(cd "$(dirname "$0")" && pwd)"

if [ -z "${CRM_DISK_FULL_INSIDE:-}" ]; then
  if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
    echo "disk full: skipped: a small tmpfs needs root and unshare --mount"
    echo "disk full: 0 passed, 0 failed"
    exit 0
  fi
  exec env CRM_DISK_FULL_INSIDE=1 unshare --mount "$0" "$crm"
fi

disk="$(mktemp -d)"
scratch="$(mktemp -d)" # the test's own output stays off the full disk
trap 'rm -rf "$scratch"' EXIT
mount -t tmpfs -o size=4m tmpfs "$disk" || { echo "disk full: 0 passed, 1 failed (mount)"; exit 1; }
passed=0
failed=0
NOW="--now 2026-11-20T10:00:00Z"
ws="$disk/ws"

check() { # check NAME WANTED_EXIT STDERR_CONTAINS -- COMMAND...
  local name="$1" code="$2" err_want="$3"
  shift 4
  "$@" >"$scratch/out" 2>"$scratch/err"
  local got=$?
  if [ "$got" -eq "$code" ] && { [ -z "$err_want" ] || grep -qF -- "$err_want" "$scratch/err"; }; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name (exit $got, wanted $code)"
    echo "  stderr: $(head -c 400 "$scratch/err")"
  fi
}
same() { if [ "$2" == "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
fingerprint() { (cd "$ws" && find . -type f ! -name workspace.lock -print0 | sort -z | xargs -0 sha256sum); }
fill_disk() { dd if=/dev/zero of="$disk/filler" bs=64k status=none 2>/dev/null; sync; }

"$crm" init "$ws" --demo $NOW >/dev/null
check "an edit with space saves" 0 "" -- "$crm" set "$ws" deal-1 probability=41 --as u-maria $NOW

# The disk fills up; the journal segment was filled ahead when it started
# (32 KiB, about 140 edits), so edit until one is refused: everything
# before it was saved, it was not.
fill_disk
last=41
for edit in $(seq 1 400); do
  value=$((edit % 101))
  before="$(fingerprint)"
  "$crm" set "$ws" deal-1 probability=$value --as u-maria $NOW >/dev/null 2>&1 || break
  last=$value
done
check "an edit on a full disk is not saved" 4 "Not saved: cannot write $ws/journal-" -- \
  "$crm" set "$ws" deal-1 probability=$value --as u-maria $NOW
same "... and says the disk is full" yes "$(grep -q ': the disk is full$' "$scratch/err" && echo yes)"
check "a new record on a full disk is not saved" 4 "the disk is full" -- \
  "$crm" add "$ws" deal name="Full disk" --as u-ana $NOW
check "compaction on a full disk is not saved" 4 "the disk is full" -- "$crm" compact "$ws"
same "nothing changed on the full disk" "$before" "$(fingerprint)"
check "the workspace stays readable" 0 "" -- "$crm" show "$ws" deal-1
same "it holds the last saved value" "\"probability\":$last," "$("$crm" show "$ws" deal-1 | grep '"probability"' | tr -d ' ')"

# A torn journal tail on a full disk: opening only reads, so it still opens.
segment="$(ls "$ws"/journal-*.log | tail -1)"
written="$(tr -d '\000' < "$segment" | wc -c)"
head -c 3 /dev/zero | dd of="$segment" bs=1 seek=$((written - 3)) conv=notrunc status=none
check "a torn tail on a full disk still opens, with a warning" 0 "is incomplete (torn write)" -- \
  "$crm" show "$ws" deal-1
check "... and a change is refused as not saved" 4 "the disk is full" -- \
  "$crm" set "$ws" deal-1 probability=43 --as u-maria $NOW

rm -f "$disk/filler"
check "with space again the change is saved" 0 "is incomplete (torn write)" -- \
  "$crm" set "$ws" deal-1 probability=44 --as u-maria $NOW
check "the torn entry was set aside by that write" 0 "" -- test -f "$segment.damaged"
check "and the workspace opens clean" 0 "" -- bash -c "'$crm' show '$ws' deal-1 2>&1 >/dev/null | (! grep -q .)"
same "the saved value is there" '"probability":44,' "$("$crm" show "$ws" deal-1 | grep '"probability"' | tr -d ' ')"

umount "$disk"
rmdir "$disk"
echo "disk full: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
