#!/usr/bin/env bash
# Exports what `headroom import` reads from a running OpenStack cloud: read-only list/show
# commands of python-openstackclient and osc-placement, each with -f json (docs/import.md).
#
#   scripts/export-openstack.sh OUTDIR
#
# Needs `openstack` on PATH (python-openstackclient with the osc-placement plugin) and admin
# credentials from the usual OS_* variables or OS_CLOUD. Writes OUTDIR/ (it must not exist):
#   resource_providers.json          openstack resource provider list
#   inventory/<provider uuid>.json    openstack resource provider inventory list <uuid>
#   usage/<provider uuid>.json        openstack resource provider usage show <uuid>
#   hypervisors.json                  openstack hypervisor list --long
#   hypervisor/<hypervisor id>.json   openstack hypervisor show <id>
#   compute_services.json             openstack compute service list --long --service nova-compute
#   servers.json                      openstack server list --all-projects --long
#   flavors.json                      openstack flavor list --all --long
#   server_groups.json                openstack server group list --all-projects --long
#   aggregates.json                   openstack aggregate list --long
#   availability_zones.json           openstack availability zone list --compute --long
#   client.txt                        openstack --version, and when the export ran
# Per-provider outputs do not carry their provider's UUID, so the file name does. The bundle is
# written to OUTDIR.partial and renamed at the end: an interrupted export leaves no OUTDIR.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1
if [ -e "$out" ]; then
  echo "$0: $out exists (expected a new folder for the bundle)" >&2
  exit 2
fi
if ! command -v openstack >/dev/null 2>&1; then
  echo "$0: no openstack command on PATH (expected python-openstackclient with osc-placement)" >&2
  exit 2
fi
if [ -z "${OS_CLOUD:-}" ] && [ -z "${OS_AUTH_URL:-}" ]; then
  echo "$0: no credentials: set OS_CLOUD, or source an openrc (OS_AUTH_URL, OS_USERNAME, …) with admin rights" >&2
  exit 2
fi

tmp="$out.partial"
rm -rf "$tmp"
mkdir -p "$tmp/inventory" "$tmp/usage" "$tmp/hypervisor"
trap 'rm -rf "$tmp"' EXIT

run() { # run FILE ARGS…: one read-only command, its JSON into FILE
  local file=$1; shift
  echo "openstack $*" >&2
  openstack "$@" -f json > "$tmp/$file"
}

{ openstack --version 2>&1; date -u +"exported %Y-%m-%dT%H:%M:%SZ"; } > "$tmp/client.txt"

run resource_providers.json resource provider list
for uuid in $(openstack resource provider list -f value -c uuid); do
  run "inventory/$uuid.json" resource provider inventory list "$uuid"
  run "usage/$uuid.json" resource provider usage show "$uuid"
done
run hypervisors.json hypervisor list --long
for id in $(openstack hypervisor list -f value -c ID); do
  run "hypervisor/$id.json" hypervisor show "$id"
done
run compute_services.json compute service list --long --service nova-compute
run servers.json server list --all-projects --long
run flavors.json flavor list --all --long
run server_groups.json server group list --all-projects --long
run aggregates.json aggregate list --long
run availability_zones.json availability zone list --compute --long

trap - EXIT
mv "$tmp" "$out"
echo "$0: bundle written to $out; next: headroom import $out --out scenario.yaml" >&2
