# Sourced by the project's scripts: exports JAVA_HOME pointing at a JDK 21 or newer.
# Keeps a JAVA_HOME that is already new enough; otherwise looks at `java` on the PATH, then under /usr/lib/jvm.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

pick_jdk() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  fi
  for candidate in $(ls -d /usr/lib/jvm/*/ /opt/java/*/ /usr/local/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(pick_jdk); then
  echo "error: ETH Proof Manager needs a JDK 21 or newer; none found (JAVA_HOME, PATH, /usr/lib/jvm). Install one and set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
