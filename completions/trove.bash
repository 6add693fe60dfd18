# bash completion for trove(1)                             -*- shell-script -*-
#
# Install as /usr/share/bash-completion/completions/trove, with a link named
# git-trove beside it for `git trove ...`, or source this file from ~/.bashrc.

__trove_commands="init add status checkout commit remove move unprotect diff ls gc fsck push fetch pull remote config cache doctor install migrate stage repro dag freeze unfreeze metrics params plots report"
__trove_global_options="-C -q --quiet -v --verbose --no-color --version -h --help"
__trove_config_keys="cache.dir cache.type core.jobs core.lock_timeout core.no_scm core.remote"
__trove_remote_keys="url endpointurl region profile access_key_id secret_access_key session_token use_path_style jobs compression compression_level"

# Options of each command; global options (-q, -v, --no-color) may follow too.
__trove_options()
{
    case $1 in
        init) echo "--no-scm --subdir -f --force" ;;
        add | commit | fsck) echo "-j --jobs" ;;
        status) echo "--json -j --jobs --file -c --cloud -r --remote" ;;
        checkout) echo "-f --force --relink -j --jobs --file" ;;
        remove) echo "--keep-data" ;;
        diff | ls) echo "--json" ;;
        gc) echo "-w --workspace -a --all-branches -T --all-tags -A --all-commits --dry-run -f --force -c --cloud -r --remote" ;;
        install) echo "--uninstall" ;;
        migrate) echo "--dry -r --remote" ;;
        push | fetch) echo "-r --remote -j --jobs -a --all-branches -T --all-tags -A --all-commits" ;;
        pull) echo "-r --remote -j --jobs -a --all-branches -T --all-tags -A --all-commits -f --force" ;;
        "remote add") echo "-d --default --local -f --force" ;;
        "remote list") echo "--json" ;;
        "remote default") echo "--local" ;;
        "remote modify") echo "-u --unset --local" ;;
        config) echo "--local --global -l --list --unset" ;;
        "cache dir") echo "--local" ;;
        "stage add") echo "-n --name -d --deps -o --outs -O --outs-no-cache -p --params -m --metrics -M --metrics-no-cache --plots --plots-no-cache -w --wdir -f --force --always-changed --desc --file" ;;
        "stage list") echo "--name-only --file" ;;
        repro) echo "-f --force -s --single-item --downstream --dry --no-run-cache --allow-missing --pull -r --remote -R --recursive -k --keep-going -j --jobs --json --file" ;;
        dag) echo "--dot --mermaid --json --file" ;;
        freeze | unfreeze) echo "--file" ;;
        "metrics show") echo "-a --all-branches -T --all-tags -A --all-commits -n --num --targets --file --json --md --csv --precision" ;;
        "metrics diff" | "params diff") echo "--all --targets --file --fail-on-change --json --md --csv --precision" ;;
        "plots show") echo "-o --out --open --file" ;;
        "plots diff") echo "--targets -o --out --open --file" ;;
        report) echo "--md -o --out --file" ;;
    esac
    echo "-h --help -q --quiet -v --verbose --no-color"
}

__trove_reply()
{
    local line
    while IFS= read -r line; do
        COMPREPLY+=("$line")
    done < <(compgen "$@")
}

# __trove_files [-d | EXT]: paths, only directories, or directories and files
# ending in .EXT.
__trove_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir "$@"
    else
        compopt -o filenames 2>/dev/null
        if [[ ${1-} == -d ]]; then
            __trove_reply -d -- "$cur"
        elif [[ -n ${1-} ]]; then
            __trove_reply -d -- "$cur"
            __trove_reply -f -X "!*.$1" -- "$cur"
        else
            __trove_reply -f -- "$cur"
        fi
    fi
}

__trove_revisions()
{
    __trove_reply -W "HEAD $(git for-each-ref --format='%(refname:short)' 2>/dev/null | tr '\n' ' ')" -- "$cur"
}

# Commands that compare revisions also take the word "workspace".
__trove_revisions_or_workspace()
{
    __trove_revisions
    __trove_reply -W "workspace" -- "$cur"
}

# Stage names ($file's when --file was given). Names of stages below the top
# (dir/trove.yaml:name) hold a colon, which bash splits words at.
__trove_stages()
{
    local cur=$cur
    declare -F _get_comp_words_by_ref >/dev/null && _get_comp_words_by_ref -n : cur
    __trove_reply -W "$(trove stage list --name-only ${file:+--file "$file"} 2>/dev/null)" -- "$cur"
    declare -F __ltrim_colon_completions >/dev/null && __ltrim_colon_completions "$cur"
}

# Remote names: the first column of `trove remote list` (its other lines,
# the options, are indented).
__trove_remotes()
{
    __trove_reply -W "$(trove remote list 2>/dev/null | awk -F '\t' '!/^[[:space:]]/ { print $1 }')" -- "$cur"
}

__trove_config_key()
{
    local remotes name key keys=$__trove_config_keys
    remotes=$(trove config --list 2>/dev/null | sed -n 's/^remote\.\([^.]*\)\..*/\1/p' | sort -u)
    for name in $remotes; do
        for key in $__trove_remote_keys; do
            keys+=" remote.$name.$key"
        done
    done
    __trove_reply -W "$keys remote." -- "$cur"
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == remote. ]] && compopt -o nospace 2>/dev/null
}

