#!/bin/sh
# deps.sh GROUP...: make sure the Debian packages a make target needs are present.
# As root, missing packages are installed with apt-get; otherwise the exact
# apt-get line is printed and the script fails.
# Groups: build (compiler, jansson, SQLite, libpq, libsodium, libpwquality + the cracklib dictionary), check (cmocka, jq, PostgreSQL 15
#         server for the store tests; and what `ext` needs, since make check tests the
#         SQL extensions), ext (PostgreSQL 15 server headers for PGXS, sqlite3),
#         fuzz (clang + libFuzzer),
#         stats-ref (R survival, only to regenerate fixtures), bench,
#         browser (Chromium + Node.js for tests/browser; npm only when no npm is on
#         PATH, since NodeSource's nodejs ships its own and conflicts with Debian's).
set -eu
pkgs=""
need() { # need PACKAGE: add it when dpkg does not list it as installed
  if ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; then
    pkgs="$pkgs $1"
  fi
}
for group in "$@"; do
  case "$group" in
    build) need gcc; need make; need libc6-dev; need pkg-config; need libjansson-dev; need libmicrohttpd-dev
           need libsqlite3-dev; need libpq-dev; need libsodium-dev
           need libpwquality-dev; need cracklib-runtime; need zlib1g-dev ;;
    check) need libcmocka-dev; need binutils; need postgresql-15; need postgresql-client-15; need time; need jq
           need postgresql-server-dev-15; need sqlite3 ;;
    ext) need postgresql-server-dev-15; need postgresql-15; need sqlite3 ;;
    fuzz) need clang; need libclang-rt-14-dev ;;
    stats-ref) need r-base-core; need r-cran-survival ;;
    bench) need r-base-core; need r-cran-survival; need python3-pandas; need hyperfine ;;
    browser) need chromium; command -v node >/dev/null 2>&1 || need nodejs; command -v npm >/dev/null 2>&1 || need npm ;;
    *) echo "deps.sh: unknown group '$group' (build, check, ext, fuzz, stats-ref, bench, browser)" >&2; exit 2 ;;
  esac
done
[ -z "$pkgs" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "deps.sh: installing:$pkgs" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $pkgs >&2
else
  echo "deps.sh: missing Debian packages. Run as root:" >&2
  echo "  apt-get install -y$pkgs" >&2
  exit 1
fi
