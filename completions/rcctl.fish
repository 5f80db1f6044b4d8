# fish completion for rcctl. The candidates come from the hidden
# `rcctl __complete WORDS...`, which walks rcctl's command table, so this
# file never needs to change when commands do. Installed in
# share/fish/vendor_completions.d.

function __rcctl_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l cands ($words[1] __complete $words[2..-1] $cur 2>/dev/null)
    if set -q cands[1]
        printf '%s\n' $cands
    else
        __fish_complete_path $cur   # --from FILE, --password-file FILE, ...
    end
end

# fish ships a completion for OpenBSD's rcctl(8); this one replaces it
complete -c rcctl -e
complete -c rcctl -f -a '(__rcctl_complete)'
