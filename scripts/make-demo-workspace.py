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
