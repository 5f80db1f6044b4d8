# bash completion for rcctl. The candidates come from the hidden
# `rcctl __complete WORDS...`, which walks rcctl's command table, so this
# file never needs to change when commands do. Installed as
# share/bash-completion/completions/rcctl; or: source rcctl.bash

_rcctl()
{
    local IFS=$'\n'

    # the words up to and including the one under the cursor (may be "")
    COMPREPLY=($("${COMP_WORDS[0]}" __complete \
        "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}

# -o default: file names when rcctl has nothing to offer (--from FILE)
complete -o default -F _rcctl rcctl
