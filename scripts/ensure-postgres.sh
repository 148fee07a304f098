#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 (what the tests use), starting the
# machine's cluster when it is down. On these machines the server is installed from
# Debian's packages and usually already running; trust auth, user postgres.
set -euo pipefail

host=127.0.0.1
port=5432

if pg_isready --quiet --host "$host" --port "$port"; then
  echo "PostgreSQL is accepting connections on $host:$port"
  exit 0
fi

version=$(ls /etc/postgresql | sort --version-sort | tail -n 1)
if [[ -z "$version" ]]; then
  echo "PostgreSQL is not running on $host:$port and no cluster is installed under /etc/postgresql" >&2
  exit 1
fi
echo "Starting PostgreSQL $version (cluster main)"
pg_ctlcluster --skip-systemctl-redirect "$version" main start

for _ in $(seq 1 30); do
  if pg_isready --quiet --host "$host" --port "$port"; then
    echo "PostgreSQL is accepting connections on $host:$port"
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL $version did not accept connections on $host:$port within 30 s" >&2
exit 1
