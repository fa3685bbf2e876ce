#!/usr/bin/env bash
# Builds the reference e-invoice validator (Mustang's validator from Maven Central and the one
# main class in src/main/java) into tools/einvoice-validator/target/, gitignored: the main jar,
# its runtime dependencies in target/lib/ and target/classpath, the `java -cp` argument.
# Does nothing when target/classpath is newer than every input, so the test command pays for
# the Maven build once per checkout. Prints the classpath file's path on stdout.
set -euo pipefail
cd "$(dirname "$0")"

classpath_file="$PWD/target/classpath"
inputs=(pom.xml maven-settings.xml build.sh)
while IFS= read -r -d '' source; do inputs+=("$source"); done < <(find src/main/java -name '*.java' -print0)

fresh=1
[ -f "$classpath_file" ] || fresh=0
if ((fresh)); then
  for input in "${inputs[@]}"; do
    [ "$classpath_file" -nt "$input" ] || fresh=0
  done
fi
if ((fresh)); then
  echo "$classpath_file"
  exit 0
fi

for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "tools/einvoice-validator/build.sh: $tool is not on PATH; it is needed to build the e-invoice validator" >&2
    exit 1
  fi
done

echo "einvoice-validator: building $PWD/target" >&2
started=$SECONDS
rm -f "$classpath_file"
# maven-settings.xml points every repository at Maven Central, the one registry allowed here.
# Offline first: once ~/.m2 holds everything (a second checkout, a rebuild) no network is asked;
# online only when something is missing. nice: a build must not slow tests or measurements
# running beside it on two cores.
mvn_args=(-q -B -s maven-settings.xml package)
if ! nice -n 19 mvn -o "${mvn_args[@]}" >target-offline.log 2>&1; then
  rm -f target-offline.log
  nice -n 19 mvn "${mvn_args[@]}" >&2
fi
rm -f target-offline.log
# Written last, so an interrupted build never leaves a classpath that looks fresh.
echo "$PWD/target/einvoice-validator-0.0.0.jar:$PWD/target/lib/*" >"$classpath_file.$$.tmp"
mv "$classpath_file.$$.tmp" "$classpath_file"
echo "einvoice-validator: built in $((SECONDS - started)) s" >&2
echo "$classpath_file"
