# Sourced by the stage scripts: changes the directory to the pipeline's root
# (where trove.yaml and params.yaml are) and defines `param`.
export LC_ALL=C
CDPATH='' cd -- "$(dirname -- "$0")/.." || exit 1

# param SECTION.KEY: prints the value of KEY under SECTION in params.yaml.
# Reads the simple two-level layout that file uses; fails if the key is missing.
param() {
  awk -v want="$1" -v sq="'" '
    { sub(/^[ \t]*#.*/, ""); sub(/[ \t]+#.*/, ""); sub(/[ \t\r]+$/, "") }
    /^[^ \t][^:]*:$/ { section = substr($0, 1, length($0) - 1); next }
    /^[^ \t]/ { section = ""; next }
    /^[ \t]+[^ \t:]+:/ {
      line = $0; sub(/^[ \t]+/, "", line)
      key = line; sub(/:.*/, "", key)
      value = line; sub(/^[^:]*:[ \t]*/, "", value)
      first = substr(value, 1, 1)
      if ((first == "\"" || first == sq) && substr(value, length(value)) == first)
        value = substr(value, 2, length(value) - 2)
      if (section "." key == want) { print value; found = 1; exit }
    }
    END { if (!found) { print "params.yaml: no " want > "/dev/stderr"; exit 1 } }
  ' params.yaml
}

# fail MESSAGE: prints MESSAGE and stops the stage.
fail() {
  echo "$0: $*" >&2
  exit 1
}
