#!/bin/sh
# mmdebstrap customize hook: turns a fresh trixie minbase into the lab's machine image.
# $1 is the root file system. Per-machine files (machine-id, hostname, SSH host keys, authorized
# keys) are NOT here: the lab writes them into each machine's overlay upper dir before boot.
set -eu
root="$1"

# The chapters install and start etcd, containerd and FRR themselves.
chroot "$root" systemctl disable etcd.service containerd.service frr.service 2>/dev/null || true

# Nothing a lab machine needs, and each costs boot time or memory.
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
  e2scrub_reap.service fstrim.timer logrotate.timer console-getty.service getty@.service \
  systemd-networkd-wait-online.service systemd-timesyncd.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

# Key-only root login; host keys come from the lab (pinned in its known_hosts), never generated here.
rm -f "$root"/etc/ssh/ssh_host_*
mkdir -p "$root/etc/ssh/sshd_config.d"
cat > "$root/etc/ssh/sshd_config.d/10-kthw.conf" <<'CONF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
HostKey /etc/ssh/ssh_host_ed25519_key
CONF

# Each machine gets its own id in its upper dir; an empty file here means "not set" to systemd.
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# journald: small and volatile, lab machines are disposable.
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=16M\n' > "$root/etc/systemd/journald.conf.d/10-kthw.conf"

# containerd, kubelet and runc need the cgroup v1 controllers writable; nspawn mounts them read-only
# on a hybrid host (memory read-only). This unit remounts them rw (a bind remount: a plain one is
# refused as busy).
cat > "$root/etc/systemd/system/kthw-cgroup-rw.service" <<'UNIT'
[Unit]
Description=kthw: make the cgroup v1 controllers writable
DefaultDependencies=no
Before=sysinit.target
ConditionPathIsMountPoint=/sys/fs/cgroup/memory

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'for d in /sys/fs/cgroup/*/; do mount -o remount,bind,rw "$d" 2>/dev/null || true; done'
RemainAfterExit=yes

[Install]
WantedBy=sysinit.target
UNIT
chroot "$root" systemctl enable kthw-cgroup-rw.service

rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
printf 'kthw machine image\n' > "$root/etc/kthw-image"
