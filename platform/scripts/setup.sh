#!/usr/bin/env bash
# make setup: install what the project needs. Safe to run again; each step skips what is done
# and prints nothing when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_uv() {
  uv_installed && return 0
  step "installing uv from PyPI"
  python3 -m pip install --quiet --user uv \
    || python3 -m pip install --quiet --user --break-system-packages uv
}

sync_venv() {
  local uv
  uv=$(command -v uv 2>/dev/null || echo "$HOME/.local/bin/uv")
  # uv sync is quick and silent when .venv already matches uv.lock.
  "$uv" sync --frozen --quiet
}

have() { command -v "$1" >/dev/null 2>&1; }

postgres_installed() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || have postgres; }

uv_installed() { have uv || [ -x "$HOME/.local/bin/uv" ]; }

# The programs `make up` and the tests run, and the Debian package of each.
debian_packages_missing() {
  have java || echo default-jre-headless
  have mvn || echo maven
  { have prometheus && have promtool; } || echo prometheus
  { have prometheus-alertmanager && have amtool; } || echo prometheus-alertmanager
  have kubectl || echo kubernetes-client
  have wrk || echo wrk
  have debootstrap || echo debootstrap     # the image test's base (it needs no registry)
  have npm || echo npm
  # The browser tests drive Debian's headless Chromium, never a browser a package downloads.
  have chromium || echo chromium
  have chromedriver || echo chromium-driver
  postgres_installed || echo postgresql    # make up STORE=postgres, the replica system test
  uv_installed || python3 -m pip --version >/dev/null 2>&1 || echo python3-pip
}

install_debian_tools() {
  local missing
  mapfile -t missing < <(debian_packages_missing)
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  stop_system_services
}

# Debian starts the packaged Prometheus, Alertmanager and PostgreSQL as system services on 9090,
# 9093 and 5432, the ports `make up` uses: the project only wants the programs, so those services
# are stopped (`make up STORE=postgres` runs its own cluster under .run/postgres).
stop_system_services() {
  if have pg_lsclusters; then
    local version name
    while read -r version name _; do
      step "stopping the system PostgreSQL cluster $version/$name (make up runs its own)"
      as_root pg_ctlcluster "$version" "$name" stop || true
      as_root sed -i 's/^auto/manual/' "/etc/postgresql/$version/$name/start.conf" || true
    done < <(pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online" {print $1, $2}')
  fi
  command -v systemctl >/dev/null 2>&1 || return 0
  local unit
  for unit in prometheus prometheus-alertmanager postgresql; do
    if systemctl is-active --quiet "$unit" 2>/dev/null; then
      step "stopping and disabling the system service $unit (make up runs its own)"
      as_root systemctl disable --now --quiet "$unit"
    fi
  done
}

fetch_kafka_jars() {
  local pom=platform/homefield/local/kafka/pom.xml version cache libs
  version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")
  cache=.cache/kafka/$version
  libs=$cache/libs
  [ -f "$libs/kafka_2.13-$version.jar" ] && return 0
  step "fetching Apache Kafka $version jars from Maven Central into $libs (once)"
  rm -rf "$cache/libs.partial"
  mkdir -p "$cache"
  if ! mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$PWD/$cache/libs.partial" >"$cache/fetch.log" 2>&1; then
    cat "$cache/fetch.log" >&2
    printf 'error: fetching the Kafka jars failed (Maven output above, also in %s)\n' \
      "$cache/fetch.log" >&2
    exit 1
  fi
  rm -rf "$libs"
  mv "$cache/libs.partial" "$libs"
}

fetch_zipkin_jar() {
  local pom=platform/homefield/local/zipkin/pom.xml version cache jar
  version=$(sed -n 's:.*<zipkin.version>\(.*\)</zipkin.version>.*:\1:p' "$pom")
  cache=.cache/zipkin/$version
  jar=$cache/zipkin-server-$version-exec.jar
  [ -f "$jar" ] && return 0
  step "fetching the Zipkin $version server jar from Maven Central into $cache (once)"
  rm -rf "$cache/partial"
  mkdir -p "$cache"
  if ! mvn -q -B -f "$pom" dependency:copy-dependencies \
    -DoutputDirectory="$PWD/$cache/partial" >"$cache/fetch.log" 2>&1; then
    cat "$cache/fetch.log" >&2
    printf 'error: fetching the Zipkin jar failed (Maven output above, also in %s)\n' \
      "$cache/fetch.log" >&2
    exit 1
  fi
  mv "$cache/partial/zipkin-server-$version-exec.jar" "$jar"
  rm -rf "$cache/partial"
}

# The console's chart library, pinned by package-lock.json; npm ci leaves its own copy of the lock
# in node_modules, so a changed lock installs again.
install_chart_library() {
  local web=platform/homefield/console/web
  if [ -f "$web/node_modules/uplot/dist/uPlot.iife.min.js" ] \
    && [ "$web/node_modules/.package-lock.json" -nt "$web/package-lock.json" ]; then
    return 0
  fi
  step "installing the console's chart library from npm into $web/node_modules"
  npm ci --prefix "$web" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
}

# Debian packages first: on a fresh machine they bring the pip that installs uv.
install_debian_tools
install_uv
sync_venv
fetch_kafka_jars
fetch_zipkin_jar
install_chart_library
