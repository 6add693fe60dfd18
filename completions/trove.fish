# fish completion for trove(1). Install as
# ~/.config/fish/completions/trove.fish (or vendor_completions.d); for
# `git trove ...`, also link it there as git-trove.fish.

# True before the command word; unlike __fish_use_subcommand, it knows that
# -C takes an argument.
function __trove_needs_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    argparse -s 'C=' q/quiet v/verbose no-color h/help version -- $tokens 2>/dev/null
    or return 1
    test (count $argv) -eq 0
end

function __trove_revisions
    echo HEAD
    git for-each-ref --format='%(refname:short)' 2>/dev/null
end

# True when the command being completed is one of the arguments: a command,
# or for metrics, params, plots and remote the command and its subcommand
# ("metrics show"); "metrics" alone before its subcommand.
function __trove_using
    set -l wanted $argv
    set -l tokens (commandline -opc)
    set -e tokens[1]
    argparse -s 'C=' q/quiet v/verbose no-color h/help version -- $tokens 2>/dev/null
    or return 1
    set -q argv[1]
    or return 1
    set -l command $argv[1]
    if contains -- $command metrics params plots remote; and set -q argv[2]
        set command "$command $argv[2]"
    end
    contains -- $command $wanted
end

# True after --targets and the words that follow it, up to the next option:
# they are all targets.
function __trove_in_targets
    for token in (commandline -opc)[-1..2]
        switch $token
            case --targets
                return 0
            case '-*'
                return 1
        end
    end
    return 1
end

# Stage names of the pipeline file (the one given with --file, if any).
function __trove_stages
    set -l tokens (commandline -opc)
    set -l file
    if set -l i (contains -i -- --file $tokens)
        set file --file $tokens[(math $i + 1)]
    end
    trove stage list --name-only $file 2>/dev/null
end

# Remote names: the first column of `trove remote list` (its other lines,
# the options, are indented).
function __trove_remotes
    trove remote list 2>/dev/null | string replace -rf '^([^\s]+)\t.*$' '$1'
end

# The words after `trove remote SUBCOMMAND` that are not options.
function __trove_remote_args
    set -l tokens (commandline -opc)
    set -e tokens[1]
    argparse -s 'C=' q/quiet v/verbose no-color h/help version -- $tokens 2>/dev/null
    or return 1
    set -e argv[1..2]
    string match -rv -- '^-' $argv
end

# True when $argv[1] words follow `trove remote SUBCOMMAND`.
function __trove_remote_position
    test (count (__trove_remote_args)) -eq $argv[1]
end

# True at the VALUE of `trove remote modify NAME KEY VALUE` when KEY is one
# of the arguments.
function __trove_remote_value_of
    set -l args (__trove_remote_args)
    test (count $args) -eq 2
    and not __fish_contains_opt -s u unset
    and contains -- $args[2] $argv
end

function __trove_config_keys
    printf '%s\n' cache.dir cache.type core.jobs core.lock_timeout core.no_scm core.remote
    for name in (trove config --list 2>/dev/null | string replace -rf '^remote\.(.*)\.[^.=]*=.*$' '$1' | sort -u)
        for key in url endpointurl region profile access_key_id secret_access_key session_token use_path_style jobs compression compression_level
            echo remote.$name.$key
        end
    end
end

# Global options
complete -c trove -s C -x -a '(__fish_complete_directories)' -d 'Run as if started in this directory'
complete -c trove -s q -l quiet -d 'Print only errors'
complete -c trove -s v -l verbose -d 'Print more detail'
complete -c trove -l no-color -d 'Never colour the output'
complete -c trove -s h -l help -d 'Print help and exit'
complete -c trove -n __trove_needs_command -l version -d 'Print the version and exit'

