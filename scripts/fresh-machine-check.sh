#!/usr/bin/env bash
# Runs the README's two commands as a new user would, on a machine that has
# never built xfc: builds a minimal Debian 12 (bookworm) root with debootstrap
# in a temporary folder, copies the working tree into it (tracked files and
# untracked files git does not ignore: no build trees, no node_modules), and
# runs scripts/quickstart.sh, then scripts/test.sh, inside it with chroot.
# Prints how long each took and its last lines; exits non-zero when either
# failed. A package the build or the tests need that scripts/install-deps.sh
# does not install shows up here as a failure.
#
# Not part of CI: it downloads the whole toolchain (several GB) and builds
# everything from nothing (well over an hour on two cores). Run it before
# resolving an issue that changes dependencies. Needs root (debootstrap,
# chroot, mounts).
#
#   scripts/fresh-machine-check.sh            # both commands
#   XFC_FRESH_ONLY=quickstart scripts/fresh-machine-check.sh
#   XFC_FRESH_KEEP=1 ...                      # keep the root for a look
#
# The root's apt sources are the host's (same archive, same snapshot), so
# the packages are the ones a fresh machine of this kind would get.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
only="${XFC_FRESH_ONLY:-}"
suite=bookworm
mirror="${XFC_FRESH_MIRROR:-http://deb.debian.org/debian}"

if [ "$(id -u)" != 0 ]; then
  echo "fresh-machine-check: needs root (debootstrap, chroot, mounts)" >&2
  exit 2
fi
if ! command -v debootstrap >/dev/null; then
  echo "fresh-machine-check: installing debootstrap"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
fi

chroot_dir="$(mktemp -d "${TMPDIR:-/tmp}/xfc-fresh.XXXXXX")"
# Logs live beside the root, so they outlive it.
logs="$chroot_dir.logs"
mkdir -p "$logs"
mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -l "${mounted[i]}" 2>/dev/null || true
  done
  if [ "${XFC_FRESH_KEEP:-0}" = 1 ]; then
    echo "fresh-machine-check: root kept in $chroot_dir"
  else
    rm -rf --one-file-system "$chroot_dir"
  fi
}
trap cleanup EXIT

elapsed() { local s=$1; printf '%dm%02ds' $((s / 60)) $((s % 60)); }

echo "== debootstrap $suite into $chroot_dir"
t0=$(date +%s)
# minbase: essential packages and apt only, no compilers or Python; what
# the README's commands need must come from scripts/install-deps.sh.
debootstrap --variant=minbase "$suite" "$chroot_dir" "$mirror" >"$logs/debootstrap.log" 2>&1 || {
  tail -n 20 "$logs/debootstrap.log"
  exit 1
}
echo "   $(elapsed $(($(date +%s) - t0)))"

# The host's apt sources and keyrings, and name resolution.
rm -f "$chroot_dir/etc/apt/sources.list"
cp -a /etc/apt/sources.list.d/*.sources "$chroot_dir/etc/apt/sources.list.d/" 2>/dev/null || true
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$chroot_dir/etc/apt/sources.list"
cp -a /usr/share/keyrings/. "$chroot_dir/usr/share/keyrings/"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
# The certificate authorities the machine trusts (a network that inspects
# TLS has its own, which npm must trust to reach its registry) and npm's
# configuration: part of the machine, not of what the scripts install.
mkdir -p "$chroot_dir/usr/local/share/ca-certificates" "$chroot_dir/etc/ssl/certs"
cp -a /usr/local/share/ca-certificates/. "$chroot_dir/usr/local/share/ca-certificates/" 2>/dev/null || true
[ -f /etc/ssl/certs/ca-certificates.crt ] &&
  cp /etc/ssl/certs/ca-certificates.crt "$chroot_dir/etc/ssl/certs/ca-certificates.crt"
for rc in /etc/npmrc /usr/etc/npmrc; do
  if [ -f "$rc" ]; then mkdir -p "$chroot_dir$(dirname "$rc")" && cp "$rc" "$chroot_dir$rc"; fi
done

for fs in proc sys dev dev/pts; do
  mkdir -p "$chroot_dir/$fs"
  case "$fs" in
    proc) mount -t proc proc "$chroot_dir/proc" ;;
    sys) mount -t sysfs sys "$chroot_dir/sys" ;;
    *) mount --bind "/$fs" "$chroot_dir/$fs" ;;
  esac
  mounted+=("$chroot_dir/$fs")
done
mount -t tmpfs tmpfs "$chroot_dir/tmp"
mounted+=("$chroot_dir/tmp")

echo "== copying the working tree to /work/xfc"
mkdir -p "$chroot_dir/work/xfc"
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  tar --null -T - -cf -) | tar -xf - -C "$chroot_dir/work/xfc"

status=0
ran=()
run_in_root() {
  local name=$1 cmd=$2 log="$logs/$1.log" t rc
  echo
  echo "== $cmd"
  t=$(date +%s)
  set +e
  # The environment is reset, but for the variables that name the trusted
  # certificates (set on machines whose network needs them).
  local certs=()
  for v in SSL_CERT_FILE SSL_CERT_DIR NODE_EXTRA_CA_CERTS CURL_CA_BUNDLE; do
    [ -n "${!v:-}" ] && certs+=("$v=${!v}")
  done
  chroot "$chroot_dir" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 "${certs[@]}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /work/xfc && $cmd" >"$log" 2>&1
  rc=$?
  set -e
  echo "   exit $rc after $(elapsed $(($(date +%s) - t))); its last lines:"
  tail -n 15 "$log" | sed 's/^/   | /'
  [ "$rc" = 0 ] || status=1
  ran+=("$name")
}

if [ "$only" != test ]; then run_in_root quickstart scripts/quickstart.sh; fi
if [ "$only" != quickstart ]; then run_in_root test scripts/test.sh; fi
echo
echo "logs: $logs"
if [ "$status" = 0 ]; then
  echo "fresh-machine-check: succeeded (${ran[*]})"
else
  echo "fresh-machine-check: FAILED"
fi
exit "$status"
