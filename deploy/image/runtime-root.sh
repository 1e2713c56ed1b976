#!/usr/bin/env bash
# Builds the file tree every service image starts FROM scratch with: a Java runtime cut down by
# jlink to the modules the services use, the C libraries it links against (copied from the build
# machine, found with ldd: the image needs no distribution and no registry), an unprivileged user
# (10001, as deploy/k8s runs the pods) and a /tmp. Used by the `images` Maven profile (Jib's buildTar), which adds the service's jars.
#
#   deploy/image/runtime-root.sh [--if-missing] OUT_DIR
#
# JAVA_HOME: a JDK 17+ with jmods (default: the one on PATH). --if-missing keeps an OUT_DIR made
# from this same script and JDK (one build makes the tree once for all four images).
set -euo pipefail

if_missing=false
if [ "${1:-}" = "--if-missing" ]; then
  if_missing=true
  shift
fi
out="${1:?usage: runtime-root.sh [--if-missing] OUT_DIR}"
if [ "$(uname -m)" != x86_64 ]; then
  echo "runtime-root: builds x86-64 images only (the library paths and the image's architecture say so); this machine is $(uname -m)" >&2
  exit 1
fi
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
if [ ! -d "$java_home/jmods" ] || [ ! -f "$java_home/release" ]; then
  echo "runtime-root: $java_home is not a full JDK with jmods; set JAVA_HOME to one (Debian: openjdk-17-jdk plus openjdk-17-jmods)" >&2
  exit 1
fi
# what the tree is made from: this script and the JDK; a tree made from anything else is rebuilt
# (the stamp sits beside the tree, so it never lands in an image)
stamp="$(cat "$0" "$java_home/release" | sha256sum | cut -d' ' -f1)"
if $if_missing && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
# What the services need beyond java.base: logging (logback, JUL bridge), management (JVM metrics),
# naming/sql/xml (libraries' optional paths), net.http and httpserver (HTTP clients, the bridge's
# callback endpoint), security (TLS with EC keys, Kerberos-free SASL), unsupported (Netty, gRPC),
# zipfs and DNS naming. No java.desktop: it would bring X11 and sound libraries into a server.
modules=java.base,java.logging,java.management,jdk.management,java.naming,java.net.http,\
java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.unsupported,\
jdk.httpserver,jdk.naming.dns,jdk.zipfs

rm -rf "$out" "$out.stamp"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/lib64" "$out/lib/x86_64-linux-gnu"
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/opt/java"

# every shared library the runtime's binaries and libraries load, and the loader itself; one the
# build machine lacks stops the build (libjvm.so is the runtime's own, found at run time)
missing="$(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 |
  xargs -0 ldd 2>/dev/null | awk '/not found/ && !/libjvm\.so/ { print $1 }' | sort -u)"
if [ -n "$missing" ]; then
  echo "runtime-root: the runtime needs libraries this machine lacks: $missing" >&2
  exit 1
fi
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 |
  xargs -0 ldd 2>/dev/null |
  awk '/=> \// { print $3 } /ld-linux/ && !/=>/ { print $1 }' |
  sort -u |
  while read -r lib; do
    case "$lib" in
      "$out"/*) ;;                                   # the runtime's own libraries
      /lib64/*) cp -L "$lib" "$out/lib64/" ;;
      *) cp -L "$lib" "$out/lib/x86_64-linux-gnu/" ;;
    esac
  done
# glibc's name-service and DNS modules load at run time (not listed by ldd): host names resolve
for lib in /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 \
  /lib/x86_64-linux-gnu/libresolv.so.2; do
  [ -e "$lib" ] && cp -L "$lib" "$out/lib/x86_64-linux-gnu/"
done

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
xcluster:x:10001:10001:xcluster:/nonexistent:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
xcluster:x:10001:
GROUP
echo 'hosts: files dns' > "$out/etc/nsswitch.conf"
echo "$stamp" > "$out.stamp"
echo "runtime-root: $(du -sh "$out" | cut -f1) in $out (Java $("$out/opt/java/bin/java" -version 2>&1 | head -1))" >&2