# Commands
complete -c trove -n __trove_needs_command -f -a init -d 'Create a trove repository in the current git work tree'
complete -c trove -n __trove_needs_command -f -a add -d 'Track files or directories'
complete -c trove -n __trove_needs_command -f -a status -d 'Show tracked data that changed'
complete -c trove -n __trove_needs_command -f -a checkout -d 'Make tracked data match its pointer files'
complete -c trove -n __trove_needs_command -f -a commit -d 'Record current content in pointer files'
complete -c trove -n __trove_needs_command -f -a remove -d 'Stop tracking data'
complete -c trove -n __trove_needs_command -f -a move -d 'Move tracked data with its pointer file'
complete -c trove -n __trove_needs_command -f -a unprotect -d 'Turn linked files into writable copies'
complete -c trove -n __trove_needs_command -f -a diff -d 'Show tracked files changed between revisions'
complete -c trove -n __trove_needs_command -f -a ls -d 'List tracked files and sizes at a revision'
complete -c trove -n __trove_needs_command -f -a gc -d 'Delete unused cache objects'
complete -c trove -n __trove_needs_command -f -a fsck -d 'Verify every object in the cache'
complete -c trove -n __trove_needs_command -f -a push -d 'Send the data the workspace uses to a remote'
complete -c trove -n __trove_needs_command -f -a fetch -d 'Bring data from a remote into the cache'
complete -c trove -n __trove_needs_command -f -a pull -d 'Fetch data from a remote and check it out'
complete -c trove -n __trove_needs_command -f -a remote -d 'Configure remotes'
complete -c trove -n __trove_needs_command -f -a config -d 'Get and set options'
complete -c trove -n __trove_needs_command -f -a cache -d 'Manage the cache'
complete -c trove -n __trove_needs_command -f -a doctor -d 'Show versions, cache location, link type'
complete -c trove -n __trove_needs_command -f -a install -d 'Add git hooks: checkout, status, push'
complete -c trove -n __trove_needs_command -f -a migrate -d 'Turn a DVC repository into a trove repository'
complete -c trove -n __trove_needs_command -f -a stage -d 'Add a pipeline stage or list the stages'
complete -c trove -n __trove_needs_command -f -a repro -d 'Run the pipeline stages whose inputs changed'
complete -c trove -n __trove_needs_command -f -a dag -d 'Show the pipeline as a graph'
complete -c trove -n __trove_needs_command -f -a freeze -d 'Keep pipeline stages from running'
complete -c trove -n __trove_needs_command -f -a unfreeze -d 'Let frozen pipeline stages run again'
complete -c trove -n __trove_needs_command -f -a metrics -d 'Show and compare metrics across revisions'
complete -c trove -n __trove_needs_command -f -a params -d 'Compare params across revisions'
complete -c trove -n __trove_needs_command -f -a plots -d 'Draw the plots trove.yaml declares'
complete -c trove -n __trove_needs_command -f -a report -d 'Metrics, params and plots of two revisions'

# Commands that take no paths
complete -c trove -n '__fish_seen_subcommand_from init gc fsck doctor install config cache diff repro dag freeze unfreeze metrics params report remote' -f
complete -c trove -n '__fish_seen_subcommand_from stage; and not __fish_seen_subcommand_from add' -f

# -j/--jobs
complete -c trove -n '__trove_using add status checkout commit fsck' -s j -l jobs -x -d 'Parallel jobs (default: all cores)'

# --file
complete -c trove -n '__fish_seen_subcommand_from stage repro dag freeze unfreeze status checkout metrics params plots report' -l file -x -k -a '(__fish_complete_suffix .yaml)' -d 'Use this pipeline file instead of every trove.yaml and dvc.yaml'

# init
complete -c trove -n '__fish_seen_subcommand_from init' -l no-scm -d 'Allow a repository outside git'
complete -c trove -n '__fish_seen_subcommand_from init' -l subdir -d 'A project of its own below the git top level'
complete -c trove -n '__fish_seen_subcommand_from init' -s f -l force -d 'Reinitialise an existing repository'

# status, diff, ls
complete -c trove -n '__trove_using status diff ls' -l json -d 'Print JSON'
complete -c trove -n '__trove_using status' -s c -l cloud -d 'Compare the cache with a remote instead'
complete -c trove -n '__trove_using status' -s r -l remote -x -a '(__trove_remotes)' -d 'The remote for --cloud (default: core.remote)'

# checkout
complete -c trove -n '__fish_seen_subcommand_from checkout' -s f -l force -d 'Overwrite changes, saving them to the cache first'
complete -c trove -n '__fish_seen_subcommand_from checkout' -l relink -d 'Re-create links per cache.type'

