#!/usr/bin/env bash
# CLI tests: run the native `crm` end to end on scratch workspaces and check
# exit codes, output and that rejected operations leave files untouched.
# Usage: tests/cli/cli_test.sh PATH/TO/crm
set -u
crm="$(realpath "$1")"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
NOW="--now 2026-11-20T10:00:00Z"

contains() { [ -z "$2" ] || grep -qF -- "$2" "$1"; }

# expect NAME EXIT_CODE STDOUT_CONTAINS STDERR_CONTAINS -- COMMAND...
expect() {
  local name="$1" code="$2" out_want="$3" err_want="$4"
  shift 5
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -eq "$code" ] && contains "$work/out" "$out_want" && contains "$work/err" "$err_want"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name (exit $got, wanted $code)"
    echo "  stdout: $(head -c 400 "$work/out")"
    echo "  stderr: $(head -c 400 "$work/err")"
  fi
}

# same NAME A B: passes when the two strings are equal.
same() {
  if [ "$2" == "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi
}

fingerprint() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

ws="$work/demo"
demo_records="$("$crm" validate "$root/assets/demo-workspace.json" | sed -E 's/.*valid \(([0-9]+) records.*/\1/')"
expect "init --demo" 0 "created workspace in $ws ($demo_records records)" "" -- "$crm" init "$ws" --demo $NOW
expect "init refuses an existing workspace" 1 "" "already holds a workspace" -- "$crm" init "$ws" --demo $NOW
expect "list shows a rep's deals" 0 "deal-1	Acme Logistics – Fleet tracking rollout	u-ana" "" -- "$crm" list "$ws" deal --as u-ana
expect "list hides other reps' records" 0 "" "" -- bash -c "! '$crm' list '$ws' deal --as u-ana | grep -q u-ben"
# New ids carry the tag of the device (this workspace directory) that made them.
device="$(sed -E 's/^crm-device 1 tag=([a-z0-9]+)$/\1/' "$ws/device")"
expect "the workspace has its own device tag" 0 "" "" -- bash -c "[[ '$device' =~ ^[a-z0-9]{6}\$ ]]"
next_deal="deal-$device-$(( $(grep -o '"id": "deal-[0-9]*"' "$root/assets/demo-workspace.json" | grep -o '[0-9]*' | sort -n | tail -1) + 1 ))"
expect "add prints the new id" 0 "$next_deal" "" -- "$crm" add "$ws" deal name="Depot scanners" amount="18000 EUR" stage=qualified --as u-ana $NOW
expect "show prints the record as JSON" 0 '"currency": "EUR"' "" -- "$crm" show "$ws" "$next_deal"
expect "show keeps the picklist spelling" 0 '"stage": "Qualified"' "" -- "$crm" show "$ws" "$next_deal"
expect "add without a required field is rejected" 1 "" "crm: Cannot create Deal: Name: is required" -- "$crm" add "$ws" deal stage=Lead --as u-ana $NOW
expect "a badly typed value is bad input" 2 "" 'crm: amount: expected an amount with an optional currency, like "12000 EUR", got "lots"' -- "$crm" add "$ws" deal name=X amount=lots --as u-ana $NOW
expect "an unknown field lists the fields" 2 "" 'crm: Deal has no field "colour" (fields: name, company' -- "$crm" add "$ws" deal name=X colour=red --as u-ana $NOW
expect "set changes a field" 0 "" "" -- "$crm" set "$ws" $next_deal probability=40 next_step="Site visit" --as u-ana $NOW
expect "set is visible in show" 0 '"probability": 40' "" -- "$crm" show "$ws" $next_deal

before="$(fingerprint "$ws")"
expect "a rep cannot edit another rep's deal" 1 "" "crm: Ben Okafor (rep) can only edit records they own; $next_deal is owned by Ana Reyes" -- "$crm" set "$ws" $next_deal probability=90 --as u-ben $NOW
expect "a rep cannot delete" 1 "" "crm: Ana Reyes (rep) cannot delete records; ask a manager or an admin to delete $next_deal" -- "$crm" delete "$ws" $next_deal --as u-ana $NOW
expect "a rep cannot reassign" 1 "" "cannot change owners; ask a manager to reassign $next_deal" -- "$crm" set "$ws" $next_deal owner=u-ben --as u-ana $NOW
expect "a rep cannot see another rep's record" 1 "" "there is no record \"$next_deal\" that you can see" -- "$crm" show "$ws" $next_deal --as u-ben
same "rejected commands change no file" "$before" "$(fingerprint "$ws")"

expect "a manager reassigns within the team" 0 "" "" -- "$crm" set "$ws" $next_deal owner=u-ben --as u-maria $NOW
expect "the new owner sees it" 0 '"owner": "u-ben"' "" -- "$crm" show "$ws" $next_deal --as u-ben

# Schema: admins add custom fields and types; they work like built-in ones.
expect "a manager cannot add fields" 1 "" "Maria Lindqvist (manager) cannot change the schema; only admins can" -- "$crm" add-field "$ws" deal '{"id":"region","label":"Region","type":"picklist","options":["North","South"]}' --as u-maria $NOW
expect "an admin adds a custom field" 0 "" "" -- "$crm" add-field "$ws" deal '{"id":"region","label":"Region","type":"picklist","options":["North","South"]}' --as u-sam $NOW
expect "the custom field takes values" 0 "" "" -- "$crm" set "$ws" $next_deal region=south --as u-ben $NOW
expect "bad field definitions are explained" 2 "" 'crm: field.type: unknown field type "colour"' -- "$crm" add-field "$ws" deal '{"id":"hue","label":"Hue","type":"colour"}' --as u-sam $NOW
expect "an admin adds a custom type" 0 "" "" -- "$crm" add-type "$ws" '{"id":"site_visit","label":"Site visit","plural":"Site visits","fields":[{"id":"place","label":"Place","type":"text","required":true}]}' --as u-sam $NOW
expect "records of the custom type" 0 "site_visit-$device-1" "" -- "$crm" add "$ws" site_visit place="Depot 4" --as u-ana $NOW

# Import: malformed and invalid files are refused and change nothing.
printf '{\n  "format": "crm-workspace",\n  "version": 1,\n  "records": [\n}\n' >"$work/broken.json"
before="$(fingerprint "$ws")"
expect "import of malformed JSON names line and column" 2 "" "broken.json: not valid JSON: line 5, column 1: syntax error while parsing value - unexpected '}'" -- "$crm" import "$ws" "$work/broken.json" --as u-sam
"$crm" export "$ws" >"$work/export.json"
sed 's/"amount": 18000/"amount": "a lot"/' "$work/export.json" >"$work/badtype.json"
expect "import of a wrongly typed value names the JSON path" 2 "" '.fields.amount: expected money as {"amount": number, "currency": three capital letters}, got {"amount":"a lot","currency":"EUR"}' -- "$crm" import "$ws" "$work/badtype.json" --as u-sam
expect "validate names the same problem" 2 "" '.fields.amount: expected money' -- "$crm" validate "$work/badtype.json"
expect "import needs an admin" 1 "" "Ana Reyes (rep) cannot replace the workspace; only admins can import" -- "$crm" import "$ws" "$work/export.json" --as u-ana
same "failed imports change no file" "$before" "$(fingerprint "$ws")"

# Round trip: export -> import elsewhere -> export gives the same document.
expect "validate accepts an export" 0 "valid ($((demo_records + 2)) records, 6 users)" "" -- "$crm" validate "$work/export.json"
expect "import into a new directory" 0 "imported $((demo_records + 2)) records" "" -- "$crm" import "$work/copy" "$work/export.json"
"$crm" export "$work/copy" >"$work/export2.json"
same "export, import, export round-trips exactly" "$(sha256sum <"$work/export.json")" "$(sha256sum <"$work/export2.json")"
# Before replacing, the import says what it would do; a dry run writes nothing.
expect "import --dry-run into a new directory" 0 "would create a workspace with $((demo_records + 2)) records (dry run: nothing written)" "" -- "$crm" import "$work/not-there" "$work/export.json" --dry-run
same "a dry run creates no directory" "" "$(ls -d "$work/not-there" 2>/dev/null)"
# The export less two records nothing refers to, plus a new company.
python3 - "$work/export.json" "$work/fewer.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
text = json.dumps([{k: v for k, v in r.items() if k != "id"} for r in d["records"]])
unreferenced = [r["id"] for r in d["records"] if '"' + r["id"] + '"' not in text][:2]
d["records"] = [r for r in d["records"] if r["id"] not in unreferenced]
d["records"].append({"id": "company-901", "type": "company", "owner": "u-ana", "fields": {"name": "Harbour Ltd"}})
json.dump(d, open(sys.argv[2], "w"))
PY
before="$(fingerprint "$ws")"
expect "import --dry-run counts added, replaced and removed" 0 "would replace the workspace: 1 added, $demo_records replaced, 2 removed (dry run: nothing written)" "" -- "$crm" import "$ws" "$work/fewer.json" --as u-sam --dry-run
same "an import dry run changes no file" "$before" "$(fingerprint "$ws")"
expect "import replaces a workspace for an admin" 0 "imported $((demo_records + 2)) records (0 added, $((demo_records + 2)) replaced, 0 removed)" "" -- "$crm" import "$ws" "$work/export.json" --as u-sam
expect "compact folds the journal" 0 "compacted" "" -- "$crm" compact "$ws"
expect "data survives compaction" 0 '"next_step": "Site visit"' "" -- "$crm" show "$ws" $next_deal
expect "custom fields survive export and import" 0 '"region": "South"' "" -- "$crm" show "$ws" $next_deal

# A torn journal tail is reported and skipped; earlier edits stay.
expect "edit after compaction" 0 "" "" -- "$crm" set "$ws" $next_deal probability=55 --as u-ben $NOW
expect "another edit" 0 "" "" -- "$crm" set "$ws" $next_deal probability=60 --as u-ben $NOW
# The last entry lands only in part: its last bytes are still the zeros
# the segment was filled with when it started.
segment="$(ls "$ws"/journal-*.log | tail -1)"
written="$(tr -d '\000' < "$segment" | wc -c)"
head -c 5 /dev/zero | dd of="$segment" bs=1 seek=$((written - 5)) conv=notrunc status=none
expect "a torn tail is reported" 0 '"probability": 55' "is incomplete (torn write)" -- "$crm" show "$ws" $next_deal

# Processes: every move goes through the gates; a blocked move changes no data
# (the attempt is kept for the manager's exception queue).
pw="$work/process"
"$crm" init "$pw" --demo $NOW >/dev/null
expect "the demo has a Qualified deal without a budget" 0 '"stage": "qualified"' "" -- "$crm" show "$pw" deal-2
expect "... really without a budget" 0 "" "" -- bash -c "! '$crm' show '$pw' deal-2 | grep -q '\"budget\"'"
record_data() { "$crm" show "$pw" "$1" | node -e '
let text = ""; process.stdin.on("data", (d) => (text += d)).on("end", () => {
  const record = JSON.parse(text);
  for (const flow of Object.values(record.flows || {})) delete flow.blocked;
  console.log(JSON.stringify(record));
});'; }
before="$(record_data deal-2)"
expect "a blocking gate stops the move and names Budget" 3 "" "crm: Cannot move Birchwood Health – Clinic scheduling suite to Meeting scheduled: missing Budget, Decision maker and Meeting date
  missing: Budget (budget)" -- "$crm" move "$pw" deal-2 meeting_scheduled --as u-ben $NOW
expect "skipping stages is refused" 1 "" "the Sales pipeline does not skip stages; move through Meeting scheduled, Proposal sent first" -- "$crm" move "$pw" deal-2 negotiation --as u-ben $NOW
expect "an unknown stage lists the choices" 1 "" 'the Sales pipeline has no stage, outcome or exit "won" (it has: Lead, Qualified, Meeting scheduled' -- "$crm" move "$pw" deal-2 won --as u-ben $NOW
expect "a lost deal needs a reason" 3 "" "needs: a reason (--reason TEXT)" -- "$crm" move "$pw" deal-2 closed_lost --as u-ben $NOW
expect "the stage field goes through the same gate" 1 "" "Cannot move Birchwood Health – Clinic scheduling suite to Meeting scheduled: missing Budget" -- "$crm" set "$pw" deal-2 stage="Meeting scheduled" --as u-ben $NOW
same "blocked moves change no data" "$before" "$(record_data deal-2)"
expect "the manager sees the blocked move, what it misses, who tried and how often" 0 '"handlers":["u-maria","u-sam","u-priya"],"items":[{"detail":"missing Budget, Decision maker, Meeting date · Ben Okafor, 2 tries, last just now","owner":"u-ben","record":"deal-2"' "" -- bash -c "'$crm' exceptions '$pw' --as u-maria $NOW | grep '\"group\":\"sales_pipeline/meeting_scheduled\"'"
expect "the kept attempt survives compaction" 0 "compacted" "" -- "$crm" compact "$pw"
expect "... and reads back" 0 '"attempts": 2' "" -- "$crm" show "$pw" deal-2
expect "filling the fields in completes the move" 0 "deal-2: Sales pipeline: Meeting scheduled" "" -- "$crm" move "$pw" deal-2 "meeting scheduled" budget="30000 USD" decision_maker=contact-3 meeting_date=2026-11-25 --as u-ben $NOW
expect "the stage field follows the move" 0 '"stage": "Meeting scheduled"' "" -- "$crm" show "$pw" deal-2
expect "a completed move leaves the blocked queue" 0 "" "" -- bash -c "! '$crm' exceptions '$pw' --as u-maria $NOW | grep -q '\"record\":\"deal-2\"'"
expect "a lost deal with a reason ends the flow" 0 "deal-2: Sales pipeline: Closed lost" "" -- "$crm" move "$pw" deal-2 closed_lost --reason "Budget frozen" --as u-ben $NOW
expect "an ended flow does not move" 1 "" "has ended (Closed lost)" -- "$crm" move "$pw" deal-2 lead --flow sales_pipeline --as u-ben $NOW
expect "a lead turning Qualified starts the pipeline on a linked deal" 0 "started the Sales pipeline on a new Deal" "" -- "$crm" set "$pw" lead-2 status=Qualified budget="9000 USD" --as u-ben $NOW
expect "a warning gate asks for confirmation" 3 "" "not met: Pricing discussed is yes (confirm to move anyway)" -- "$crm" move "$pw" deal-4 negotiation --as u-ana $NOW
expect "a confirmed warning moves and is recorded" 0 "deal-4: Sales pipeline: Negotiation" "" -- "$crm" move "$pw" deal-4 negotiation --confirm --as u-ana $NOW
expect "the override is in the record's history" 0 "moved to Negotiation by Ana Reyes although not met: Pricing discussed is yes" "" -- "$crm" show "$pw" deal-4
expect "processes print as a template document" 0 '"format": "crm-processes"' "" -- "$crm" processes "$pw"
expect "crm logic evaluates a rule" 0 "true" "" -- "$crm" logic '{"and":[{"is_set":{"var":"budget"}},{">":[{"var":"score"},50]}]}' '{"budget":1000,"score":70}'
expect "crm logic explains a bad rule" 2 "" 'crm: rule: is set: unknown operator "is set"; did you mean "is_set"?' -- "$crm" logic '{"is set":{"var":"x"}}' '{}'
expect "the six templates validate together" 0 "valid (6 flows)" "" -- "$crm" validate "$root"/assets/processes/*.json
expect "a template that refers to a missing flow says so" 2 "" 'onboarding › start › when: the condition reads "flows.sales_pipeline.outcome", but there is no flow "sales_pipeline"' -- "$crm" validate "$root/assets/processes/onboarding.json"
expect "the sales pipeline validates on its own" 0 "valid (1 flow)" "" -- "$crm" validate "$root/assets/processes/sales_pipeline.json"
sed 's/"budget", "decision_maker"/"budjet", "decision_maker"/' "$root/assets/processes/sales_pipeline.json" >"$work/broken-process.json"
expect "a broken template names flow, stage and field" 2 "" 'sales_pipeline › meeting_scheduled › required: "budjet" is not a field of Deal' -- "$crm" validate "$work/broken-process.json"

# Business time: crm sla-due prints the due instant in UTC and nothing else.
cat >"$work/calendar.json" <<'JSON'
{"timezone":"America/New_York","week":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","12:00"],["13:00","17:00"]]},"holidays":["2026-12-25"]}
JSON
same "a Friday 16:30 demo request is due Monday 12:30" "2026-11-23T17:30:00Z" "$("$crm" sla-due --calendar "$work/calendar.json" --start 2026-11-20T21:30:00Z --duration "4 business hours")"
same "3 business days from Friday is Wednesday at close" "2026-11-25T22:00:00Z" "$("$crm" sla-due --calendar "$work/calendar.json" --start 2026-11-20T16:00:00-05:00 --duration "3 business days")"
expect "a bad duration is bad input" 2 "" 'crm: --duration: expected a duration like "4 business hours"' -- "$crm" sla-due --calendar "$work/calendar.json" --start 2026-11-20T21:30:00Z --duration "4 hrs"
echo '{"timezone":"America/Gotham","week":{}}' >"$work/bad-calendar.json"
expect "an unknown zone is bad input" 2 "" 'calendar.timezone: unknown time zone "America/Gotham"' -- "$crm" sla-due --calendar "$work/bad-calendar.json" --start 2026-11-20T21:30:00Z --duration "1 day"

# SLA clocks and the queue: a demo request at Friday 16:30 New York time is due
# Monday 12:30 (4 business hours): the deadline of the lead's first follow-up,
# with the SLA as its reason; ok, then at risk (75 %), then overdue, and the
# breach is reported once.
sw="$work/sla"
"$crm" init "$sw" --demo $NOW >/dev/null
lead="$("$crm" add "$sw" lead name="Quinn Baker" source="Demo request" --as u-ana --now 2026-11-20T21:30:00Z 2>/dev/null)"
"$crm" move "$sw" "$lead" Assigned --as u-ana --now 2026-11-20T21:30:00Z >/dev/null
queue_line() { "$crm" next-actions "$sw" --as u-ana --now "$1" 2>"$work/alerts" | grep "\"record\":\"$lead\"" | grep '"reason":"SLA: First response to a demo request"'; }
expect "the clock is the deadline of the first follow-up" 0 '"what":"Call or email the lead for the first time"' "" -- queue_line 2026-11-23T14:00:00Z
expect "the clock is ok on Monday morning" 0 '"due":"2026-11-23T17:30:00Z"' "" -- queue_line 2026-11-23T14:00:00Z
expect "... state ok" 0 '"state":"ok"' "" -- queue_line 2026-11-23T14:00:00Z
expect "at risk once 75 % of the working time is used" 0 '"state":"at-risk"' "" -- queue_line 2026-11-23T16:45:00Z
expect "overdue at the due time" 0 '"state":"overdue"' "" -- queue_line 2026-11-23T17:30:00Z
expect "the breach alert fired, naming who was told" 0 "SLA breached: First response to a demo request on Quinn Baker — Ana Reyes, Maria Lindqvist notified" "" -- cat "$work/alerts"
queue_line 2026-11-23T18:00:00Z >/dev/null
expect "... and only once" 0 "" "" -- bash -c "! grep -q 'Quinn Baker' '$work/alerts'"
"$crm" set "$sw" "$lead" first_contact_at=2026-11-23T18:10:00Z --as u-ana --now 2026-11-23T18:10:00Z
expect "a met clock leaves the queue" 1 "" "" -- queue_line 2026-11-23T18:20:00Z

# A case waiting on the customer stops its 48-hour clock; its breach escalates
# to the owner's manager, whose queue then holds it.
ticket="$("$crm" add "$sw" ticket subject="Scanner offline" status=Open --as u-ana --now 2026-11-16T10:00:00Z 2>/dev/null)"
"$crm" set "$sw" "$ticket" status="Waiting on customer" --as u-ana --now 2026-11-16T20:00:00Z 2>/dev/null
expect "a waiting case has no running clock in the rep's queue" 0 "" "" -- bash -c "! '$crm' next-actions '$sw' --as u-ana --now 2026-11-17T05:00:00Z 2>/dev/null | grep '\"record\":\"$ticket\"' | grep -q '\"kind\":\"sla\"'"
expect "the customer answers: the case is open again" 0 "" "" -- "$crm" set "$sw" "$ticket" status=Open priority=Normal first_response_at=2026-11-16T11:00:00Z --as u-ana --now 2026-11-17T06:00:00Z
ticket_line() { "$crm" next-actions "$sw" --as "$1" --now "$2" 2>"$work/alerts" | grep "\"record\":\"$ticket\""; }
expect "ten hours waiting push the case's action back ten hours" 0 '"due":"2026-11-18T20:00:00Z","flow":"customer_support","kind":"next_action","reason":"SLA: Case resolved within 48 hours"' "" -- ticket_line u-ana 2026-11-18T19:00:00Z
expect "the breach lands on the owner's manager" 0 '"kind":"escalation","reason":"SLA: Case resolved within 48 hours","record":"'"$ticket"'","state":"overdue","title":"Scanner offline","what":"Escalated: Case resolved within 48 hours (owner Ana Reyes)"' "" -- ticket_line u-maria 2026-11-18T20:00:00Z
expect "... and the alert says so" 0 "SLA breached: Case resolved within 48 hours on Scanner offline — Ana Reyes, Maria Lindqvist notified; escalated to Maria Lindqvist" "" -- cat "$work/alerts"

# The inbox: each breach is in the inbox of everyone it notified, once;
# marking read is one's own; an assignment by someone else arrives too.
expect "the rep's inbox has the breach, in words" 0 '"text":"SLA breached: First response to a demo request on Quinn Baker"' "" -- "$crm" inbox "$sw" --as u-ana
expect "... newest first" 0 '"text":"SLA breached: Case resolved within 48 hours on Scanner offline","title":"Scanner offline"' "" -- bash -c "'$crm' inbox '$sw' --as u-ana | head -1"
expect "the manager's says it was escalated to her" 0 '"kind":"escalation"' "" -- bash -c "'$crm' inbox '$sw' --as u-maria | grep -F 'Scanner offline — escalated to you'"
expect "each breach once, whatever the timers did since" 0 "1" "" -- bash -c "'$crm' inbox '$sw' --as u-maria | grep -c 'on Quinn Baker'"
ana_all="$("$crm" inbox "$sw" --as u-ana | wc -l)"
maria_unread="$("$crm" inbox "$sw" --as u-maria --unread | wc -l)"
expect "every one unread at first" 0 "" "" -- test "$ana_all" -gt 1 -a "$("$crm" inbox "$sw" --as u-ana --unread | wc -l)" -eq "$ana_all"
expect "--mark-read marks what it shows" 0 '"read":false' "" -- "$crm" inbox "$sw" --as u-ana --unread --mark-read --now 2026-11-23T18:30:00Z
expect "... then none are unread" 0 "0" "" -- bash -c "'$crm' inbox '$sw' --as u-ana --unread | wc -l"
expect "... and they are kept, read" 0 '"read":true' "" -- "$crm" inbox "$sw" --as u-ana
expect "... hers only: the manager's are still unread" 0 "" "" -- test "$("$crm" inbox "$sw" --as u-maria --unread | wc -l)" -eq "$maria_unread"
expect "inbox needs --as" 2 "" "say who you are with --as USER" -- "$crm" inbox "$sw"
expect "a manager hands a lead over" 0 "" "" -- "$crm" set "$sw" "$lead" owner=u-ben --as u-maria --now 2026-11-23T18:40:00Z
expect "... and the new owner hears of it" 0 '"text":"Maria Lindqvist assigned Quinn Baker to you"' "" -- "$crm" inbox "$sw" --as u-ben
expect "... the manager, who did it, does not" 0 "" "" -- bash -c "! '$crm' inbox '$sw' --as u-maria | grep -q assigned"

# The manager's exception queues: unowned work with who reassigns it, and breaches.
expect "unowned leads are queued for the managers" 0 '"handlers":["u-maria","u-sam","u-priya"]' "" -- bash -c "'$crm' exceptions '$sw' --as u-maria --now 2026-11-23T18:20:00Z | grep '\"kind\":\"unowned\"'"
expect "breaches are grouped by policy and counted" 0 '"kind":"sla_breach"' "" -- "$crm" exceptions "$sw" --as u-maria --now 2026-11-23T18:20:00Z
expect "the manager sees the team's overdue next actions, with owner" 0 '"kind":"overdue_next_action"' "" -- bash -c "'$crm' exceptions '$sw' --as u-maria --now 2026-11-23T18:20:00Z | grep 'Overdue next actions' | grep -q 'Ana Reyes, overdue' && echo '\"kind\":\"overdue_next_action\"'"
expect "a rep sees no one else's exceptions" 0 "" "" -- bash -c "! '$crm' exceptions '$sw' --as u-ana --now 2026-11-23T18:20:00Z | grep -q 'u-ben'"

# Logging a call: linked with its outcome and notes; a reached lead gets its
# first contact, moves on through the gate, and the next step is a task.
lw="$work/log"
"$crm" init "$lw" --demo $NOW >/dev/null
zoe="$("$crm" add "$lw" lead name="Zoë Novak" source=Referral --as u-ana $NOW 2>/dev/null)"
"$crm" move "$lw" "$zoe" Assigned --as u-ana $NOW >/dev/null
expect "a reached call records the contact and moves the lead on" 0 "Logged a call with Zoë Novak (Reached). First follow-up recorded; moved to Contacted. Next: Send pricing." "" -- "$crm" log "$lw" "$zoe" --kind call --outcome Reached --notes "Wants pricing" --next "Send pricing" --due 2026-11-24T16:00:00Z --as u-ana $NOW
expect "... the lead is in Contacted" 0 '"stage": "contacted"' "" -- "$crm" show "$lw" "$zoe"
expect "... and the first follow-up has left My work" 0 "" "" -- bash -c "! '$crm' next-actions '$lw' --as u-ana $NOW 2>/dev/null | grep '\"record\":\"$zoe\"' | grep -q 'for the first time'"
expect "... the next step is in My work under the lead" 0 '"what":"Send pricing"' "" -- bash -c "'$crm' next-actions '$lw' --as u-ana $NOW 2>/dev/null | grep 'Send pricing'"
before="$(fingerprint "$lw")"
expect "a wrong outcome is refused" 1 "" 'crm: Cannot log a call: the outcome must be Reached, Left voicemail, No answer or Wrong number (got "Sent")' -- "$crm" log "$lw" "$zoe" --kind call --outcome Sent --as u-ana $NOW
expect "a next step due in the past is refused" 1 "" "crm: Cannot log a call: the next step is due 2026-11-19T10:00:00Z, which has passed; choose a later time" -- "$crm" log "$lw" "$zoe" --kind call --outcome Reached --next "Call again" --due 2026-11-19T10:00:00Z --as u-ana $NOW
expect "someone else's record is refused" 1 "" "crm: Cannot log a call on Zoë Novak: " -- "$crm" log "$lw" "$zoe" --kind call --outcome Reached --as u-ben $NOW
expect "--kind is required" 2 "" "say what to log with --kind call|meeting|email|note" -- "$crm" log "$lw" "$zoe" --as u-ana $NOW
same "refusals leave the workspace as it was" "$before" "$(fingerprint "$lw")"

# History is kept: a deal edited, moved, reassigned and compacted three times
# shows every change, in order, with who; a deleted record comes back with it.
hw="$work/history"
"$crm" init "$hw" --demo $NOW >/dev/null
hd="$("$crm" add "$hw" deal name="Depot scanners" amount="1000 USD" stage=Lead --as u-ana --now 2026-11-20T09:00:00Z 2>/dev/null)"
"$crm" set "$hw" "$hd" amount="2000 USD" --as u-ana --now 2026-11-20T09:05:00Z >/dev/null
"$crm" compact "$hw" >/dev/null
"$crm" move "$hw" "$hd" qualified budget="2000 USD" --as u-ana --now 2026-11-20T09:10:00Z >/dev/null
"$crm" compact "$hw" >/dev/null
"$crm" set "$hw" "$hd" owner=u-ben --as u-maria --now 2026-11-20T09:15:00Z >/dev/null
"$crm" compact "$hw" >/dev/null
history_lines() { "$crm" history "$hw" "$hd" "$@" | node -e '
let text = ""; process.stdin.on("data", (d) => (text += d)).on("end", () => {
  for (const line of text.trim().split("\n")) { const e = JSON.parse(line); console.log(`${e.at} ${e.by}: ${e.what}`); }
});'; }
expect "history keeps every change across three compactions, in order" 0 "2026-11-20T09:00:00Z Ana Reyes: Created, owned by Ana Reyes
2026-11-20T09:00:00Z automation (Sales pipeline start), after Ana Reyes's change: Joined the Sales pipeline at Lead (its stage)
2026-11-20T09:05:00Z Ana Reyes: Amount: USD 1,000 → USD 2,000
2026-11-20T09:10:00Z Ana Reyes: Budget: (empty) → USD 2,000; Stage: Lead → Qualified
2026-11-20T09:10:00Z Ana Reyes: Sales pipeline: Lead → Qualified
2026-11-20T09:15:00Z Maria Lindqvist: Reassigned from Ana Reyes to Ben Okafor" "" -- history_lines
expect "history is for those who may see the record" 1 "" "there is no record \"$hd\" that you can see" -- "$crm" history "$hw" "$hd" --as u-ana
expect "a deleted record" 0 "" "" -- "$crm" delete "$hw" "$hd" --as u-maria --now 2026-11-20T09:20:00Z
expect "... is gone" 1 "" "there is no record" -- "$crm" show "$hw" "$hd"
expect "... its history stays" 0 "Maria Lindqvist: Deleted" "" -- history_lines
expect "a rep cannot restore another's record" 1 "" "Ana Reyes (rep) can only create records they own themselves" -- "$crm" restore "$hw" "$hd" --as u-ana
expect "restore brings it back" 0 "" "" -- "$crm" restore "$hw" "$hd" --as u-maria --now 2026-11-20T09:25:00Z
expect "... as it was, in its stage" 0 '"stage": "qualified"' "" -- "$crm" show "$hw" "$hd"
expect "... with its history" 0 "2026-11-20T09:25:00Z Maria Lindqvist: Restored" "" -- history_lines
expect "restore twice is refused" 1 "" "exists; there is nothing to restore" -- "$crm" restore "$hw" "$hd" --as u-maria
expect "restoring what was never deleted is refused" 1 "" 'there is no deleted record "deal-999" to restore' -- "$crm" restore "$hw" deal-999 --as u-maria

# Records join their process by stage: deals imported with a stage and no
# process state are on the pipeline at that stage and in their owners' work.
node -e '
const fs = require("fs"); const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
for (const r of d.records) if (r.type === "deal") { delete r.flows; delete r.sla_alerts; }
fs.writeFileSync(process.argv[2], JSON.stringify(d));' "$root/assets/demo-workspace.json" "$work/staged.json"
open_deals="$(node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(d.records.filter((r) => r.type === "deal" && r.owner === "u-ana" && !r.fields.stage.startsWith("Closed")).length);' "$work/staged.json")"
expect "a workspace whose deals carry only a stage imports" 0 "imported" "" -- "$crm" import "$work/staged" "$work/staged.json" $NOW
expect "every open deal of hers is in the rep's next actions" 0 "$open_deals" "" -- bash -c "'$crm' next-actions '$work/staged' --as u-ana $NOW 2>/dev/null | grep -o '\"record\":\"deal-[0-9]*\"' | sort -u | wc -l"
expect "... standing at the stage it carried" 0 '"stage": "proposal_sent"' "" -- "$crm" show "$work/staged" deal-4
same "next-actions --first 3 prints the whole list's first three rows" \
  "$("$crm" next-actions "$work/staged" --as u-ana $NOW 2>/dev/null | head -3)" \
  "$("$crm" next-actions "$work/staged" --as u-ana $NOW --first 3 2>/dev/null)"
expect "next-actions --first needs a number of rows" 2 "" 'crm: --first: expected a whole number of rows above 0, got "0"' -- "$crm" next-actions "$work/staged" --as u-ana $NOW --first 0

# Usage errors.
expect "no command is bad usage" 2 "" "crm: no command given" -- "$crm"
expect "an unknown command is bad usage" 2 "" 'crm: unknown command "frobnicate"' -- "$crm" frobnicate
expect "a bad --now is bad usage" 2 "" '--now: expected an ISO 8601 time like 2026-03-02T09:30:00Z, got "tomorrow"' -- "$crm" add "$ws" deal name=X --as u-ana --now tomorrow
expect "a missing workspace is reported" 2 "" "no workspace here (workspace.snapshot is missing)" -- "$crm" list "$work/nowhere" deal
expect "add needs --as" 2 "" "say who you are with --as USER" -- "$crm" add "$ws" deal name=X

# Likely duplicates: one JSON line per pair, with its reasons; blanks never pair.
dups="$work/dups"
"$crm" init "$dups" --demo $NOW >/dev/null
nora="$("$crm" add "$dups" contact first_name=Nora last_name=Vance email=nora@acme.example --as u-sam $NOW)"
norah="$("$crm" add "$dups" contact first_name=Norah last_name=Vance email=NORA@acme.example phone="+49 151 1234 5678" --as u-sam $NOW)"
"$crm" add "$dups" contact first_name=Ida last_name=Berg --as u-sam $NOW >/dev/null
"$crm" add "$dups" contact first_name=Ravi last_name=Shah --as u-sam $NOW >/dev/null
piet="$("$crm" add "$dups" contact first_name=Piet last_name=Jansen phone="0049151-12345678" --as u-sam $NOW)"
"$crm" duplicates "$dups" --type contact >"$work/dups.out" 2>&1
# Pairs of equal strength come in id order; the ids made here carry a random
# device tag, so the demo's own pairs (plain ids) are told apart by their ids.
demo_pair='"a":"contact-[0-9]*","b":"contact-[0-9]*"'
same "duplicates: the demo's own two pairs" \
  "$(grep -o "$demo_pair" "$work/dups.out")" \
  "$(printf '%s\n' '"a":"contact-1","b":"contact-73"' '"a":"contact-5","b":"contact-74"')"
same "duplicates: the pairs, strongest first, with their reasons" "$(grep -v "$demo_pair" "$work/dups.out")" \
"{\"a\":\"$nora\",\"b\":\"$norah\",\"score\":1.0,\"reasons\":[\"same email \\\"nora@acme.example\\\"\",\"similar name (\\\"Nora Vance\\\" / \\\"Norah Vance\\\", 0.94) with the same email domain \\\"acme.example\\\"\"]}
{\"a\":\"$norah\",\"b\":\"$piet\",\"score\":0.9,\"reasons\":[\"same phone number (ending 5678)\"]}"
expect "duplicates needs a known type" 2 "" 'there is no record type "contacts"' -- "$crm" duplicates "$dups" --type contacts
expect "duplicates checks the threshold" 2 "" '--threshold: expected a number above 0 and at most 1, got "high"' -- "$crm" duplicates "$dups" --type contact --threshold high

# Merge: the duplicate folds into the record that stays, links follow, one batch undone as a whole.
task="$("$crm" add "$dups" task title="Call Norah" related="$norah" --as u-sam $NOW)"
before_merge="$(fingerprint "$dups")"
expect "merge refuses a rep (it deletes the other)" 1 "" "crm: Cannot merge $norah into $nora: Ana Reyes (rep) cannot delete records" -- "$crm" merge "$dups" "$nora" "$norah" --as u-ana $NOW
expect "merge wants FIELD=other" 2 "" 'expected FIELD=other (the field whose value comes from '"$norah"'), got "email"' -- "$crm" merge "$dups" "$nora" "$norah" email --as u-sam $NOW
expect "merge names an unknown field" 2 "" "crm: Contact has no field \"shoe\" to take from $norah" -- "$crm" merge "$dups" "$nora" "$norah" shoe=other --as u-sam $NOW
same "refused merges change nothing" "$before_merge" "$(fingerprint "$dups")"
expect "merge folds the other in and says its batch" 0 "merged Norah Vance ($norah) into $nora (batch " "" -- "$crm" merge "$dups" "$nora" "$norah" first_name=other --as u-sam $NOW
expect "the merged record took the chosen field and filled its blank" 0 '"first_name": "Norah"' "" -- "$crm" show "$dups" "$nora"
expect "the merged record kept its own email" 0 '"email": "nora@acme.example"' "" -- "$crm" show "$dups" "$nora"
expect "the other's task now points at the one that stays" 0 "\"related\": \"$nora\"" "" -- "$crm" show "$dups" "$task"
expect "the other is gone" 1 "" "there is no record \"$norah\"" -- "$crm" show "$dups" "$norah"
expect "history tells the merge" 0 "Merged with Norah Vance ($norah): its activities, tasks and links now point here" "" -- "$crm" history "$dups" "$nora"
expect "history tells the other's past" 0 '"what":"Norah Vance: Created, owned by Sam Patel"' "" -- "$crm" history "$dups" "$nora"
merge_seq="$("$crm" history "$dups" "$nora" | grep -o '"kind":"records.merged","seq":[0-9]*' | grep -o '[0-9]*$')"
expect "a merge is undone as a whole" 0 "undid the merge of Norah Vance ($norah) into $nora" "" -- "$crm" undo "$dups" "$merge_seq" --as u-sam $NOW
expect "undone, the other is back with its links" 0 "\"related\": \"$norah\"" "" -- "$crm" show "$dups" "$task"
expect "undone, the first name is as it was" 0 '"first_name": "Nora"' "" -- "$crm" show "$dups" "$nora"

# Import --merge: the file's records by id, adds keep their ids, nothing is
# removed; a dry run and any problem write nothing; the batch is undone whole.
merging="$work/merging"
"$crm" init "$merging" --demo $NOW >/dev/null
"$crm" export "$merging" >"$work/merge-base.json"
python3 - "$work/merge-base.json" "$work/merge.json" "$work/merge-bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
company = next(r for r in d["records"] if r["id"] == "company-1")
company["fields"]["city"] = "Merged City"
d["records"].append({"id": "company-950", "type": "company", "owner": "u-ana", "fields": {"name": "Merged Harbour Ltd"}})
d["records"].append({"id": "contact-950", "type": "contact", "owner": "u-ana",
                     "fields": {"first_name": "Mia", "last_name": "Merge", "company": "company-950"}})
json.dump(d, open(sys.argv[2], "w"))
# A record of a type only the file has: the merge brings records, not types.
d["custom_types"] = d.get("custom_types", []) + [{"id": "site_visit", "label": "Site visit", "plural": "Site visits",
                                               "fields": [{"id": "place", "label": "Place", "type": "text"}]}]
d["records"].append({"id": "site_visit-3", "type": "site_visit", "owner": "u-ana", "fields": {"place": "Depot 4"}})
json.dump(d, open(sys.argv[3], "w"))
PY
unchanged=$((demo_records - 1))
before="$(fingerprint "$merging")"
expect "import --merge --dry-run says what it would do" 0 "would merge: 2 added, 1 updated, $unchanged unchanged (dry run: nothing written)" "" -- "$crm" import "$merging" "$work/merge.json" --merge --as u-sam --dry-run $NOW
expect "import --merge refuses a rep" 1 "" "crm: Ana Reyes (rep) cannot merge a workspace file; managers and admins can import" -- "$crm" import "$merging" "$work/merge.json" --merge --as u-ana $NOW
expect "import --merge names a record whose type the workspace lacks" 1 "cannot merge: 1 of $((demo_records + 3)) records have problems (nothing written)" 'record site_visit-3: this workspace has no record type "site_visit"; a merge brings records only, so add the type first' -- "$crm" import "$merging" "$work/merge-bad.json" --merge --as u-sam $NOW
same "a merge dry run and a refused merge change no file" "$before" "$(fingerprint "$merging")"
expect "import --merge commits and says its batch" 0 "merged: 2 added, 1 updated, $unchanged unchanged (batch " "" -- "$crm" import "$merging" "$work/merge.json" --merge --as u-sam $NOW
merge_batch="$(grep -o '(batch [0-9]*)' "$work/out" | grep -o '[0-9]*')"
expect "a merged record keeps its id and link" 0 '"company": "company-950"' "" -- "$crm" show "$merging" contact-950
expect "a merged update takes the file's value" 0 '"city": "Merged City"' "" -- "$crm" show "$merging" company-1
expect "the same file again changes nothing" 0 "merged: 0 added, 0 updated, $((demo_records + 2)) unchanged (nothing to change)" "" -- "$crm" import "$merging" "$work/merge.json" --merge --as u-sam $NOW
expect "a merge is undone with crm undo" 0 "undid the import of merge.json (batch " "" -- "$crm" undo "$merging" "$merge_batch" --as u-sam $NOW
expect "undone, the added record is gone" 1 "" 'there is no record "contact-950"' -- "$crm" show "$merging" contact-950
expect "undone, the updated record is as it was" 0 "" "" -- bash -c "! '$crm' show '$merging' company-1 | grep -q 'Merged City'"

# Automation rules: the demo's templates, routing, the recovery queue, the timer.
auto="$work/auto"
"$crm" init "$auto" --demo $NOW >/dev/null
expect "rules prints a file set-rules reads" 0 '"format": "crm-rules"' "" -- "$crm" rules "$auto"
expect "rules --words reads each rule as a sentence" 0 '"summary":"When a Lead is created and Country is one of Germany, Austria, Switzerland: assign it to Chloé Martin (skipping people out of office)."' "" -- "$crm" rules "$auto" --words
german="$("$crm" add "$auto" lead name="Lena Graf" country=Germany --as u-ana $NOW 2>/dev/null)"
expect "a lead from Germany goes to the DACH rep" 0 '"owner": "u-chloe"' "" -- "$crm" show "$auto" "$german"
expect "a rep marks themselves out of office" 0 "" "" -- "$crm" away "$auto" u-chloe 2026-11-20..2026-11-27 --as u-chloe $NOW
expect "a rep cannot mark someone else out of office" 1 "" "crm: Ana Reyes (rep) cannot set when Chloé Martin is out of office; they, their manager or an admin can" -- "$crm" away "$auto" u-chloe 2026-12-01 --as u-ana $NOW
expect "away refuses a period that is not dates" 2 "" 'crm: away: expected FROM..TO as YYYY-MM-DD..YYYY-MM-DD (or one date, or none), got "next week"' -- "$crm" away "$auto" u-chloe "next week" --as u-chloe $NOW
waiting="$("$crm" add "$auto" lead name="Jonas Weber" country=Germany --as u-ana $NOW 2>/dev/null)"
expect "with the DACH rep away the lead waits unowned" 0 "" "" -- bash -c "'$crm' show '$auto' '$waiting' | grep -q '\"owner\": \"\"'"
expect "the unowned queue says why" 0 "no eligible owner: Chloé Martin is out of office until Fri 27 Nov" "" -- "$crm" exceptions "$auto" --as u-maria $NOW
expect "retry while the rep is away fails and says why" 1 "" "crm: The rule Route DACH leads still cannot run: no eligible owner: Chloé Martin is out of office until Fri 27 Nov; left unowned" -- "$crm" retry "$auto" "$waiting" rule:route_dach_leads --as u-maria $NOW
"$crm" away "$auto" u-chloe none --as u-chloe $NOW
expect "retry once she is back assigns the lead" 0 "" "" -- "$crm" retry "$auto" "$waiting" rule:route_dach_leads --as u-maria $NOW
expect "retried, the lead is hers" 0 '"owner": "u-chloe"' "" -- "$crm" show "$auto" "$waiting"
expect "dismiss needs a failure to dismiss" 1 "" "crm: Jonas Weber has no failed automation \"rule:route_dach_leads\"" -- "$crm" dismiss "$auto" "$waiting" rule:route_dach_leads --as u-maria $NOW
expect "the automation log shows each run" 0 '"rule":"route_dach_leads"' "" -- "$crm" automation-log "$auto"
expect "tick runs time-driven rules and prints them as JSON lines" 0 '"kind":"rule"' "" -- "$crm" tick "$auto" --now 2026-11-30T12:00:00Z
cp "$work/out" "$work/tick.out"
expect "a quiet lead gets its follow-up task" 0 '"rule":"follow_up_quiet_leads"' "" -- cat "$work/tick.out"
expect "tick again at the same time runs nothing again" 0 "" "" -- bash -c "! '$crm' tick '$auto' --now 2026-11-30T12:00:00Z | grep -q '\"kind\":\"rule\"'"
python3 - "$root/assets/automation/northwind.json" "$work/rules-bad.json" <<'PY'
import json, sys
rules = json.load(open(sys.argv[1]))
rules["rules"][0]["actions"][0]["users"] = ["u-nobody"]
json.dump(rules, open(sys.argv[2], "w"))
PY
before="$(fingerprint "$auto")"
expect "set-rules names the rule, the action and what is missing" 2 "" "crm: $work/rules-bad.json: rule \"Route DACH leads\", action 1 (assign): there is no user \"u-nobody\"" -- "$crm" set-rules "$auto" "$work/rules-bad.json" --as u-sam $NOW
expect "set-rules names where a file is malformed" 2 "" 'crm: '"$root"'/assets/processes/onboarding.json: $.format: expected "crm-rules", got "crm-processes"' -- "$crm" set-rules "$auto" "$root/assets/processes/onboarding.json" --as u-sam $NOW
expect "set-rules is for admins" 1 "" "crm: Ana Reyes (rep) cannot change automation rules; only admins can" -- "$crm" set-rules "$auto" "$root/assets/automation/northwind.json" --as u-ana $NOW
same "refused rules change no file" "$before" "$(fingerprint "$auto")"
expect "set-rules saves the templates" 0 "9 rules saved" "" -- "$crm" set-rules "$auto" "$root/assets/automation/northwind.json" --as u-sam $NOW
# Lead scoring (docs/scoring.md): the demo's model, a lead's breakdown, the hand-off once.
sc="$work/scoring"
"$crm" init "$sc" --demo $NOW >/dev/null 2>&1
expect "score explains a lead point by point" 0 '"text": "Industry is Logistics +15"' "" -- "$crm" score "$sc" lead-17 $NOW
expect "score gives the total and the threshold" 0 '"mql_threshold": 60' "" -- "$crm" score "$sc" lead-17 $NOW
expect "score of a record that is not a lead" 1 "" "crm: deal-1 is a deal, not a lead" -- "$crm" score "$sc" deal-1 $NOW
expect "scoring prints the model" 0 '"halve_every_days": 30' "" -- "$crm" scoring "$sc"
"$crm" scoring "$sc" >"$work/scoring.json"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m["mql_threshold"]="high"; json.dump(m,open(sys.argv[2],"w"))' "$work/scoring.json" "$work/bad-scoring.json"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m["fit"][0]["when"]={"==":[{"var":"industy"},"Logistics"]}; json.dump(m,open(sys.argv[2],"w"))' "$work/scoring.json" "$work/typo-scoring.json"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m["mql_threshold"]=50; json.dump(m,open(sys.argv[2],"w"))' "$work/scoring.json" "$work/lower-scoring.json"
before="$(fingerprint "$sc")"
expect "set-scoring refuses a rep" 1 "" "crm: Ana Reyes (rep) cannot change lead scoring; only admins can" -- "$crm" set-scoring "$sc" "$work/scoring.json" --as u-ana $NOW
expect "set-scoring names the place in a bad file" 2 "" "crm: $work/bad-scoring.json: \$.mql_threshold: expected a whole number from 1 to 10000, got \"high\"" -- "$crm" set-scoring "$sc" "$work/bad-scoring.json" --as u-sam $NOW
expect "set-scoring names a field the lead lacks" 2 "" "crm: $work/typo-scoring.json: \$.fit[0].when: \"industy\" is not a field of Lead" -- "$crm" set-scoring "$sc" "$work/typo-scoring.json" --as u-sam $NOW
same "refused scoring models change no file" "$before" "$(fingerprint "$sc")"
expect "tick on the demo rescores nothing" 0 "" "" -- bash -c "! '$crm' tick '$sc' $NOW | grep -q 'Lead scoring'"
expect "one more engagement hands the lead to sales" 0 "" "crm: Dana Murphy reached the MQL threshold (60 points): handed to sales" -- "$crm" add "$sc" activity kind=Note subject="Pricing page visit" at=2026-11-20T09:30:00Z related=lead-17 direction=Inbound --as u-ben $NOW
expect "the lead is marked marketing-qualified" 0 '"mql_at": "2026-11-20T10:00:00Z"' "" -- "$crm" score "$sc" lead-17 $NOW
expect "the sales manager hears of it" 0 'is a marketing-qualified lead (score 60): handed to sales' "" -- "$crm" inbox "$sc" --as u-maria
pricing="$(grep -o 'activity-[a-z0-9-]*' <("$crm" list "$sc" activity --as u-ben) | tail -1)"
expect "dropping below and rising again hands nothing off twice" 0 "" "" -- bash -c "'$crm' delete '$sc' '$pricing' --as u-maria $NOW >/dev/null && ! '$crm' add '$sc' activity kind=Note subject='Pricing page visit' at=2026-11-20T11:00:00Z related=lead-17 --as u-ben --now 2026-11-20T11:00:00Z 2>&1 | grep -q 'MQL'"
same "one hand-off notification" "1" "$("$crm" inbox "$sc" --as u-maria | grep -c 'marketing-qualified lead (score 60)')"
expect "a lower threshold hands more leads off" 0 "reached the MQL threshold (50 points): handed to sales" "" -- "$crm" set-scoring "$sc" "$work/lower-scoring.json" --as u-sam $NOW
expect "decay brings scores down with time" 0 "(Lead scoring)" "" -- "$crm" tick "$sc" --now 2026-12-20T15:00:00Z
expect "history says who scored the lead" 0 "automation (Lead scoring)" "" -- "$crm" history "$sc" lead-17

# Renewal reminders at 120 / 90 / 60 days: once each, however often crm tick
# runs (every run opens the workspace afresh).
renewing="$("$crm" add "$auto" subscription name="Acme yearly" renewal_date=2027-06-30 --as u-ana --now 2027-01-04T09:00:00Z 2>/dev/null)"
reminders() { "$crm" tick "$auto" --now "$1" | grep '"rule":"renewal_reminders"' | grep "\"record\":\"$renewing\"" | grep -o '"occasion":"[^"]*"' | tr '\n' ' '; }
same "nothing is due 121 days before" "" "$(reminders 2027-03-01T12:00:00Z)"
same "the 120-day reminder" '"occasion":"renewal_date=2027-06-30:-120" ' "$(reminders 2027-03-02T12:00:00Z)"
same "the 120-day reminder only once" "" "$(reminders 2027-03-02T13:00:00Z)"
same "the 90-day reminder" '"occasion":"renewal_date=2027-06-30:-90" ' "$(reminders 2027-04-01T12:00:00Z)"
same "the 90-day reminder only once" "" "$(reminders 2027-04-20T12:00:00Z)"
same "the 60-day reminder" '"occasion":"renewal_date=2027-06-30:-60" ' "$(reminders 2027-05-01T12:00:00Z)"
same "nothing more after the renewal" "" "$(reminders 2027-07-15T12:00:00Z)"
expect "three reminder tasks, one per occasion" 0 "" "" -- bash -c "[ \"\$('$crm' automation-log '$auto' | grep -c '\"record\":\"$renewing\"')\" -eq 3 ]"

# The funnel: convert a lead, quote with lines, accept the quote into an order.
funnel="$work/funnel"
"$crm" init "$funnel" --demo $NOW >/dev/null
expect "convert --dry-run prints the plan and changes nothing" 0 '{"plan":{"company":{"new":"Brightline Ltd"},"contact":{"new":"Priya Haddad"},"deal":{"new":"Brightline Ltd"}}}' "" -- "$crm" convert "$funnel" lead-10 --as u-ana --dry-run $NOW
expect "convert --dry-run with a chosen company names it, and the deal after it" 0 '{"plan":{"company":{"id":"company-1","reason":"chosen","title":"Acme Logistics"},"contact":{"new":"Priya Haddad"},"deal":{"new":"Acme Logistics"}}}' "" -- "$crm" convert "$funnel" lead-10 --company company-1 --as u-ana --dry-run $NOW
expect "a rep cannot convert another rep's lead" 1 "" "crm: there is no record \"lead-5\"" -- "$crm" convert "$funnel" lead-5 --as u-ana $NOW
expect "convert makes the company, contact and deal" 0 '{"converted":{"company":"company-' "" -- "$crm" convert "$funnel" lead-10 --as u-ana $NOW
converted_deal="$("$crm" show "$funnel" lead-10 | python3 -c 'import json,sys; print(json.load(sys.stdin)["fields"]["converted_deal"])')"
expect "the new deal is in the sales pipeline at Lead" 0 '"stage": "Lead"' "" -- "$crm" show "$funnel" "$converted_deal"
expect "converting twice is refused" 1 "" "crm: Cannot convert Priya Haddad: it was converted already, into Brightline Ltd" -- "$crm" convert "$funnel" lead-10 --as u-ana $NOW
same_company="$("$crm" add "$funnel" lead name="Noor Khan" company_name="Brightline Ltd." email=noor@brightline.example --as u-ana $NOW 2>/dev/null)"
expect "convert --dry-run says why it would be refused" 1 "" "crm: Cannot convert Priya Haddad: it was converted already, into Brightline Ltd" -- "$crm" convert "$funnel" lead-10 --as u-ana --dry-run $NOW
expect "where a lead went is not set by hand" 1 "" "crm: Cannot save Priya Haddad: Converted to deal: is filled in by converting the lead, not by hand" -- "$crm" set "$funnel" lead-10 converted_deal=deal-13 --as u-ana $NOW
expect "a lead of the same company links to the one just made" 0 '"company":{"id":"company-' "" -- "$crm" convert "$funnel" "$same_company" --as u-ana --dry-run $NOW
expect "a qualified lead keeps the deal it started" 0 '"deal":{"id":"deal-45"}' "" -- "$crm" convert "$funnel" lead-4 --as u-ana $NOW
expect "history keeps where the lead went" 0 '"converted_deal":"deal-45"' "" -- "$crm" history "$funnel" lead-4
quote="$("$crm" add "$funnel" quote name="Brightline quote" deal="$converted_deal" lines="10 x Growth licence @ 1200 USD -10%; 1 x Onboarding package @ 4500 USD" --as u-ana $NOW 2>/dev/null)"
expect "a quote's total is worked out from its lines" 0 '"amount": 15300' "" -- "$crm" show "$funnel" "$quote"
expect "a quote line that does not read says which and how" 2 "" 'crm: lines: line 1: expected "quantity x product @ price", like "10 x Growth plan @ 1200 EUR -10%", got "lots of licences"' -- "$crm" set "$funnel" "$quote" lines="lots of licences" --as u-ana $NOW
expect "a total is not set by hand" 1 "" "crm: Cannot save Brightline quote: Total: is worked out from the Lines; change those instead" -- "$crm" set "$funnel" "$quote" total="99 USD" --as u-ana $NOW
before="$(fingerprint "$funnel")"
expect "a quote whose deal is not in Negotiation is not accepted" 1 "" "crm: Cannot accept Brightline quote: " -- "$crm" accept-quote "$funnel" "$quote" --as u-ana $NOW
same "a refused acceptance changes no file" "$before" "$(fingerprint "$funnel")"
"$crm" set "$funnel" deal-13 agreement_signed=yes --as u-ana $NOW >/dev/null
expect "accepting a quote makes its order" 0 '{"order":"order-' "" -- "$crm" accept-quote "$funnel" quote-6 --as u-ana $NOW
expect "the deal is won and onboarding starts" 0 '"onboarding"' "" -- "$crm" show "$funnel" deal-13
expect "the deal is closed won" 0 '"stage": "Closed won"' "" -- "$crm" show "$funnel" deal-13
expect "a quote is accepted once" 1 "" "crm: Cannot accept Quote for " -- "$crm" accept-quote "$funnel" quote-6 --as u-ana $NOW
expect "a quote's order is not set by hand" 1 "" "crm: Cannot save Quote for " -- "$crm" set "$funnel" quote-6 order= --as u-ana $NOW
expect "accept-quote names what is not a quote" 1 "" "crm: deal-13 is a deal, not a quote" -- "$crm" accept-quote "$funnel" deal-13 --as u-ana $NOW

# Reports: crm report defines its metrics and works one out over what USER may
# see; deals added closed count on their Expected close, a move on its day.
rw="$work/report"
"$crm" init "$rw" $NOW >/dev/null
"$crm" set-processes "$rw" "$root/assets/processes/sales_pipeline.json" --as admin $NOW >/dev/null
for deal in "Harbor 1000 2026-10-15" "Birch 2000 2026-10-20" "Cedar 3000 2026-11-02"; do
  read -r name amount closed <<<"$deal"
  "$crm" add "$rw" deal name="$name" amount="$amount USD" stage="Closed won" close_date="$closed" --as admin $NOW >/dev/null 2>&1
done
dune="$("$crm" add "$rw" deal name=Dune amount="500 USD" stage=Lead --as admin $NOW 2>/dev/null)"
"$crm" move "$rw" "$dune" closed_lost --reason "No budget" --as admin $NOW >/dev/null
same "report --list defines the sixteen metrics, one JSON line each" "16" "$("$crm" report "$rw" --list | wc -l | tr -d ' ')"
expect "report --list starts with the lead response time" 0 '{"metric":"lead_response_time","title":"Lead response time","unit":"hours"' "" -- bash -c "'$crm' report '$rw' --list | head -1"
# Oct: Harbor and Birch won; Nov: Cedar won, Dune lost (moved on 20 Nov): 3 of 4.
expect "report prints a metric's rows and total as JSON" 0 '{"metric":"win_rate","rows":[{"key":"2026-10","label":"Oct 2026","value":1.0,"count":2},{"key":"2026-11","label":"Nov 2026","value":0.5,"count":2}],"total":0.75,"count":4}' "" -- "$crm" report "$rw" --metric win_rate --as admin $NOW
same "report --csv starts with its header" "$(printf '\xef\xbb\xbfClose month,Key,Value (USD),Count')" "$("$crm" report "$rw" --metric revenue --as admin --csv $NOW | head -1 | tr -d '\r')"
expect "report --csv ends with the total" 0 "Total,,6000,3" "" -- "$crm" report "$rw" --metric revenue --as admin --csv $NOW
expect "report without --metric is bad usage" 2 "" "crm: say which metric with --metric NAME (crm report DIR --list names them)" -- "$crm" report "$rw" --as admin $NOW
expect "report with a date that is none is bad usage" 2 "" 'crm: --from: expected a date as YYYY-MM-DD, got "2026-13-01"' -- "$crm" report "$rw" --metric win_rate --from 2026-13-01 --as admin $NOW
expect "report of an unknown metric points to --list" 2 "" 'crm: there is no metric "nps"; crm report --list names every metric' -- "$crm" report "$rw" --metric nps --as admin $NOW
expect "report refuses a period that ends before it starts" 2 "" "crm: the period ends (2026-10-01) before it starts (2026-11-01)" -- "$crm" report "$rw" --metric win_rate --from 2026-11-01 --to 2026-10-01 --as admin $NOW

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
