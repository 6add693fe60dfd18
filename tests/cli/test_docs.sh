#!/usr/bin/env bash
# Every command in `trove --help` has a man page and shell completions, and
# every option in `trove <command> --help` appears in both.
#
# Environment: TROVE (the built binary), TROVE_SOURCE_DIR (the source tree).
set -u

if [[ -z ${TROVE:-} || ! -x $TROVE ]]; then
    echo "test_docs: TROVE must name the built trove binary" >&2
    exit 125
fi
source_dir=${TROVE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
man_dir=$source_dir/man
bash_file=$source_dir/completions/trove.bash
zsh_file=$source_dir/completions/_trove
fish_file=$source_dir/completions/trove.fish

passed=0
failed=0

pass()
{
    passed=$((passed + 1))
}

fail()
{
    failed=$((failed + 1))
    echo "FAIL: $*"
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check()
{
    local what=$1
    shift
    if "$@"; then
        pass
    else
        fail "$what"
    fi
}

# Lines of section $2 ("Subcommands:", "Options:") of help text $1: the first
# field of each entry.
help_section()
{
    awk -v section="$2" '
        $0 == section { inside = 1; next }
        inside && /^[^ ]/ { inside = 0 }
        inside && /^  [^ ]/ { print $1 }
    ' <<<"$1"
}

# Options in help text $1, one a line, without -h/--help.
options_of()
{
    help_section "$1" "Options:" | tr ',' '\n' | grep -E '^-' | grep -vxE -- '-h|--help'
}

# has_word FILE WORD: WORD occurs in FILE with no letter, digit, _ or - on
# either side. Roff's \- counts as -.
has_word()
{
    sed 's/\\-/-/g' "$1" | grep -qE -- "(^|[^[:alnum:]_-])$(sed 's/[.[\*^$]/\\&/g' <<<"$2")([^[:alnum:]_-]|\$)"
}

# fish_has_option FILE OPTION: `-l long` or `-s x` in a fish completion file.
fish_has_option()
{
    case $2 in
        --*) grep -qE -- "-l ${2#--}( |\$)" "$1" ;;
        -?) grep -qE -- "-s ${2#-}( |\$)" "$1" ;;
        *) return 1 ;;
    esac
}

# check_options PAGE HELP: every option in HELP is documented in PAGE and
# completed by each shell.
check_options()
{
    local page=$1 help=$2 name=$3 option
    for option in $(options_of "$help"); do
        [[ -f $page ]] && check "$(basename "$page") does not document $option" has_word "$page" "$option"
        check "trove.bash does not complete $option ($name)" has_word "$bash_file" "$option"
        check "_trove does not complete $option ($name)" has_word "$zsh_file" "$option"
        check "trove.fish does not complete $option ($name)" fish_has_option "$fish_file" "$option"
    done
}

check_page()
{
    local page=$1 warnings first
    if [[ ! -f $page ]]; then
        fail "missing man page $page"
        return
    fi
    pass
    first=$(grep -v '^\.\\"' "$page" | head -n 1)
    check "$(basename "$page") does not start with .TH" grep -q '^\.TH ' <<<"$first"
    if command -v man >/dev/null; then
        warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 "$page" 2>&1 >/dev/null)
        if [[ -n $warnings ]]; then
            fail "$(basename "$page") has roff warnings: $warnings"
        else
            pass
        fi
    fi
}

# The commands, listed by `trove --help` under their groups' headings (the
# command table's groups: "Data:", "Remotes:", ...).
help_commands()
{
    awk '
        /^[A-Z][A-Za-z ]*:$/ && $0 != "Options:" && $0 != "Usage:" { inside = 1; next }
        inside && /^[^ ]/ { inside = 0 }
        inside && /^  [^ ]/ { print $1 }
    ' <<<"$1"
}

top_help=$("$TROVE" --help)
mapfile -t commands < <(help_commands "$top_help")
if ((${#commands[@]} == 0)); then
    fail "no commands found in 'trove --help'"
fi

for file in "$bash_file" "$zsh_file" "$fish_file"; do
    check "missing completion file $file" test -f "$file"
done

check_page "$man_dir/trove.1"
check_options "$man_dir/trove.1" "$top_help" "global"

for command in "${commands[@]}"; do
    page=$man_dir/trove-$command.1
    check_page "$page"
    check "trove.1 does not list $command" has_word "$man_dir/trove.1" "trove-$command"
    for file in "$bash_file" "$zsh_file" "$fish_file"; do
        check "$(basename "$file") does not complete the command $command" has_word "$file" "$command"
    done
    help=$("$TROVE" "$command" --help)
    check_options "$page" "$help" "$command"

    # Subcommands such as `cache dir`: documented on the command's page.
    for sub in $(help_section "$help" "Subcommands:"); do
        check "trove-$command.1 does not document $command $sub" \
            grep -qF "$command $sub" "$page"
        for file in "$bash_file" "$zsh_file" "$fish_file"; do
            check "$(basename "$file") does not complete $command $sub" has_word "$file" "$sub"
        done
        check_options "$page" "$("$TROVE" "$command" "$sub" --help)" "$command $sub"
    done
done

check "trove.bash has syntax errors" bash -n "$bash_file"
if command -v zsh >/dev/null; then
    check "_trove has syntax errors" zsh -n "$zsh_file"
fi
if command -v fish >/dev/null; then
    check "trove.fish has syntax errors" fish -n "$fish_file"
fi

echo "$passed passed, $failed failed"
((failed == 0))