# remove
complete -c trove -n '__trove_using remove' -l keep-data -d 'Leave the data in the workspace'

# diff, ls: revisions
complete -c trove -n '__trove_using diff ls' -a '(__trove_revisions)' -d 'Git revision'

# gc
complete -c trove -n '__fish_seen_subcommand_from gc' -s w -l workspace -d 'Keep what the workspace uses'
complete -c trove -n '__fish_seen_subcommand_from gc' -s a -l all-branches -d 'Keep what every branch tip uses'
complete -c trove -n '__fish_seen_subcommand_from gc' -s T -l all-tags -d 'Keep what every tag uses'
complete -c trove -n '__fish_seen_subcommand_from gc' -s A -l all-commits -d 'Keep what every commit uses'
complete -c trove -n '__fish_seen_subcommand_from gc' -l dry-run -d 'Only say what would be deleted'
complete -c trove -n '__fish_seen_subcommand_from gc' -s f -l force -d 'Do not ask for confirmation'
complete -c trove -n '__fish_seen_subcommand_from gc' -s c -l cloud -d 'Also delete what the scope does not use from a remote'
complete -c trove -n '__fish_seen_subcommand_from gc' -s r -l remote -x -a '(__trove_remotes)' -d 'The remote for --cloud (default: core.remote)'

# install
complete -c trove -n '__trove_using install' -l uninstall -d 'Remove only what trove install added'

# migrate
complete -c trove -n '__trove_using migrate' -f -a dvc -d 'From a DVC repository'
complete -c trove -n '__trove_using migrate' -l dry -d 'Say what would be done; write nothing'
complete -c trove -n '__trove_using migrate' -s r -l remote -x -d 'The DVC remote to fetch missing content from'

# config
complete -c trove -n '__fish_seen_subcommand_from config' -l local -d 'Use .trove/config.local'
complete -c trove -n '__fish_seen_subcommand_from config' -l global -d "Use the user's file"
complete -c trove -n '__fish_seen_subcommand_from config' -s l -l list -d 'List every option set'
complete -c trove -n '__fish_seen_subcommand_from config' -l unset -d 'Remove the option'
complete -c trove -n '__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from (__trove_config_keys)' -a '(__trove_config_keys)' -d 'Key'
complete -c trove -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from cache.type' -a 'reflink,copy reflink,hardlink,copy hardlink,copy symlink,copy copy' -d 'Link types'

# cache dir
complete -c trove -n '__fish_seen_subcommand_from cache; and not __fish_seen_subcommand_from dir' -a dir -d 'Show or set the cache directory'
complete -c trove -n '__fish_seen_subcommand_from cache; and __fish_seen_subcommand_from dir' -l local -d 'Set it in .trove/config.local'
complete -c trove -n '__fish_seen_subcommand_from cache; and __fish_seen_subcommand_from dir' -x -a '(__fish_complete_directories)'

# push, fetch, pull: files (by default) and stage names
complete -c trove -n '__trove_using push fetch pull' -s r -l remote -x -a '(__trove_remotes)' -d 'The remote (default: core.remote)'
complete -c trove -n '__trove_using push fetch pull' -s j -l jobs -x -d 'Transfers at once (default: 4 x cores)'
complete -c trove -n '__trove_using push fetch pull' -s a -l all-branches -d 'Also what every branch uses'
complete -c trove -n '__trove_using push fetch pull' -s T -l all-tags -d 'Also what every tag uses'
complete -c trove -n '__trove_using push fetch pull' -s A -l all-commits -d 'Also what every commit uses'
complete -c trove -n '__trove_using pull' -s f -l force -d 'Overwrite changes, saving them to the cache first'
complete -c trove -n '__trove_using push fetch pull' -a '(__trove_stages)' -d 'Stage'

