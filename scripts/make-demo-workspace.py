#!/usr/bin/env python3
"""Writes assets/demo-workspace.json: the realistic demo data a first visit opens.

Deterministic (fixed seed), so the committed file only changes when this does.
Run: python3 scripts/make-demo-workspace.py
"""
import json
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

random.seed(20261122)
TODAY = date(2026, 11, 20)
REPS = ["u-ana", "u-ben", "u-chloe"]

users = [
    {"id": "u-ana", "name": "Ana Reyes", "email": "ana.reyes@northwind.example", "role": "rep", "team": "t-field"},
    {"id": "u-ben", "name": "Ben Okafor", "email": "ben.okafor@northwind.example", "role": "rep", "team": "t-field"},
    {"id": "u-chloe", "name": "Chloé Martin", "email": "chloe.martin@northwind.example", "role": "rep", "team": "t-field"},
    {"id": "u-maria", "name": "Maria Lindqvist", "email": "maria.lindqvist@northwind.example", "role": "manager", "team": "t-field"},
    {"id": "u-sam", "name": "Sam Patel", "email": "sam.patel@northwind.example", "role": "admin"},
    {"id": "u-priya", "name": "Priya Nair", "email": "priya.nair@northwind.example", "role": "manager", "team": "t-product"},
]
teams = [{"id": "t-field", "name": "Field Sales", "manager": "u-maria"},
         {"id": "t-product", "name": "Product", "manager": "u-priya"}]

COMPANIES = [
    ("Acme Logistics", "Logistics", "Chicago", "USA"), ("Birchwood Health", "Healthcare", "Boston", "USA"),
    ("Cobalt Robotics", "Manufacturing", "Stuttgart", "Germany"), ("Delta Freight", "Logistics", "Rotterdam", "Netherlands"),
    ("Evergreen Schools", "Education", "Portland", "USA"), ("Fjord Energy", "Energy", "Bergen", "Norway"),
    ("Granite Bank", "Finance", "Zürich", "Switzerland"), ("Harbor Retail Group", "Retail", "Seattle", "USA"),
    ("Ionic Software", "Software", "Austin", "USA"), ("Juniper Media", "Media", "London", "UK"),
    ("Kestrel Aerospace", "Manufacturing", "Toulouse", "France"), ("Lumen Clinics", "Healthcare", "Madrid", "Spain"),
    ("Meridian Foods", "Retail", "Milan", "Italy"), ("Nimbus Cloudworks", "Software", "Dublin", "Ireland"),
    ("Orchid Pharma", "Healthcare", "Basel", "Switzerland"), ("Pioneer Solar", "Energy", "Phoenix", "USA"),
    ("Quarry Stoneworks", "Manufacturing", "Kraków", "Poland"), ("Redwood Insurance", "Finance", "Hartford", "USA"),
    ("Saffron Hotels", "Other", "Mumbai", "India"), ("Tidewater Shipping", "Logistics", "Hamburg", "Germany"),
    ("Umbra Security", "Software", "Tel Aviv", "Israel"), ("Vantage Analytics", "Software", "Toronto", "Canada"),
    ("Willow Learning", "Education", "Melbourne", "Australia"), ("Xenon Labs", "Healthcare", "San Diego", "USA"),
    ("Yellowstone Outfitters", "Retail", "Denver", "USA"), ("Zephyr Wind", "Energy", "Aarhus", "Denmark"),
    ("Atlas Engineering", "Manufacturing", "Lyon", "France"), ("Beacon Credit Union", "Finance", "Columbus", "USA"),
    ("Cedar Publishing", "Media", "New York", "USA"), ("Dune Mobility", "Logistics", "Dubai", "UAE"),
    ("Ember Games", "Software", "Helsinki", "Finland"), ("Falcon Telecom", "Other", "Warsaw", "Poland"),
    ("Glacier Water Co", "Retail", "Reykjavík", "Iceland"), ("Horizon Academy", "Education", "Singapore", "Singapore"),
    ("Indigo Textiles", "Manufacturing", "Porto", "Portugal"), ("Jasper Legal", "Other", "Edinburgh", "UK"),
]
FIRST = ["Dana", "Liam", "Sofia", "Mateo", "Priya", "Jonas", "Zoë", "Łukasz", "Aisha", "Kenji", "Elena", "Omar",
         "Grace", "Nils", "Fatima", "Diego", "Hannah", "Ravi", "Ingrid", "Tomás", "Mei", "Olivier", "Dmitri", "Amara"]
LAST = ["Whitfield", "Novak", "Rossi", "García", "Sharma", "Berg", "Nakamura", "Kowalski", "Haddad", "Okoye",
        "Fischer", "Dubois", "Andersen", "Silva", "Murphy", "Ivanova", "Chen", "Larsen", "Moreau", "Brennan"]
TITLES = ["CFO", "VP Operations", "Head of IT", "Procurement Lead", "COO", "Director of Sales", "CTO", "Office Manager"]
STAGES = ["Lead", "Qualified", "Meeting scheduled", "Proposal sent", "Negotiation", "Closed won", "Closed lost"]


