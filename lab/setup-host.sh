#!/usr/bin/env bash
# Installs the host packages the local lab (and the tests) need. Idempotent: it asks dpkg first and
# touches apt only when something is missing. Exit 3 with a clear message when not root and
# something is missing.
set -euo pipefail

quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    -h|--help) echo "usage: lab/setup-host.sh [--quiet]"; exit 0 ;;
    *) echo "error: unknown argument: $arg" >&2; echo "usage: lab/setup-host.sh [--quiet]" >&2; exit 2 ;;
  esac
done

say() { if [ "$quiet" = 0 ]; then echo "$@"; fi; }

# systemd-container: systemd-nspawn; mmdebstrap + debian-archive-keyring: the machine image;
# iproute2: namespaces, bridge, veths; openssh-*: the lab's road in and sshd for unit tests;
# uidmap: mmdebstrap's helpers; kmod: overlay/bridge modules; ansible*: export checks; tmux, openssl:
# the tutor and PKI tests; procps/psmisc/util-linux: teardown and mount inspection;
# etcd-server/etcd-client: the check and PKI unit tests run a real etcd cluster on loopback;
# zsh, fish: the completion tests parse `kthw completion zsh|fish` with the real shells;
# skopeo: the pod image tests read the OCI archives with a real image tool;
# nftables: the host never forwards the lab's traffic (lab/local/forward-guard.ts).
packages=(
  systemd-container mmdebstrap debian-archive-keyring iproute2 openssh-client openssh-server
  uidmap kmod ansible ansible-lint tmux openssl procps util-linux ca-certificates
  etcd-server etcd-client zsh fish skopeo nftables
)
# Extra names to require (space-separated); the tests use it to see the not-root message.
if [ -n "${KTHW_SETUP_EXTRA_PACKAGES:-}" ]; then
  read -r -a extra <<< "$KTHW_SETUP_EXTRA_PACKAGES"
  packages+=("${extra[@]}")
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  case "$status" in
    ii*) ;;
    *) missing+=("$pkg") ;;
  esac
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "host set-up: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "error: the local lab needs these host packages: ${missing[*]}" >&2
  echo "  fix:   run as root: sudo bash lab/setup-host.sh" >&2
  exit 3
fi

say "host set-up: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_quiet=()
if [ "$quiet" = 1 ]; then apt_quiet=(-qq); fi
apt-get "${apt_quiet[@]}" update
# Packages with daemons (sshd, etcd) must not start them on the host: the tests start their own.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && made_policy=1
fi
trap '[ "$made_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get "${apt_quiet[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
say "host set-up: done"