# remote add, list, remove, default, modify
complete -c trove -n '__trove_using remote' -a add -d 'Add a remote: a directory, file:// URL or s3://BUCKET/PREFIX'
complete -c trove -n '__trove_using remote' -a list -d 'List the remotes (credentials masked)'
complete -c trove -n '__trove_using remote' -a remove -d 'Remove a remote'
complete -c trove -n '__trove_using remote' -a default -d 'Print or set the default remote'
complete -c trove -n '__trove_using remote' -a modify -d 'Set or unset an option of a remote'
complete -c trove -n '__trove_using "remote add"' -s d -l default -d 'Make it the default remote'
complete -c trove -n '__trove_using "remote add"' -s f -l force -d 'Replace the URL of an existing remote'
complete -c trove -n '__trove_using "remote add" "remote default"' -l local -d 'Write to .trove/config.local (not committed)'
complete -c trove -n '__trove_using "remote add"; and __trove_remote_position 1' -x -a '(__fish_complete_directories)' -d 'Directory, file:// URL or s3://BUCKET/PREFIX'
complete -c trove -n '__trove_using "remote list"' -l json -d 'Print the remotes as JSON'
complete -c trove -n '__trove_using "remote remove" "remote default" "remote modify"; and __trove_remote_position 0' -a '(__trove_remotes)' -d 'Remote'
complete -c trove -n '__trove_using "remote modify"' -s u -l unset -d 'Remove the option'
complete -c trove -n '__trove_using "remote modify"' -l local -d 'Write to .trove/config.local (for credentials)'
complete -c trove -n '__trove_using "remote modify"; and __trove_remote_position 1' -a 'url endpointurl region profile access_key_id secret_access_key session_token use_path_style jobs compression compression_level' -d 'Key'
complete -c trove -n '__trove_using "remote modify"; and __trove_remote_value_of use_path_style' -a 'true false' -d 'Value'
complete -c trove -n '__trove_using "remote modify"; and __trove_remote_value_of compression' -a 'none zstd' -d 'Value'
complete -c trove -n '__trove_using "remote modify"; and __trove_remote_value_of url' -a '(__fish_complete_directories)' -d 'Directory or URL'

# stage add, stage list
complete -c trove -n '__fish_seen_subcommand_from stage; and not __fish_seen_subcommand_from add list' -a add -d 'Add a stage to the pipeline file'
complete -c trove -n '__fish_seen_subcommand_from stage; and not __fish_seen_subcommand_from add list' -a list -d 'List the stages'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s n -l name -x -d 'Stage name'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s d -l deps -r -F -d 'Dependency'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s o -l outs -r -F -d 'Output stored in the cache'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s O -l outs-no-cache -r -F -d 'Output not stored in the cache'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s p -l params -x -d 'Parameters read: [FILE:]KEY[,KEY...]'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s m -l metrics -r -F -d 'Metrics file stored in the cache'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s M -l metrics-no-cache -r -F -d 'Metrics file not stored in the cache'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -l plots -r -F -d 'Plots file stored in the cache'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -l plots-no-cache -r -F -d 'Plots file not stored in the cache'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s w -l wdir -x -a '(__fish_complete_directories)' -d 'Directory to run the command in'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -s f -l force -d 'Overwrite a stage of the same name'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -l always-changed -d 'Run the stage on every repro'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from add' -l desc -x -d 'Description of the stage'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from list' -l name-only -d 'Print only the stage names'
complete -c trove -n '__fish_seen_subcommand_from stage; and __fish_seen_subcommand_from list' -a '(__trove_stages)' -d 'Stage'

# repro
complete -c trove -n '__fish_seen_subcommand_from repro' -s f -l force -d 'Run even unchanged stages (never frozen ones)'
complete -c trove -n '__fish_seen_subcommand_from repro' -s s -l single-item -d 'Only the targets, not their upstream stages'
complete -c trove -n '__fish_seen_subcommand_from repro' -l downstream -d 'The targets and every stage that depends on them'
complete -c trove -n '__fish_seen_subcommand_from repro' -l dry -d 'Print what would run and why, run nothing'
complete -c trove -n '__fish_seen_subcommand_from repro' -l no-run-cache -d 'Do not restore from the run cache'
complete -c trove -n '__fish_seen_subcommand_from repro' -l allow-missing -d 'Skip stages whose only change is missing data'
complete -c trove -n '__fish_seen_subcommand_from repro' -l pull -d 'Fetch missing data and run-cache outputs from the remote first'
complete -c trove -n '__fish_seen_subcommand_from repro' -s r -l remote -x -a '(__trove_remotes)' -d 'The remote --pull uses (default: core.remote)'
complete -c trove -n '__fish_seen_subcommand_from repro' -s R -l recursive -d 'Targets may be directories'
complete -c trove -n '__fish_seen_subcommand_from repro' -s k -l keep-going -d 'Go on with stages that do not depend on a failed one'
complete -c trove -n '__fish_seen_subcommand_from repro' -s j -l jobs -x -d 'Stages run at once (default: 1)'
complete -c trove -n '__fish_seen_subcommand_from repro' -l json -d 'Print a JSON summary'

