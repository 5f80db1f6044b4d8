# Room helpers for bats suites (load after ../lib/rcd): users kept logged
# in by name, rooms, messages and a member's subscription counters.
#
#   mkuser NAME [ROLE]     create NAME (password pw-NAME), keep NAME_UID/NAME_TOKEN
#   as NAME                act as NAME for the next api calls
#   mkroom c|p NAME USER...  create a channel or group with members; RID
#   send RID TEXT          chat.sendMessage as the current user; MID
#   counters USER RID      "unread userMentions groupMentions alert open"

mkuser() {
    local n=${1^^}
    create_user "$1" "pw-$1" "${2:-}" || return 1
    login_as "$1" "pw-$1" || return 1
    export "${n}_UID=$AUTH_UID" "${n}_TOKEN=$AUTH_TOKEN"
}
as() { local n=${1^^}; eval "export AUTH_UID=\$${n}_UID AUTH_TOKEN=\$${n}_TOKEN"; }

mkroom() {
    local kind=$1 name=$2 ep=channels.create key=channel
    shift 2
    [ "$kind" = p ] && ep=groups.create key=group
    api POST "/api/v1/$ep" "$(jq -nc --arg n "$name" '{name:$n, members:$ARGS.positional}' --args "$@")"
    [ "$STATUS" = 200 ] || { echo "mkroom $name: $STATUS $BODY" >&2; return 1; }
    RID=$(jq -r ".$key._id" <<<"$BODY")
}

send() {
    api POST /api/v1/chat.sendMessage "$(jq -nc --arg r "$1" --arg t "$2" '{message:{rid:$r, msg:$t}}')"
    [ "$STATUS" = 200 ] || { echo "send: $STATUS $BODY" >&2; return 1; }
    MID=$(jq -r .message._id <<<"$BODY")
}

# counters USER RID: "unread userMentions groupMentions alert open" of
# USER's subscription, or "none".
counters() {
    local uid=$AUTH_UID tok=$AUTH_TOKEN
    as "$1"
    api GET "/api/v1/subscriptions.getOne?roomId=$2"
    AUTH_UID=$uid AUTH_TOKEN=$tok
    jq -r '.subscription | if . == null then "none" else "\(.unread) \(.userMentions) \(.groupMentions) \(.alert) \(.open)" end' <<<"$BODY"
}

