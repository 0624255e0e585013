#!/usr/bin/env bash
# Keeps docs/cookbook.md honest: every scenario file under docs/cookbook/ lints and passes, each
# starts with a schema line that resolves to docs/scenario.schema.json, the files recipe 1 writes
# with `cat > chat-scenarios/… <<'EOF'` are those of docs/cookbook/first-suite/, every whole
# scenario file the page shows is a file under docs/cookbook/, and docs/cookbook/bug.sse still
# imports.
# Usage: ci/cookbook-check.sh path/to/stream-replay       (exit 0 when all holds, 1 otherwise)
set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: $0 path/to/stream-replay" >&2
    exit 2
fi
BIN="$1"
if [ ! -x "$BIN" ]; then
    echo "error: $BIN is not an executable file" >&2
    exit 2
fi
case "$BIN" in
    /*) ;;
    *) BIN="$PWD/$BIN" ;;
esac
cd "$(dirname "$0")/.."

DOC=docs/cookbook.md
DIR=docs/cookbook
SUITE="$DIR/first-suite"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FAILED=0
fail() {
    echo "FAIL: $*" >&2
    FAILED=1
}

echo "== lint $DIR"
"$BIN" lint "$DIR" || fail "lint $DIR"

echo "== run $SUITE (recipe 1)"
"$BIN" run "$SUITE" --jobs 2 || fail "run $SUITE"

OTHERS=()
for folder in "$DIR"/*/; do
    folder="${folder%/}"
    [ "$folder" = "$SUITE" ] || OTHERS+=("$folder")
done
if [ "${#OTHERS[@]}" -gt 0 ]; then
    echo "== run ${OTHERS[*]}"
    "$BIN" run "${OTHERS[@]}" --jobs 2 || fail "run ${OTHERS[*]}"
fi

echo "== schema lines"
# shellcheck disable=SC2016 # a literal $schema
SCHEMA_LINE='# yaml-language-server: $schema='
while IFS= read -r -d '' file; do
    first="$(head -n 1 "$file")"
    if [ "${first#"$SCHEMA_LINE"}" = "$first" ]; then
        fail "$file: the first line is not '$SCHEMA_LINE…'"
        continue
    fi
    target="$(dirname "$file")/${first#"$SCHEMA_LINE"}"
    if [ ! -e "$target" ] || [ "$(cd "$(dirname "$target")" && pwd -P)/$(basename "$target")" != "$(pwd -P)/docs/scenario.schema.json" ]; then
        fail "$file: the schema line points at $target, not docs/scenario.schema.json"
    fi
done < <(find "$DIR" -type f \( -name '*.yaml' -o -name '*.yml' \) -print0)

echo "== recipe 1's files in $DOC against $SUITE"
# Each `cat > chat-scenarios/NAME <<'EOF'` … `EOF` block, written to $WORK/chat-scenarios/NAME.
mkdir -p "$WORK/chat-scenarios"
awk -v out="$WORK/chat-scenarios" '
    /^cat > chat-scenarios\/[^ ]+ <<'\''EOF'\''$/ { name = $3; sub(/^chat-scenarios\//, "", name); file = out "/" name; printf "" > file; next }
    file != "" && /^EOF$/ { close(file); file = ""; next }
    file != "" { print >> file }
' "$DOC"
written=0
for file in "$WORK"/chat-scenarios/*; do
    [ -e "$file" ] || continue
    written=$((written + 1))
    name="$(basename "$file")"
    if [ "$(head -n 1 "$file")" != "${SCHEMA_LINE}../docs/scenario.schema.json" ]; then
        fail "$DOC: chat-scenarios/$name does not start with ${SCHEMA_LINE}../docs/scenario.schema.json"
    fi
    if [ ! -f "$SUITE/$name" ]; then
        fail "$DOC writes chat-scenarios/$name, which $SUITE does not have"
    elif ! diff -u <(tail -n +2 "$SUITE/$name") <(tail -n +2 "$file") >&2; then
        fail "$DOC: chat-scenarios/$name differs from $SUITE/$name (first lines aside)"
    fi
done
for file in "$SUITE"/*.yaml; do
    [ -e "$WORK/chat-scenarios/$(basename "$file")" ] || fail "$file is not written by $DOC"
done
[ "$written" -gt 0 ] || fail "$DOC writes no chat-scenarios/ file"

echo "== whole scenario files shown in $DOC"
# Each ```yaml block whose first line is a schema line must be one of the files under $DIR.
mkdir -p "$WORK/blocks"
awk -v out="$WORK/blocks" '
    /^```yaml$/ { inblock = 1; first = 1; next }
    inblock && /^```$/ { if (file != "") close(file); inblock = 0; file = ""; next }
    inblock && first { first = 0; if (index($0, "# yaml-language-server:") == 1) { n++; file = out "/block-" n ".yaml"; print > file }; next }
    inblock && file != "" { print >> file }
' "$DOC"
for block in "$WORK"/blocks/*.yaml; do
    [ -e "$block" ] || continue
    found=""
    while IFS= read -r -d '' file; do
        if cmp -s "$block" "$file"; then found="$file"; break; fi
    done < <(find "$DIR" -type f -name '*.yaml' -print0)
    if [ -z "$found" ]; then
        fail "$DOC shows a scenario file that matches no file under $DIR: $(sed -n 2p "$block")"
    else
        echo "$found"
    fi
done

echo "== import $DIR/bug.sse --snapshot (recipe 2)"
if "$BIN" import "$DIR/bug.sse" --user "Summarise the meeting notes." --out "$WORK/bugs/overloaded.yaml" --snapshot; then
    "$BIN" run "$WORK/bugs/overloaded.yaml" || fail "the imported $DIR/bug.sse does not pass"
else
    fail "import $DIR/bug.sse --snapshot"
fi

if [ "$FAILED" -ne 0 ]; then
    echo "cookbook check failed" >&2
    exit 1
fi
echo "cookbook check passed"