# dag
complete -c trove -n '__fish_seen_subcommand_from dag' -l dot -d 'Print Graphviz DOT'
complete -c trove -n '__fish_seen_subcommand_from dag' -l mermaid -d 'Print a Mermaid flowchart'
complete -c trove -n '__fish_seen_subcommand_from dag' -l json -d 'Print JSON'

# metrics show, metrics diff, params diff
complete -c trove -n '__trove_using metrics' -a show -d 'Show metrics of the workspace and of revisions'
complete -c trove -n '__trove_using metrics' -a diff -d 'Compare metrics between two revisions'
complete -c trove -n '__trove_using params' -a diff -d 'Compare params between two revisions'
complete -c trove -n '__trove_using "metrics show"' -s a -l all-branches -d 'Show every branch'
complete -c trove -n '__trove_using "metrics show"' -s T -l all-tags -d 'Show every tag'
complete -c trove -n '__trove_using "metrics show"' -s A -l all-commits -d 'Show every commit'
complete -c trove -n '__trove_using "metrics show"' -s n -l num -x -d 'Show the last N commits of HEAD'
complete -c trove -n '__trove_using "metrics diff" "params diff"' -l all -d 'Show unchanged values too'
complete -c trove -n '__trove_using "metrics diff" "params diff"' -l fail-on-change -d 'Exit 1 when anything changed (for CI)'
complete -c trove -n '__trove_using "metrics show" "metrics diff" "params diff"' -l targets -r -F -d 'Only these files'
complete -c trove -n '__trove_using "metrics show" "metrics diff" "params diff"' -l json -d 'Print JSON with full values'
complete -c trove -n '__trove_using "metrics show" "metrics diff" "params diff"' -l md -d 'Print a GitHub markdown table'
complete -c trove -n '__trove_using "metrics show" "metrics diff" "params diff"' -l csv -d 'Print CSV'
complete -c trove -n '__trove_using "metrics show" "metrics diff" "params diff"' -l precision -x -d 'Significant digits of floats shown (default 5)'
complete -c trove -n '__trove_using "metrics show"; and not __trove_in_targets' -a '(__trove_revisions)' -d 'Git revision'
complete -c trove -n '__trove_using "metrics diff" "params diff" "plots diff" report; and not __trove_in_targets' -a '(__trove_revisions)' -d 'Git revision'
complete -c trove -n '__trove_using "metrics diff" "params diff" "plots diff" report; and not __trove_in_targets' -a workspace -d 'The work tree'

# plots show, plots diff
complete -c trove -n '__trove_using plots' -f -a show -d 'Draw plots of the workspace into an HTML page'
complete -c trove -n '__trove_using plots' -f -a diff -d 'Overlay plots of several revisions'
complete -c trove -n '__trove_using "plots show" "plots diff"' -s o -l out -x -a '(__fish_complete_directories)' -d 'Directory for index.html, the SVG and image files'
complete -c trove -n '__trove_using "plots show" "plots diff"' -l open -d 'Open the page in a browser ($BROWSER or xdg-open)'
complete -c trove -n '__trove_using "plots diff"' -l targets -r -F -d 'Only these plots or data files'

# report
complete -c trove -n '__trove_using report' -l md -d 'Markdown for a pull-request comment'
complete -c trove -n '__trove_using report' -s o -l out -x -a '(__fish_complete_directories)' -d "Directory for the plots' SVG files"

# --targets: every word up to the next option is a file
complete -c trove -n '__trove_using "metrics show" "metrics diff" "params diff" "plots diff"; and __trove_in_targets' -F

# repro, dag, freeze, unfreeze: stage names
complete -c trove -n '__fish_seen_subcommand_from repro dag freeze unfreeze' -a '(__trove_stages)' -d 'Stage'

# git trove ...
complete -c git-trove -w trove
