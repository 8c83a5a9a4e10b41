#!/usr/bin/env bash
# Installs, from Debian, the tools a benchmark measures with when a fresh
# machine lacks them: `wrk` (the GET load generator), `go` (the Go generator
# worker and the Go hub anchor), `nchan` (nginx with the nchan module, an
# anchor). A run never fails for want of one: without root or apt-get this
# says what to install and the run goes on, skipping or falling back as its
# README says.
#   bash scripts/ensure-tools.sh wrk go nchan
set -uo pipefail
missing=()
for tool in "$@"; do
  case "$tool" in
    wrk) command -v wrk >/dev/null || [ -x /usr/bin/wrk ] || missing+=(wrk) ;;
    go) command -v go >/dev/null || [ -x /usr/lib/go/bin/go ] || missing+=(golang-go) ;;
    nchan) { [ -x /usr/sbin/nginx ] && ls /usr/lib/nginx/modules/ngx_nchan_module.so >/dev/null 2>&1; } || missing+=(nginx libnginx-mod-nchan) ;;
    *) echo "ensure-tools: unknown tool $tool (wrk, go, nchan)" >&2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "bench: ${missing[*]} missing (sudo apt-get install -y ${missing[*]}); the run goes on without" >&2
  exit 0
fi
echo "bench: installing ${missing[*]} from Debian..."
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "bench: could not install ${missing[*]}; the run goes on without" >&2
fi
exit 0
