#!/bin/sh
# Install the built project into a temporary prefix, then build and run a
# consumer against it twice: with CMake's find_package and with pkg-config.
# Usage: consumer_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null

# 1. find_package
cmake -S "$src/tests/consumer" -B "$work/cmake-build" \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
LD_LIBRARY_PATH="$prefix/lib:$prefix/lib64:${LD_LIBRARY_PATH:-}" \
  "$work/cmake-build/consumer"

# 2. pkg-config
pcdir=$(dirname "$(find "$prefix" -name infuse.pc | head -n 1)")
cflags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags infuse)
libs=$(PKG_CONFIG_PATH="$pcdir" pkg-config --libs infuse)
case "$cflags $libs" in
  *"$prefix"*) ;;
  *) echo "infuse.pc does not point into the install prefix: $cflags $libs"; exit 1 ;;
esac
# shellcheck disable=SC2086
cc -std=c11 $cflags "$src/tests/consumer/main.c" $libs -o "$work/pc-consumer"
LD_LIBRARY_PATH="$prefix/lib:$prefix/lib64:${LD_LIBRARY_PATH:-}" \
  "$work/pc-consumer"

# 3. the installed files
for f in include/infuse.h include/infuse_version.h share/man/man1/infuse-rate.1 \
         share/man/man1/infuse-dose.1 share/man/man1/infuse-schedule.1 \
         bin/infuse-rate bin/infuse-dose bin/infuse-schedule; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
echo "consumer builds: find_package and pkg-config ok"
