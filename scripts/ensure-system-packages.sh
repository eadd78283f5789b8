#!/usr/bin/env bash
# Installs the Debian packages the test suites drive, only when missing: the openstack CLI
# (python3-openstackclient) for the real-client suite, nginx as the load balancer of the
# scaling-out recipe's test, wrk for the benchmarks, and Chromium for the web console's browser
# suite (playwright-core drives /usr/bin/chromium; it never downloads a browser), and OpenStack's
# Tempest (python3-tempest, with stestr and subunit) for the keystone flavour's conformance test
# (test/tempest/identity.test.ts), and pytest and Go for the testing guide's examples
# (test/state/testing-guide-clients.test.ts; openstacksdk comes with the openstack CLI).
set -euo pipefail
need=()
command -v openstack >/dev/null 2>&1 || need+=(python3-openstackclient)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v tempest >/dev/null 2>&1 || need+=(python3-tempest)
/usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || need+=(python3-pytest)
[ -x /usr/bin/go ] || need+=(golang-go)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-system-packages: missing ${need[*]} and not root; install them with apt-get" >&2
  exit 1
fi
echo "ensure-system-packages: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