# Completes the word COMP_CWORD; $1 is the index in COMP_WORDS of the first
# word after "trove" (or after "git trove").
__trove_complete()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local i word command="" position=0 file="" targets=""
    COMPREPLY=()

    for ((i = $1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            -C | -j | --jobs | -r | --remote) ((i++)) ;;
            --file)
                ((i++))
                file=${COMP_WORDS[i]}
                ;;
            -n | --name | -d | --deps | -o | --outs | -O | --outs-no-cache | -p | --params | \
                -m | --metrics | -M | --metrics-no-cache | --plots | --plots-no-cache | \
                -w | --wdir | --desc | --num | --out | --precision)
                targets=""
                case $command in
                    "stage add") ((position == 0)) && ((i++)) ;;
                    "metrics show" | "metrics diff" | "params diff" | "plots show" | "plots diff" | report)
                        case $word in
                            -n | --num | -o | --out | --precision) ((i++)) ;;
                        esac
                        ;;
                esac
                ;;
            # --targets takes every word up to the next option.
            --targets) targets=1 ;;
            -*) targets="" ;;
            *)
                if [[ -z $command ]]; then
                    command=$word
                elif [[ ($command == cache || $command == stage || $command == metrics || \
                    $command == params || $command == plots || $command == remote) && \
                    $position -eq 0 ]]; then
                    command="$command $word"
                elif [[ -z $targets ]]; then
                    ((position++))
                fi
                ;;
        esac
    done

    case $prev in
        -C) __trove_files -d; return ;;
        -j | --jobs) return ;;
        -r | --remote)
            [[ $command == migrate ]] || __trove_remotes # a DVC remote: .dvc/config's
            return
            ;;
        --file) __trove_files yaml; return ;;
    esac

    # After the first word of its command, `stage add` completes that command.
    if [[ $command == "stage add" ]]; then
        if ((position > 0)); then
            __trove_files
            return
        fi
        case $prev in
            -n | --name | -p | --params | --desc) return ;;
            -w | --wdir) __trove_files -d; return ;;
            -d | --deps | -o | --outs | -O | --outs-no-cache | -m | --metrics | \
                -M | --metrics-no-cache | --plots | --plots-no-cache)
                __trove_files
                return
                ;;
        esac
    fi

    # metrics, params, plots, report: option values and --targets.
    case $command in
        "metrics show" | "metrics diff" | "params diff" | "plots show" | "plots diff" | report)
            case $prev in
                -n | --num | --precision) return ;;
                -o | --out) __trove_files -d; return ;;
            esac
            if [[ -n $targets && $cur != -* ]]; then
                __trove_files
                return
            fi
            ;;
    esac

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            __trove_reply -W "$__trove_global_options" -- "$cur"
        else
            __trove_reply -W "$__trove_commands" -- "$cur"
        fi
        return
    fi

    if [[ $cur == -* ]]; then
        __trove_reply -W "$(__trove_options "$command")" -- "$cur"
        return
    fi

    case $command in
        add | status | checkout | commit | remove | unprotect)
            __trove_files
            ;;
        move)
            ((position < 2)) && __trove_files
            ;;
        diff)
            ((position < 2)) && __trove_revisions
            ;;
        ls)
            if ((position == 0)); then
                __trove_revisions
                __trove_files
            elif ((position == 1)); then
                __trove_files
            fi
            ;;
        config)
            if ((position == 0)); then
                __trove_config_key
            elif [[ $prev == cache.type ]]; then
                __trove_reply -W "reflink,copy reflink,hardlink,copy hardlink,copy symlink,copy copy" -- "$cur"
            fi
            ;;
        migrate)
            ((position == 0)) && __trove_reply -W "dvc" -- "$cur"
            ;;
        cache)
            __trove_reply -W "dir" -- "$cur"
            ;;
        "cache dir")
            ((position == 0)) && __trove_files -d
            ;;
        stage)
            __trove_reply -W "add list" -- "$cur"
            ;;
        "stage add")
            if [[ $cur == */* ]]; then
                __trove_files
            else
                __trove_reply -c -- "$cur"
            fi
            ;;
        "stage list" | repro | dag | freeze | unfreeze)
            __trove_stages
            ;;
        push | fetch | pull)
            __trove_files
            __trove_stages
            ;;
        remote)
            __trove_reply -W "add list remove default modify" -- "$cur"
            ;;
        "remote add")
            ((position == 1)) && __trove_files -d
            ;;
        "remote remove" | "remote default")
            ((position == 0)) && __trove_remotes
            ;;
        "remote modify")
            if ((position == 0)); then
                __trove_remotes
            elif ((position == 1)); then
                __trove_reply -W "$__trove_remote_keys" -- "$cur"
            elif ((position == 2)); then
                case $prev in
                    use_path_style) __trove_reply -W "true false" -- "$cur" ;;
                    compression) __trove_reply -W "none zstd" -- "$cur" ;;
                    url) __trove_files -d ;;
                esac
            fi
            ;;
        metrics)
            __trove_reply -W "show diff" -- "$cur"
            ;;
        params)
            __trove_reply -W "diff" -- "$cur"
            ;;
        plots)
            __trove_reply -W "show diff" -- "$cur"
            ;;
        "metrics show")
            __trove_revisions
            ;;
        "metrics diff" | "params diff" | report)
            ((position < 2)) && __trove_revisions_or_workspace
            ;;
        "plots show")
            __trove_files
            ;;
        "plots diff")
            __trove_revisions_or_workspace
            ;;
        init | gc | fsck | doctor | install) ;;
    esac
}

_trove()
{
    __trove_complete 1
}

# Called by git's bash completion for `git trove ...`.
_git_trove()
{
    local i
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == trove ]]; then
            __trove_complete $((i + 1))
            return
        fi
    done
}

complete -F _trove trove git-trove