def stamp(day, hour=10, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


records = []
counters = {}


def add(rtype, owner, fields, created):
    counters[rtype] = counters.get(rtype, 0) + 1
    rid = f"{rtype}-{counters[rtype]}"
    record = {"id": rid, "type": rtype, "fields": {k: v for k, v in fields.items() if v is not None},
              "created_at": stamp(created, 9, 15), "created_by": owner or "u-maria"}
    if owner:
        record["owner"] = owner
    records.append(record)
    return rid


company_ids, company_owner, contacts_of = [], {}, {}
for i, (name, industry, city, country) in enumerate(COMPANIES):
    owner = REPS[i % 3]
    domain = name.lower().replace(" ", "").replace("ü", "u").replace("é", "e") + ".example"
    cid = add("company", owner, {
        "name": name, "domain": domain, "industry": industry, "employees": random.choice([40, 85, 120, 260, 540, 1200, 3400]),
        "phone": f"+1 555 {random.randint(100, 999)} {random.randint(1000, 9999)}", "city": city, "country": country,
        "tier": random.choice(["Strategic", "Mid-market", "Mid-market", "SMB", "SMB"])}, TODAY - timedelta(days=300 - i * 5))
    company_ids.append(cid)
    company_owner[cid] = owner
    contacts_of[cid] = []
    for k in range(2):
        first, last = random.choice(FIRST), random.choice(LAST)
        ct = add("contact", owner, {
            "first_name": first, "last_name": last,
            "email": f"{first.lower()}.{last.lower()}@{domain}".replace("ł", "l").replace("ë", "e").replace("á", "a").replace("í", "i"),
            "phone": f"+1 555 {random.randint(100, 999)} {random.randint(1000, 9999)}", "job_title": TITLES[(i + k) % len(TITLES)],
            "company": cid, "decision_maker": k == 0}, TODAY - timedelta(days=290 - i * 5))
        contacts_of[cid].append(ct)

LEAD_COUNTRIES = ["United States", "Germany", "Canada", "United Kingdom", "Austria", "United States"]
LEAD_INDUSTRIES = ["Logistics", "Retail", "Software", "Manufacturing", "Healthcare", "Logistics", "Education",
                   "Energy", "Finance", "Manufacturing", "Media"]
LEAD_SIZES = [45, 180, 1400, 90, 650, 2600, 30]
for i in range(30):
    first, last = random.choice(FIRST), random.choice(LAST)
    status = random.choice(["New", "New", "Working", "Working", "Qualified", "Disqualified"])
    owner = None if i % 10 == 0 else REPS[i % 3]
    source = random.choice(["Website", "Demo request", "Webinar", "Referral", "Event", "Outbound"])
    add("lead", owner, {
        "name": f"{first} {last}", "company_name": random.choice(["Brightline", "Copperleaf", "Northgate", "Silverpine",
                                                                   "Bluewater", "Stonebridge", "Maplecrest", "Oakridge"]) + " " + random.choice(["Ltd", "Inc", "GmbH", "Group"]),
        "email": f"{first.lower()}.{last.lower()}@example.com".replace("ł", "l").replace("ë", "e").replace("á", "a").replace("í", "i"),
        "source": source, "status": status, "score": random.randint(5, 95),
        "budget": {"amount": random.choice([15000, 30000, 60000, 120000]), "currency": "USD"} if status in ("Working", "Qualified") else None,
        "authority": True if status == "Qualified" else None,
        "need": "Replace spreadsheets for route planning" if i % 4 == 0 else None,
        "timeline": (TODAY + timedelta(days=random.randint(20, 120))).isoformat() if status == "Qualified" else None,
        "territory": random.choice(["North America", "EMEA", "APAC"]),
        # Chosen by number, not by the random generator, so the rest of the demo stays as it is.
        "industry": LEAD_INDUSTRIES[i % len(LEAD_INDUSTRIES)], "employees": LEAD_SIZES[i % len(LEAD_SIZES)],
        "country": LEAD_COUNTRIES[i % len(LEAD_COUNTRIES)]},
        TODAY - timedelta(days=random.randint(0, 20) // 7))

deal_names = ["Fleet tracking rollout", "Clinic scheduling suite", "Warehouse analytics", "Renewal upsell", "Pilot expansion",
              "Data platform migration", "Field service licences", "Support tier upgrade"]
for i in range(42):
    cid = company_ids[i % len(company_ids)]
    stage = STAGES[min(i % 8, 6)] if i % 8 != 7 else "Negotiation"
    amount = random.choice([12000, 18500, 24000, 36000, 48000, 75000, 96000, 140000])
    created = TODAY - timedelta(days=random.randint(5, 90))
    add("deal", company_owner[cid], {
        "name": f"{COMPANIES[i % len(COMPANIES)][0]} – {deal_names[i % len(deal_names)]}", "company": cid,
        "contact": contacts_of[cid][0], "amount": {"amount": amount, "currency": "USD"}, "stage": stage,
        "close_date": (TODAY + timedelta(days=random.randint(-20, 75))).isoformat(),
        "probability": {"Lead": 10, "Qualified": 20, "Meeting scheduled": 35, "Proposal sent": 50, "Negotiation": 70,
                        "Closed won": 100, "Closed lost": 0}[stage],
        "next_step": random.choice(["Send proposal", "Book demo with CFO", "Confirm budget", "Legal review", None]),
        "lost_reason": "Chose a cheaper competitor" if stage == "Closed lost" else None}, created)

subjects = ["Cannot export monthly report", "Login fails for new users", "Invoice shows wrong VAT", "Sync is slow on mobile",
            "Feature request: bulk edit", "Data import stuck at 80%", "Password reset email missing", "API rate limit errors"]
TICKET_CATEGORY = {"Cannot export monthly report": "Bug", "Login fails for new users": "Bug",
                   "Invoice shows wrong VAT": "Billing", "Sync is slow on mobile": "Bug",
                   "Feature request: bulk edit": "Feature request", "Data import stuck at 80%": "Bug",
                   "Password reset email missing": "Question", "API rate limit errors": "Question"}
for i in range(20):
    cid = company_ids[(i * 7) % len(company_ids)]  # spread over all three reps
    opened = TODAY - timedelta(days=random.choice([0, 0, 0, 0, 1, 1, 3]))
    add("ticket", company_owner[cid], {
        "subject": subjects[i % len(subjects)], "description": "Reported by phone; customer shared screenshots.",
        "company": cid, "contact": contacts_of[cid][1], "priority": random.choice(["Low", "Normal", "Normal", "High", "Critical"]),
        "status": random.choice(["New", "Open", "Open", "Waiting on customer", "Resolved"]),
        "opened_at": stamp(opened, random.randint(8, 17), random.choice([0, 15, 30, 45])),
        "category": TICKET_CATEGORY[subjects[i % len(subjects)]]}, opened)

for i in range(24):
    cid = company_ids[(i * 2 + 1) % len(company_ids)]
    start = TODAY - timedelta(days=random.randint(200, 700))
    renewal = TODAY + timedelta(days=random.choice([25, 45, 58, 75, 88, 110, 118, 150, 200, 260]))
    add("subscription", company_owner[cid], {
        "name": f"{COMPANIES[(i * 2 + 1) % len(COMPANIES)][0]} – {random.choice(['Starter', 'Growth', 'Enterprise'])} plan",
        "company": cid, "plan": random.choice(["Starter", "Growth", "Enterprise"]),
        "mrr": {"amount": random.choice([490, 1200, 2400, 4800, 9500]), "currency": "USD"},
        "start_date": start.isoformat(), "renewal_date": renewal.isoformat(),
        "status": "Renewing" if (renewal - TODAY).days < 90 else "Active", "auto_renew": i % 3 != 0}, start)

kinds = [("Call", "Discovery call"), ("Email", "Sent pricing overview"), ("Meeting", "On-site demo"), ("Note", "Budget confirmed by CFO")]
deal_ids = [r["id"] for r in records if r["type"] == "deal"]
for i in range(80):
    related = deal_ids[i % len(deal_ids)]
    owner = next(r["owner"] for r in records if r["id"] == related)
    kind, subject = kinds[i % 4]
    when = TODAY - timedelta(days=random.randint(0, 30))
    add("activity", owner, {"kind": kind, "subject": subject, "at": stamp(when, random.randint(8, 17), 0),
                            "direction": "Outbound" if kind != "Note" else None, "related": related,
                            "body": "Talked through timeline and next steps." if kind in ("Call", "Meeting") else None}, when)

task_titles = ["Follow up on proposal", "Call back about pricing", "Prepare QBR deck", "Send contract for signature",
               "Check in after onboarding", "Confirm decision maker", "Schedule kickoff", "Log meeting notes"]
for i in range(30):
    related = deal_ids[(i * 5) % len(deal_ids)]
    owner = next(r["owner"] for r in records if r["id"] == related)
    due = TODAY + timedelta(days=max(random.randint(-4, 10), -1))
    add("task", owner, {"title": task_titles[i % len(task_titles)], "due": stamp(due, 16, 0), "done": i % 7 == 0,
                        "related": related, "priority": random.choice(["Low", "Normal", "High"])},
        min(due - timedelta(days=7), TODAY - timedelta(days=1)))  # nothing is created after today

# --- Quotes on deals in Proposal and Negotiation; won deals have their order. ---
PRODUCTS = [("Fieldwork Growth licence", 1200), ("Fieldwork Enterprise licence", 2400), ("Onboarding package", 4500),
            ("Route planning add-on", 300), ("Premium support", 900)]


def quote_lines(n):
    lines = [{"product": PRODUCTS[n % 2][0], "quantity": 5 + (n * 3) % 20,
              "price": {"amount": PRODUCTS[n % 2][1], "currency": "USD"}},
             {"product": PRODUCTS[2][0], "quantity": 1, "price": {"amount": PRODUCTS[2][1], "currency": "USD"}}]
    if n % 3 == 0:
        lines[0]["discount"] = 10
        lines.append({"product": PRODUCTS[3 + n % 2][0], "quantity": 2 + n % 4,
                      "price": {"amount": PRODUCTS[3 + n % 2][1], "currency": "USD"}})
    return lines


def lines_total(lines):
    total = sum(round(l["quantity"] * l["price"]["amount"] * (100 - l.get("discount", 0)) / 100, 2) for l in lines)
    return {"amount": int(total) if total == int(total) else total, "currency": "USD"}


for n, deal in enumerate(r for r in records if r["type"] == "deal" and r["fields"]["stage"] in
                         ("Proposal sent", "Negotiation", "Closed won")):
    won = deal["fields"]["stage"] == "Closed won"
    sent = TODAY - timedelta(days=3 + n % 6)
    lines = quote_lines(n)
    quote = add("quote", deal["owner"], {
        "name": "Quote for " + deal["fields"]["name"], "deal": deal["id"], "lines": lines, "total": lines_total(lines),
        "status": "Accepted" if won else "Sent", "valid_until": (sent + timedelta(days=30)).isoformat(),
        "accepted_at": stamp(sent + timedelta(days=2), 15, 0) if won else None}, sent)
    if won:
        order = add("order", deal["owner"], {
            "name": "Order for " + deal["fields"]["name"], "deal": deal["id"], "quote": quote,
            "company": deal["fields"]["company"], "lines": lines, "total": lines_total(lines), "status": "Open",
            "ordered_at": stamp(sent + timedelta(days=2), 15, 0)}, sent + timedelta(days=2))
        records[-2]["fields"]["order"] = order

# --- Processes: the six templates, and where each record stands in them. ---
process_dir = Path(__file__).resolve().parent.parent / "assets" / "processes"
flows = []
for name in ["lead_routing", "sales_pipeline", "onboarding", "customer_support", "renewal_management", "expansion"]:
    flows += json.loads((process_dir / f"{name}.json").read_text(encoding="utf-8"))["flows"]


# --- Automation: the rule templates, running on this team. ---
rules = json.loads((Path(__file__).resolve().parent.parent / "assets" / "automation" / "northwind.json")
                   .read_text(encoding="utf-8"))["rules"]


def entered(record, days_ago):
    return stamp(TODAY - timedelta(days=days_ago), 10, 0)


def state(stage, started_days, entered_days, by, status="active", outcome=None, reason=None, history=None):
    s = {"stage": stage, "status": status, "started_at": stamp(TODAY - timedelta(days=started_days), 9, 30),
         "entered_at": stamp(TODAY - timedelta(days=entered_days), 10, 0),
         "history": history or [{"stage": stage, "at": stamp(TODAY - timedelta(days=entered_days), 10, 0), "by": by}]}
    if status != "active":
        s["outcome"] = outcome
        s["ended_at"] = stamp(TODAY - timedelta(days=max(entered_days - 1, 0)), 15, 0)
        if reason:
            s["reason"] = reason
    return s


SALES_STAGES = ["lead", "qualified", "meeting_scheduled", "proposal_sent", "negotiation"]
STAGE_ID = {"Lead": "lead", "Qualified": "qualified", "Meeting scheduled": "meeting_scheduled",
            "Proposal sent": "proposal_sent", "Negotiation": "negotiation"}
by_id = {r["id"]: r for r in records}
for n, r in enumerate(records):
    f, owner = r["fields"], r.get("owner", "u-maria")
    if r["type"] == "deal":
        stage = f["stage"]
        reached = len(SALES_STAGES) if stage.startswith("Closed") else SALES_STAGES.index(STAGE_ID[stage]) + 1
        # Fill in what each passed gate asked for, so the data agrees with the process.
        if reached >= 2 and n % 9 != 4:
            f["budget"] = {"amount": f["amount"]["amount"], "currency": "USD"}
        if reached >= 3:
            f["budget"] = {"amount": f["amount"]["amount"], "currency": "USD"}
            f["decision_maker"] = f["contact"]
            f["meeting_date"] = (TODAY - timedelta(days=20 - reached)).isoformat()
        if reached >= 4:
            f["demo_completed"] = True
        if reached >= 5:
            f["pricing_discussed"] = True
        days_in = [0, 0, 0, 0, 1, 1, 3, 10][n % 8]  # most work is fresh; a few deals are stuck
        history = [{"stage": s_id, "at": stamp(TODAY - timedelta(days=days_in + 6 * (reached - 1 - k)), 10, 0), "by": owner}
                   for k, s_id in enumerate(SALES_STAGES[:reached])]
        if stage == "Closed won":
            f["agreement_signed"] = True
            f["kickoff_date"] = (TODAY - timedelta(days=days_in - 1)).isoformat() if n % 2 else None
            f = {k: v for k, v in f.items() if v is not None}
            r["fields"] = f
            r["flows"] = {"sales_pipeline": state("negotiation", 60, days_in + 6, owner, "ended", "closed_won",
                                                   history=history[:5] + [{"stage": "closed_won", "at": stamp(TODAY - timedelta(days=days_in), 11, 0), "by": owner}]),
                          "onboarding": state("kickoff_held" if "kickoff_date" in f else "kickoff_scheduled", days_in, 1 + n % 3, owner)}
        elif stage == "Closed lost":
            r["flows"] = {"sales_pipeline": state(SALES_STAGES[n % 4], 50, days_in + 4, owner, "ended", "closed_lost",
                                                  f.get("lost_reason", "No budget this year"), history=history[:n % 4 + 1])}
        else:
            r["flows"] = {"sales_pipeline": state(STAGE_ID[stage], 40, days_in, owner, history=history)}
    elif r["type"] == "lead":
        if "owner" not in r:
            r["flows"] = {"lead_routing": state("new", 1 + n % 3, 1 + n % 3, "u-maria")}
        elif f["status"] == "New":
            r["flows"] = {"lead_routing": state("assigned", 1 + n % 2, 0 if n % 3 else 1, owner)}
        else:
            f["first_contact_at"] = stamp(TODAY - timedelta(days=3 + n % 5), 11, 30)
            # Came in some hours before that first follow-up: lead response times spread
            # from under an hour to two days, as a team's do.
            waited = [0.5, 2, 3, 5, 9, 20, 30, 50][n % 8]
            came_in = datetime.fromisoformat(f["first_contact_at"].replace("Z", "+00:00")) - timedelta(hours=waited)
            r["created_at"] = came_in.strftime("%Y-%m-%dT%H:%M:%SZ")
            r["flows"] = {"lead_routing": state("contacted", 6 + n % 5, 3 + n % 5, owner, "ended", "routed")}
            if f["status"] == "Disqualified":
                r["flows"]["lead_routing"] = state("contacted", 6 + n % 5, 3 + n % 5, owner, "exited", "disqualified",
                                                   "Not our ideal customer profile")
    elif r["type"] == "ticket":
        status = f["status"]
        stage = {"New": "new", "Open": "open", "Waiting on customer": "waiting", "Resolved": "resolved"}[status]
        if status != "New":
            f["first_response_at"] = stamp(TODAY - timedelta(days=1 + n % 3), 12, 15)
        if status == "Resolved":
            f["resolution_plan"] = "Patched the export job; verified with the customer's data."
        r["flows"] = {"customer_support": state(stage, 2 + n % 6, n % 3, owner)}
    elif r["type"] == "subscription":
        days_left = (date.fromisoformat(f["renewal_date"]) - TODAY).days
        f["usage_pct"] = [45, 62, 71, 88, 93, 55][n % 6]
        f["health"] = "Expansion signal" if f["usage_pct"] >= 85 else ("At risk" if n % 5 == 0 else "Healthy")
        flows_here = {}
        if days_left <= 120:
            stage = "health_review" if days_left > 90 else ("proposal" if days_left > 60 else "negotiation")
            if stage == "negotiation":
                f["renewal_proposal_sent"] = True
            flows_here["renewal_management"] = state(stage, 120 - days_left, max(1, min(25, 120 - days_left - 5)), owner)
        if f["usage_pct"] >= 80 or f["health"] == "Expansion signal":
            flows_here["expansion"] = state("signal" if n % 2 else "discovery", 9, n % 3, owner)
        if flows_here:
            r["flows"] = flows_here

# Leads marked Qualified have already started the sales pipeline on a deal.
for r in [r for r in records if r["type"] == "lead" and r["fields"]["status"] == "Qualified"]:
    f = r["fields"]
    deal_fields = {"name": f.get("company_name") or f["name"], "source_lead": r["id"], "stage": "Lead",
                   "amount": f.get("budget", {"amount": 20000, "currency": "USD"})}
    if "budget" in f:
        deal_fields["budget"] = f["budget"]
    if "timeline" in f:
        deal_fields["close_date"] = f["timeline"]
    deal_id = add("deal", r.get("owner", "u-maria"), deal_fields, TODAY - timedelta(days=2))
    by_id[deal_id] = records[-1]
    records[-1]["flows"] = {"sales_pipeline": state("lead", 2, 2, r.get("owner", "u-maria"))}
    r["flows"]["sales_pipeline"] = {"stage": "", "status": "spawned", "outcome": deal_id,
                                    "started_at": stamp(TODAY - timedelta(days=2), 9, 15),
                                    "entered_at": stamp(TODAY - timedelta(days=2), 9, 15),
                                    "ended_at": stamp(TODAY - timedelta(days=2), 9, 15), "history": []}

# The team's business calendar and the SLA table from the seeds.
weekday = [["09:00", "17:00"]]
calendar = {"timezone": "America/New_York",
            "week": {"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday},
            "holidays": ["2026-11-26", "2026-12-25", "2027-01-01"]}
sla_policies = [
    {"id": "demo_first_response", "name": "First response to a demo request", "record_type": "lead",
     "applies": {"==": [{"var": "source"}, "Demo request"]}, "starts": "created",
     "stops": {"is_set": {"var": "first_contact_at"}}, "within": "4 business hours", "at_risk": 0.75,
     "alert": ["owner", "owner_manager"]},
    {"id": "high_intent_touch", "name": "Rep touch for a high-intent lead", "record_type": "lead",
     "applies": {">=": [{"var": "score"}, 70]}, "starts": "created",
     "stops": {"is_set": {"var": "first_contact_at"}}, "within": "24 hours", "at_risk": 0.75, "alert": ["owner"]},
    {"id": "onboarding_kickoff", "name": "Onboarding kickoff", "record_type": "deal",
     "starts": "flow:onboarding/kickoff_scheduled", "stops": {"is_set": {"var": "kickoff_date"}},
     "within": "3 business days", "at_risk": 0.75, "alert": ["owner", "owner_manager"]},
    {"id": "critical_resolution_plan", "name": "Resolution plan for a critical case", "record_type": "ticket",
     "applies": {"==": [{"var": "priority"}, "Critical"]}, "starts": "created",
     "stops": {"is_set": {"var": "resolution_plan"}}, "within": "1 business day", "at_risk": 0.75,
     "alert": ["owner", "owner_manager"]},
    {"id": "renewal_recovery_plan", "name": "Recovery plan for a renewal at risk", "record_type": "subscription",
     "applies": {"==": [{"var": "health"}, "At risk"]}, "starts": "flow:renewal_management/health_review",
     "stops": {"!=": [{"var": "health"}, "At risk"]}, "within": "5 business days", "at_risk": 0.75,
     "alert": ["owner", "owner_manager"]},
    {"id": "case_open_escalation", "name": "Case resolved within 48 hours", "record_type": "ticket",
     "starts": "created", "stops": {"in": [{"var": "status"}, ["Resolved", "Closed"]]},
     "pauses": {"==": [{"var": "status"}, "Waiting on customer"]}, "within": "48 hours", "at_risk": 0.75,
     "alert": ["owner", "owner_manager"], "escalate_to": ["owner_manager"]},
]
# Lead scoring (docs/scoring.md): fit for a route-planning product, engagement
# logged as inbound notes by marketing, halved every 30 days, MQL at 60. Each
# lead's score and hand-off below is what the engine computes from them.
lead_scoring = {
    "mql_threshold": 60, "mql_status": "Working", "notify_team": "t-field",
    "decay": {"halve_every_days": 30},
    "fit": [
        {"label": "Industry is Logistics", "points": 15, "when": {"==": [{"var": "industry"}, "Logistics"]}},
        {"label": "Industry is Manufacturing or Retail", "points": 10,
         "when": {"in": [{"var": "industry"}, ["Manufacturing", "Retail"]]}},
        {"label": "100 employees or more", "points": 10, "when": {">=": [{"var": "employees"}, 100]}},
        {"label": "1,000 employees or more", "points": 10, "when": {">=": [{"var": "employees"}, 1000]}},
        {"label": "Budget of $50,000 or more", "points": 10, "when": {">=": [{"var": "budget"}, 50000]}},
        {"label": "Decision maker known", "points": 5, "when": {"==": [{"var": "authority"}, True]}},
    ],
    "engagement": [
        {"label": "Demo request", "points": 25, "when": {"in": ["Demo request", {"var": "subject"}]}},
        {"label": "Webinar attended", "points": 10, "when": {"in": ["Webinar", {"var": "subject"}]}},
        {"label": "Pricing page visit", "points": 5, "when": {"in": ["Pricing page", {"var": "subject"}]}},
        {"label": "Form filled", "points": 10, "when": {"in": ["Form:", {"var": "subject"}]}},
    ],
}
# Which engagements each lead has (by its number mod 6), and how many days ago.
ENGAGEMENTS = [
    [("Demo request from the website", 3), ("Pricing page visit", 2)],
    [("Webinar attended: Route planning in 30 minutes", 41), ("Form: Contact sales", 12)],
    [("Pricing page visit", 5)],
    [],
    [("Demo request from the website", 1), ("Webinar attended: Fleet analytics", 47), ("Pricing page visit", 1)],
    [("Form: Download the ROI guide", 8)],
]


def logic(rule, data):
    """The few JsonLogic operators the model above uses."""
    if not isinstance(rule, dict):
        return rule
    op, args = next(iter(rule.items()))
    if op == "var":
        return data.get(args)
    a, b = (logic(x, data) for x in args)
    if op == "==":
        return a == b
    if op == ">=":
        return a is not None and b is not None and a >= b
    if op == "in":
        return a is not None and b is not None and a in b
    raise ValueError(op)


def fit_data(fields):
    data = dict(fields)
    if isinstance(data.get("budget"), dict):
        data["budget"] = data["budget"]["amount"]
    return data


for lead in [r for r in records if r["type"] == "lead"]:
    f, n = lead["fields"], int(lead["id"].split("-")[1])
    score = sum(rule["points"] for rule in lead_scoring["fit"] if logic(rule["when"], fit_data(f)))
    crossed = None
    for subject, days_ago in sorted(ENGAGEMENTS[n % 6], key=lambda e: -e[1]):
        when = datetime(TODAY.year, TODAY.month, TODAY.day, 14, 0, tzinfo=timezone.utc) - timedelta(days=days_ago)
        add("activity", lead.get("owner"), {"kind": "Note", "subject": subject, "at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                            "direction": "Inbound", "related": lead["id"]}, when.date())
        rule = next(r for r in lead_scoring["engagement"] if logic(r["when"], {"subject": subject}))
        score += rule["points"] >> (days_ago // 30)
        if crossed is None and score >= lead_scoring["mql_threshold"]:
            crossed = records[-1]["fields"]["at"]
    f["score"] = score
    if crossed:
        if f["status"] == "New":  # as the hand-off does: a New lead is now worked
            f["status"] = lead_scoring["mql_status"]
        f["mql_at"] = crossed

# Two contacts an old CRM's export brought in twice, for the duplicates review:
# the same person with another email and the phone written another way, and
# the same email with a typo in the name.
first_contact = next(r for r in records if r["id"] == "contact-1")
twin = dict(first_contact["fields"])
add("contact", "u-ben", {**twin, "first_name": "Oliver", "email": "o.brennan@" + twin["email"].split("@")[1],
                         "phone": "(555) " + twin["phone"][7:10] + "-" + twin["phone"][11:], "job_title": None,
                         "decision_maker": None}, TODAY - timedelta(days=20))
fifth = next(r for r in records if r["id"] == "contact-5")["fields"]
add("contact", "u-chloe", {**fifth, "last_name": fifth["last_name"] + "n", "phone": None, "decision_maker": None},
    TODAY - timedelta(days=12))
# Gaps an old CRM's export leaves, for the data-quality screen: some contacts
# without a job title, phone or company (chosen by number, not by the random
# generator, so the rest of the demo stays as it is).
for record in records:
    if record["type"] != "contact":
        continue
    number = int(record["id"].split("-")[1])
    if number < 40:
        continue
    if number % 3 == 0:
        record["fields"].pop("job_title", None)
    if number % 4 == 0:
        record["fields"].pop("phone", None)
    if number % 10 == 0:
        record["fields"].pop("company", None)
# A data problem a rep flagged, waiting in the data-quality queue.
flagged = next(r for r in records if r["type"] == "contact" and r.get("owner") == "u-ben")
flagged["data_problems"] = [{"note": "The phone number is the front desk; ask for a direct line",
                             "by": "u-ben", "at": stamp(TODAY - timedelta(days=2), 15, 40)}]

# --- Six months of history, for the reports (docs/reports.md): deals closed
# since June with their stage history, tickets resolved and rated over the last
# eight weeks, renewals decided, and eight weeks of the reps' calls, emails and
# meetings. Added after every record above, and drawn from a generator of their
# own, so the records above (and the module-level random stream) stay as they were.
past = random.Random(20261205)


def workday(day, step=-1):
    """`day`, or the nearest weekday before it (step=-1) or after it (step=1)."""
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return day


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def day_of(text):
    return date.fromisoformat(text[:10])


def office_hour():
    """A time of day (UTC) inside the team's New York office hours."""
    return past.randint(13, 20), past.choice([0, 10, 20, 30, 40, 50])


# --- Deals closed between June and mid-November. Each walked the pipeline one
# stage at a time; its history is laid out backwards from the day it closed.
# Proposals wait longest on the buyer (the bottleneck time in stage shows), and
# a few deals went back a stage once for a second round.
CLOSED_DEAL_NAMES = ["Route optimisation pilot", "Driver app licences", "Depot scheduling", "Annual platform licence",
                     "Regional rollout", "Analytics add-on", "Service desk contract", "Mobile crews upgrade"]
# Days a deal stayed in each stage (fewest, most); a second stay takes half as long.
STAY = {"lead": (1, 4), "qualified": (3, 8), "meeting_scheduled": (4, 9), "proposal_sent": (12, 25),
        "negotiation": (5, 11)}
# Every fourth deal was lost: where it dropped out, and why (in order).
LOST_AT = [("proposal_sent", "Chose a cheaper competitor"), ("qualified", "No budget this year"),
           ("proposal_sent", "Went quiet after the proposal"), ("negotiation", "Lost on price to a competitor"),
           ("meeting_scheduled", "Built it in-house"), ("proposal_sent", "Project postponed to next year"),
           ("negotiation", "Legal terms not agreed")]
# Won deals that went back once, from the stage named to the one before it.
WENT_BACK = {2: "negotiation", 9: "proposal_sent", 17: "negotiation", 25: "negotiation"}
# Onboarding after a won deal: each stage and the days it took (within its next action's time).
ONBOARDING = [("kickoff_held", (1, 3)), ("configured", (3, 6)), ("live", (7, 13)), ("value_delivered", (8, 13))]
deals_at = {}  # company -> closed deals added here
for i in range(30):
    owner = REPS[i % 3]
    won = i % 4 != 3
    lost_at, reason = (None, None) if won else LOST_AT[i // 4]
    path = SALES_STAGES[:SALES_STAGES.index(lost_at) + 1] if lost_at else list(SALES_STAGES)
    if i in WENT_BACK:
        k = SALES_STAGES.index(WENT_BACK[i])
        path = SALES_STAGES[:k + 1] + [SALES_STAGES[k - 1]] + SALES_STAGES[k:]
    closed = workday(date(2026, 6, 4) + timedelta(days=i * 160 // 29 + past.randint(-2, 2)))
    entries, day = [], closed
    for k in range(len(path) - 1, -1, -1):
        fewest, most = STAY[path[k]]
        if path[k] in path[:k]:
            fewest, most = max(1, fewest // 2), max(1, most // 2)
        day = workday(day - timedelta(days=past.randint(fewest, most)))
        entries.insert(0, {"stage": path[k], "at": stamp(day, *office_hour()), "by": owner})
    # One of the rep's customers that was in the CRM (with its contacts) by then,
    # the ones with the fewest of these deals first.
    started = day_of(entries[0]["at"])
    customers = [r for r in records if r["type"] == "contact" and r["fields"].get("company") in company_ids
                 and company_owner[r["fields"]["company"]] == owner and day_of(r["created_at"]) < started]
    cid = min({r["fields"]["company"] for r in customers}, key=lambda c: (deals_at.get(c, 0), c))
    deals_at[cid] = deals_at.get(cid, 0) + 1
    c = company_ids.index(cid)
    outcome = "closed_won" if won else "closed_lost"
    ending = {"stage": outcome, "at": stamp(closed, *office_hour()), "by": owner}
    if reason:
        ending["reason"] = reason
    amount = {"amount": past.choice([9500, 14000, 18500, 24000, 32000, 45000, 60000, 88000, 120000]),
              "currency": "USD"}
    fields = {"name": f"{COMPANIES[c][0]} – {CLOSED_DEAL_NAMES[i % len(CLOSED_DEAL_NAMES)]}", "company": cid,
              "contact": contacts_of[cid][0], "amount": amount, "stage": "Closed won" if won else "Closed lost",
              "close_date": closed.isoformat(), "probability": 100 if won else 0, "budget": dict(amount)}
    # What each gate it passed asked for (docs/processes.md).
    if "meeting_scheduled" in path:
        met = day_of(next(e["at"] for e in entries if e["stage"] == "meeting_scheduled"))
        fields.update({"decision_maker": contacts_of[cid][0],
                       "meeting_date": workday(met + timedelta(days=2), 1).isoformat()})
    if "proposal_sent" in path:
        fields["demo_completed"] = True
    if "negotiation" in path:
        fields["pricing_discussed"] = True
    if won:
        fields["agreement_signed"] = True
    else:
        fields["lost_reason"] = reason
    add("deal", owner, fields, day_of(entries[0]["at"]))
    deal = records[-1]
    deal["created_at"] = entries[0]["at"]  # added at the Lead stage, when it started the pipeline
    deal["flows"] = {"sales_pipeline": {
        "stage": path[-1], "status": "ended", "outcome": outcome, "started_at": entries[0]["at"],
        "entered_at": entries[-1]["at"], "ended_at": ending["at"], "history": entries + [ending],
        **({"reason": reason} if reason else {})}}
    if not won:
        continue
    # Onboarding started the day it was won; the older ones are live and have
    # delivered value, the recent ones are on their way.
    steps = [{"stage": "kickoff_scheduled", "at": ending["at"], "by": owner}]
    day = closed
    for stage, (fewest, most) in ONBOARDING:
        day = workday(day + timedelta(days=past.randint(fewest, most)), 1)
        if day >= TODAY:
            break
        steps.append({"stage": stage, "at": stamp(day, *office_hour()), "by": owner})
        deal["fields"].update({"kickoff_held": {"kickoff_date": day.isoformat()},
                               "live": {"go_live_date": day.isoformat()},
                               "value_delivered": {"value_confirmed": True}}.get(stage, {}))
    onboarding = {"stage": steps[-1]["stage"], "status": "active", "started_at": ending["at"],
                  "entered_at": steps[-1]["at"], "history": steps}
    if steps[-1]["stage"] == "value_delivered":
        onboarding.update({"stage": "live", "status": "ended", "outcome": "value_delivered",
                           "entered_at": steps[-2]["at"], "ended_at": steps[-1]["at"]})
    deal["flows"]["onboarding"] = onboarding

# --- Tickets resolved over the last eight weeks: answered within hours (now
# and then the next morning), some waited on the customer, one came back; the
# customer confirmed the fix and rated the support, mostly 4 or 5.
CSAT = [5, 4, 5, 5, 3, 4, 5, 5, 4, 2, 5, 4, 5, 4, 5, 3, 5, 4, 4, 5, 5, 2, 4, 5, 4, 5]
RESOLUTIONS = {"Bug": "Fixed in the next release; a workaround until then.", "Billing": "Corrected invoice sent.",
               "Question": "Walked the customer through the settings.",
               "Feature request": "Logged for the product team; shared the roadmap."}
for i, score in enumerate(CSAT):
    c = (i * 5 + 1) % len(COMPANIES)
    cid, owner = company_ids[c], company_owner[company_ids[c]]
    subject = subjects[(i * 3 + 1) % len(subjects)]
    opened_day = workday(TODAY - timedelta(days=10 + i * 46 // 25))
    opened = datetime(opened_day.year, opened_day.month, opened_day.day, *office_hour(), tzinfo=timezone.utc)
    answered = opened + timedelta(minutes=past.choice([15, 25, 40, 55, 80, 110, 150, 200]))
    if i % 9 == 4:
        answered += timedelta(hours=18)  # came in late: answered the next morning
    entries = [{"stage": "new", "at": iso(opened), "by": owner}, {"stage": "open", "at": iso(answered), "by": owner}]
    moment = answered
    hops = ["waiting", "open"] if i % 4 == 2 else []
    hops += ["resolved", "open", "resolved"] if i == 13 else ["resolved"]  # reopened once, fixed for good
    for stage in hops + ["closed"]:  # each a working day or more after the last, in office hours
        day = workday(moment.date() + timedelta(days=past.randint(1, 2)), 1)
        moment = datetime(day.year, day.month, day.day, *office_hour(), tzinfo=timezone.utc)
        entries.append({"stage": stage, "at": iso(moment), "by": owner})
    assert moment.date() < TODAY, "a demo ticket closes before today"
    add("ticket", owner, {
        "subject": subject, "description": "Reported through the help centre.", "company": cid,
        "contact": contacts_of[cid][1], "priority": ["Normal", "High", "Normal", "Low", "Normal", "Critical"][i % 6],
        "status": "Closed", "opened_at": iso(opened), "category": TICKET_CATEGORY[subject],
        "first_response_at": iso(answered), "resolution_plan": RESOLUTIONS[TICKET_CATEGORY[subject]],
        "resolution_confirmed": True, "csat": score}, opened_day)
    records[-1]["created_at"] = iso(opened)
    records[-1]["flows"] = {"customer_support": {
        "stage": "resolved", "status": "ended", "outcome": "closed", "started_at": iso(opened),
        "entered_at": entries[-2]["at"], "ended_at": entries[-1]["at"], "history": entries}}

# --- Renewals decided since June: the renewal flow ran from 120 days before
# the renewal date and ended renewed, downgraded or churned, which is what the
# renewal and churn rates read. Each subscription in turn: how it ended, its
# plan, and why it was downgraded or lost.
RENEWALS = [("renewed", "Growth", None), ("renewed", "Enterprise", None),
            ("downgraded", "Enterprise", "Fewer field crews this season"), ("renewed", "Starter", None),
            ("churned", "Growth", "Moved to an in-house tool"), ("renewed", "Growth", None),
            ("renewed", "Enterprise", None), ("renewed", "Growth", None),
            ("downgraded", "Growth", "Dropped the route planning add-on"), ("renewed", "Starter", None),
            ("renewed", "Growth", None), ("churned", "Enterprise", "Acquired; the new parent uses another system"),
            ("renewed", "Growth", None), ("downgraded", "Growth", "Budget cut; kept the core licences"),
            ("renewed", "Enterprise", None)]
MRR = {"Starter": 490, "Growth": 2400, "Enterprise": 9500}
SMALLER = {"Enterprise": "Growth", "Growth": "Starter"}
for i, (outcome, plan, reason) in enumerate(RENEWALS):
    c = (i * 2) % len(COMPANIES)  # the even companies: the odd ones have the open subscriptions
    cid, owner = company_ids[c], company_owner[company_ids[c]]
    due = date(2026, 6, 15) + timedelta(days=i * 11)  # the renewal date the flow worked towards
    decided = workday(due - timedelta(days=past.randint(0, 7)))
    entries = [{"stage": stage, "at": stamp(workday(due - timedelta(days=days_before)), *office_hour()), "by": owner}
               for stage, days_before in [("health_review", 120 - past.randint(0, 3)),
                                          ("proposal", 90 - past.randint(0, 5)),
                                          ("negotiation", 60 - past.randint(0, 8))]]
    ending = {"stage": outcome, "at": stamp(decided, *office_hour()), "by": owner}
    if reason:
        ending["reason"] = reason
    customer_since = due - timedelta(days=365 * (1 + i % 3))
    fields = {"name": f"{COMPANIES[c][0]} – {plan} plan", "company": cid, "plan": plan,
              "mrr": {"amount": MRR[plan], "currency": "USD"}, "start_date": customer_since.isoformat(),
              "renewal_date": (due if outcome == "churned" else due + timedelta(days=365)).isoformat(),
              "status": outcome.capitalize(), "auto_renew": outcome == "renewed" and i % 2 == 0,
              "usage_pct": {"renewed": 60 + i % 19, "downgraded": 34 + i % 9, "churned": 18 + i % 7}[outcome],
              "health": "At risk" if outcome == "churned" else "Healthy", "renewal_proposal_sent": True}
    if outcome == "downgraded":
        fields["new_mrr"] = {"amount": MRR[SMALLER[plan]], "currency": "USD"}  # moved to the smaller plan
    add("subscription", owner, fields, customer_since)
    records[-1]["flows"] = {"renewal_management": {
        "stage": "negotiation", "status": "ended", "outcome": outcome, "started_at": entries[0]["at"],
        "entered_at": entries[-1]["at"], "ended_at": ending["at"], "history": entries + [ending],
        **({"reason": reason} if reason else {})}}

# --- Eight weeks of the reps' calls, emails and meetings, each on a deal they
# were working that day: Ana logs steadily, Ben took it up over the weeks,
# Chloé was at a trade fair for a week.
PER_WEEK = {"u-ana": [7, 8, 7, 9, 8, 7, 9, 8], "u-ben": [2, 2, 3, 4, 5, 6, 7, 8], "u-chloe": [6, 5, 7, 6, 1, 6, 7, 6]}
ACTIVITY_SUBJECTS = {
    "Call": ["Discovery call", "Follow-up call on the proposal", "Pricing questions", "Check-in with the champion",
             "Call with procurement"],
    "Email": ["Sent pricing overview", "Sent the proposal", "Shared a customer case study", "Recap of the meeting",
              "Answered the security questionnaire"],
    "Meeting": ["On-site demo", "Proposal walkthrough", "Meeting with the CFO", "Workshop with the operations team"]}
OUTCOMES = {"Call": ["Reached", "Reached", "Reached", "Left voicemail", "No answer"], "Email": ["Sent"],
            "Meeting": ["Meeting held", "Meeting held", "Meeting held", "Rescheduled"]}


def working_on(deal, day):
    """Whether the deal was in the pipeline on `day`: added by then, not closed before."""
    pipeline = deal.get("flows", {}).get("sales_pipeline", {})
    ended = pipeline.get("ended_at") if pipeline.get("status") == "ended" else None
    return day_of(deal["created_at"]) <= day and (ended is None or day <= day_of(ended))


first_monday = TODAY - timedelta(days=TODAY.weekday() + 7 * 7)
for rep, counts in PER_WEEK.items():
    deals = [r for r in records if r["type"] == "deal" and r.get("owner") == rep]
    for week, count in enumerate(counts):
        for _ in range(count):
            day = first_monday + timedelta(days=7 * week + past.randint(0, 4))
            if day >= TODAY:
                day = TODAY - timedelta(days=1)
            kind = past.choice(["Call", "Call", "Call", "Email", "Email", "Meeting"])
            hour, minute = office_hour()
            when = stamp(day, hour, minute)
            deal = past.choice([d for d in deals if working_on(d, day)])
            add("activity", rep, {"kind": kind, "subject": past.choice(ACTIVITY_SUBJECTS[kind]), "at": when,
                                  "direction": "Outbound", "related": deal["id"],
                                  "outcome": past.choice(OUTCOMES[kind])}, day)
            records[-1]["created_at"] = when  # logged as it happened

# Validation rules an admin would write (docs/workspace-format.md, "Validation
# rules"); every record above passes them.
validation = {
    "deal": {
        "fields": {"probability": {"min": 0, "max": 100,
                                   "message": "Probability is a percentage from 0 to 100."}},
        "rules": [{"rule": {"or": [{"!=": [{"var": "stage"}, "Closed won"]}, {"is_set": "close_date"}]},
                   "message": "Close date is required once a deal is won.",
                   "fields": ["close_date", "stage"]}],
    },
    "contact": {"fields": {"last_name": {"min_length": 2, "message": "Write the whole last name."}}},
}
workspace = {"format": "crm-workspace", "version": 1, "name": "Northwind Field Sales (demo)", "currency": "USD",
             "default_country": "US", "teams": teams, "users": users, "validation": validation,
             "processes": flows, "calendar": calendar, "sla_policies": sla_policies, "records": records,
             "automation": {"rules": rules}, "lead_scoring": lead_scoring}
out = Path(__file__).resolve().parent.parent / "assets" / "demo-workspace.json"
out.write_text(json.dumps(workspace, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {out} ({len(records)} records)")
