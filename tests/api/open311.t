#!/usr/bin/python3
# Open311 GeoReport v2 at /open311/v2/, checked against the specification text
# (wiki.open311.org/GeoReport_v2, Service_Discovery, GeoReport_v2/Extensions),
# not against our code. Every endpoint in both formats; XML parsed with
# xml.etree.ElementTree.
#
# Spec rules exercised:
#  - formats by extension: .xml -> "text/xml; charset=utf-8" with an XML
#    declaration, .json -> "application/json; charset=utf-8"; other -> 404;
#  - discovery: changeset, contact, key_service, endpoints[specification, url,
#    changeset, type production|test, formats];
#  - services: service_code, service_name, description, metadata (true when
#    there are attributes), type realtime|batch|blackbox, keywords, group;
#    language from ?lang= / Accept-Language (Arabic by default);
#  - service definition: service_code, attributes[variable, code, datatype,
#    required, datatype_description, order, description, values[key, name]];
#    404 for an unknown service_code;
#  - POST requests: form-encoded; api_key required (403 without / invalid /
#    without the right role); 400 when service_code is missing, the location is
#    missing, lat is invalid, a required attribute is missing; 404 for an
#    unknown service_code ("404 - service_code ... was not found");
#    answer [{service_request_id, service_notice, account_id}];
#  - GET requests: filters service_request_id (comma list, overrides the
#    others), service_code (comma list), start_date/end_date (W3C, at most 90
#    days), status (open/closed); defaults 90 days and 1000 rows; extensions
#    page/page_size and extensions=true (notes[datetime, description, type]);
#  - GET requests/{id}: one-element list, 404 for an unknown id;
#  - tokens/{token}: service_request_id and token;
#  - errors: [{"code","description"}] / <errors><error><code/><description/>;
#  - datetimes ISO 8601 with a zone; lat/long numbers;
#  - privacy (majlis): private requests invisible anonymously, contact fields
#    never present, phones/emails masked in public descriptions.
import datetime
import os
import re
import sqlite3
import sys
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from majlis import Server, binary_path, diag, is_, like, ok, run, skip_all  # noqa: E402

V2 = "/open311/v2"
JSON_CT = "application/json; charset=utf-8"
XML_CT = "text/xml; charset=utf-8"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url")
CONTACT_FIELDS = ("email", "phone", "first_name", "last_name", "device_id", "account_id", "contact", "name")


def token(srv, dept, role="agent", name=None):
    args = ["token", "add", "--db", srv.db, "--name", name or ("o311-%s-%s" % (role, dept)), "--role", role]
    if dept:
        args += ["--dept", dept]
    cp = srv.run_cli(*args, check=True)
    return [w for w in cp.stdout.split() if len(w) == 64][0]


def xml_of(resp, name):
    ok(resp.body.lstrip().startswith(b"<?xml"), "%s: starts with the XML declaration" % name)
    like(resp.body[:60], r"encoding=.utf-8.", "%s: declaration names utf-8" % name)
    return ET.fromstring(resp.body)


def xml_records(root, child):
    """The Spark convention back to Python: list of dicts of text (None when empty)."""
    return [{e.tag: (e.text if len(e) == 0 else e) for e in item} for item in root.findall(child)]


def json_errors(resp, status, name):
    good = resp.status == status and resp.header("Content-Type") == JSON_CT
    try:
        body = resp.json()
        good = good and isinstance(body, list) and len(body) >= 1 and all(
            isinstance(e, dict) and isinstance(e.get("code"), int) and isinstance(e.get("description"), str)
            and e["description"] for e in body)
    except ValueError:
        body, good = None, False
    ok(good, name)
    if not good:
        diag("    status %d (want %d) %s: %r" % (resp.status, status, resp.header("Content-Type"), resp.body[:300]))
    return body or []


def xml_errors(resp, status, name):
    good = resp.status == status and resp.header("Content-Type") == XML_CT
    try:
        root = ET.fromstring(resp.body)
        errs = root.findall("error")
        good = good and root.tag == "errors" and len(errs) >= 1 and all(
            (e.findtext("code") or "").isdigit() and (e.findtext("description") or "") for e in errs)
    except ET.ParseError:
        errs, good = [], False
    ok(good, name)
    if not good:
        diag("    status %d (want %d) %s: %r" % (resp.status, status, resp.header("Content-Type"), resp.body[:300]))
    return [(e.findtext("code"), e.findtext("description")) for e in errs]


def check_request_json(item, name):
    ok(all(k in item for k in REQUEST_FIELDS), "%s: every response field of the spec is present" % name)
    ok(not any(k in item for k in CONTACT_FIELDS), "%s: no contact field" % name)
    ok(item["status"] in ("open", "closed"), "%s: status is open or closed" % name)
    ok(W3C.match(item["requested_datetime"] or "") and W3C.match(item["updated_datetime"] or ""),
       "%s: datetimes are W3C ISO 8601 with a zone" % name)
    ok(item["expected_datetime"] is None or W3C.match(item["expected_datetime"]), "%s: expected_datetime format" % name)
    ok((item["lat"] is None and item["long"] is None) or
       (isinstance(item["lat"], (int, float)) and isinstance(item["long"], (int, float))),
       "%s: lat/long are numbers" % name)


def main():
    if not os.access(binary_path(), os.X_OK):
        skip_all("no server binary at %s" % binary_path())
    with Server() as srv:
        c = srv.client()
        roads = token(srv, "roads")
        water = token(srv, "water")
        editor = token(srv, "roads", role="editor")

        # ---------------------------------------------------------- discovery
        r = c.get(V2 + "/discovery.json")
        is_((r.status, r.header("Content-Type")), (200, JSON_CT), "discovery.json: 200 JSON")
        d = r.json()
        ok(all(isinstance(d.get(k), str) and d[k] for k in ("changeset", "contact", "key_service")),
           "discovery.json: changeset, contact, key_service")
        ep = d["endpoints"][0]
        is_(ep["specification"], "http://wiki.open311.org/GeoReport_v2", "discovery: GeoReport v2 specification")
        ok(ep["url"].endswith("/open311/v2") and ep["type"] in ("production", "test") and ep["changeset"],
           "discovery: endpoint url, type, changeset")
        is_(sorted(ep["formats"]), ["application/json", "text/xml"], "discovery: both formats announced")
        r = c.get(V2 + "/discovery.xml")
        is_((r.status, r.header("Content-Type")), (200, XML_CT), "discovery.xml: 200 XML")
        root = xml_of(r, "discovery.xml")
        is_(root.tag, "discovery", "discovery.xml: root element")
        is_([f.text for f in root.findall("endpoints/endpoint/formats/format")], ["text/xml", "application/json"],
            "discovery.xml: endpoints/endpoint/formats/format")

        # ---------------------------------------------------------- services
        r = c.get(V2 + "/services.json")
        is_((r.status, r.header("Content-Type")), (200, JSON_CT), "services.json: 200 JSON")
        services = r.json()
        codes = sorted(s["service_code"] for s in services)
        is_(codes, ["event-suggestion", "permit-question", "pothole", "streetlight", "water-bill", "water-leak"],
            "services.json: the six demo services")
        keys = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
        ok(all(all(k in s for k in keys) for s in services), "services.json: every field of the spec")
        ok(all(s["type"] in ("realtime", "batch", "blackbox") and isinstance(s["metadata"], bool) for s in services),
           "services.json: type and metadata values")
        by = {s["service_code"]: s for s in services}
        ok(by["pothole"]["metadata"] is True and by["streetlight"]["metadata"] is False,
           "metadata true only where attributes exist")
        is_(by["pothole"]["service_name"], "Pothole", "Accept-Language: en gives English names")
        is_(by["pothole"]["group"], "roads", "group")
        r = c.get(V2 + "/services.xml")
        root = xml_of(r, "services.xml")
        is_((r.header("Content-Type"), root.tag), (XML_CT, "services"), "services.xml: <services>")
        recs = xml_records(root, "service")
        is_(sorted(x["service_code"] for x in recs), codes, "services.xml: same services as JSON")
        is_({x["service_code"]: x["metadata"] for x in recs}["pothole"], "true", "services.xml: metadata true")
        r = c.get(V2 + "/services.json?lang=fr")
        is_({s["service_code"]: s["service_name"] for s in r.json()}["pothole"], "Nid-de-poule", "?lang=fr: French")
        r = c.get(V2 + "/services.json", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        is_({s["service_code"]: s["service_name"] for s in r.json()}["pothole"], "Nid-de-poule",
            "Accept-Language: fr gives French")
        r = c.get(V2 + "/services.json", headers={"Accept-Language": ""})
        is_({s["service_code"]: s["service_name"] for s in r.json()}["pothole"], "حفرة في الطريق",
            "no language asked: Arabic")

        # ------------------------------------------------- service definitions
        r = c.get(V2 + "/services/pothole.json")
        is_((r.status, r.header("Content-Type")), (200, JSON_CT), "services/pothole.json: 200 JSON")
        sd = r.json()
        is_(sd["service_code"], "pothole", "definition: service_code echoed")
        at = sd["attributes"][0]
        akeys = ("variable", "code", "datatype", "required", "datatype_description", "order", "description")
        ok(all(k in at for k in akeys), "definition: attribute fields of the spec")
        is_((at["variable"], at["code"], at["datatype"], at["required"]), (True, "size", "singlevaluelist", True),
            "definition: size is a required singlevaluelist")
        ok(isinstance(at["order"], int) and at["order"] >= 1, "definition: order is a positive integer")
        is_([v["key"] for v in at["values"]], ["small", "large", "dangerous"], "definition: values keys")
        ok(all(v["name"] for v in at["values"]), "definition: values names")
        r = c.get(V2 + "/services/water-leak.xml")
        root = xml_of(r, "services/water-leak.xml")
        is_(root.tag, "service_definition", "definition.xml: root element")
        attrs = root.findall("attributes/attribute")
        is_([(a.findtext("code"), a.findtext("datatype"), a.findtext("required")) for a in attrs],
            [("where", "singlevaluelist", "true"), ("since", "datetime", "false")], "definition.xml: attributes")
        orders = [int(a.findtext("order")) for a in attrs]
        is_(orders, sorted(set(orders)), "definition.xml: orders unique and ascending")
        is_([v.findtext("key") for v in attrs[0].findall("values/value")], ["street", "building"],
            "definition.xml: values/value/key")
        json_errors(c.get(V2 + "/services/nope.json"), 404, "unknown service_code: 404 JSON error list")
        xml_errors(c.get(V2 + "/services/nope.xml"), 404, "unknown service_code: 404 XML errors")

        # ---------------------------------------------------------- POST requests
        good = {"service_code": "pothole", "lat": "33.5731", "long": "-7.5898", "attribute[size]": "large",
                "email": "walker@example.net", "first_name": "Amina", "last_name": "Idrissi",
                "description": "Deep hole near the bus stop", "account_id": "acct-77",
                "media_url": "https://photos.example.net/hole.jpg", "device_id": "dev-1"}

        def post(fmt, fields, key=None):
            f = dict(fields)
            if key:
                f["api_key"] = key
            return c.request("POST", V2 + "/requests." + fmt, data=f,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})

        json_errors(post("json", good), 403, "POST without api_key: 403 (JSON)")
        xml_errors(post("xml", good), 403, "POST without api_key: 403 (XML)")
        json_errors(post("json", good, "0" * 64), 403, "POST with an invalid api_key: 403")
        xml_errors(post("xml", good, "not-a-key"), 403, "POST with a malformed api_key: 403 (XML)")
        json_errors(post("json", good, editor), 403, "POST with a key whose role may not submit: 403")
        e = json_errors(post("json", {k: v for k, v in good.items() if k != "service_code"}, roads), 400,
                        "missing service_code: 400")
        like(" ".join(x["description"] for x in e), "service_code", "the error names service_code")
        xml_errors(post("xml", {k: v for k, v in good.items() if k != "service_code"}, roads), 400,
                   "missing service_code: 400 (XML)")
        json_errors(post("json", dict(good, service_code="no-such-service"), roads), 404,
                    "unknown service_code: 404 (spec: service_code not found)")
        e = json_errors(post("json", dict(good, lat="123.4"), roads), 400, "invalid lat: 400")
        like(" ".join(x["description"] for x in e), "lat", "the error names lat")
        xml_errors(post("xml", dict(good, lat="north"), roads), 400, "non-numeric lat: 400 (XML)")
        json_errors(post("json", {k: v for k, v in good.items() if k != "long"}, roads), 400, "lat without long: 400")
        json_errors(post("json", {k: v for k, v in good.items() if k not in ("lat", "long")}, roads), 400,
                    "no location at all: 400")
        e = json_errors(post("json", {k: v for k, v in good.items() if k != "attribute[size]"}, roads), 400,
                        "missing required attribute: 400")
        like(" ".join(x["description"] for x in e), r"size", "the error names the attribute")
        json_errors(post("json", dict(good, **{"attribute[size]": "enormous"}), roads), 400,
                    "attribute value not in the list: 400")
        json_errors(post("json", dict(good, description="x" * 4001), roads), 400, "description over 4,000 characters: 400")

        r = post("json", good, roads)
        is_((r.status, r.header("Content-Type")), (200, JSON_CT), "POST requests.json: 200 JSON")
        created = r.json()
        ok(isinstance(created, list) and len(created) == 1, "POST answer is a one-element list")
        sr = created[0]
        ok(isinstance(sr.get("service_request_id"), str) and sr["service_request_id"], "service_request_id returned")
        ok("token" not in sr, "no token when service_request_id is returned")
        ok("service_notice" in sr and "account_id" in sr, "service_notice and account_id present")
        is_(sr["account_id"], "acct-77", "account_id echoed")
        ref1 = sr["service_request_id"]
        # address_string alone is a full location; water-leak with its attributes; XML answer
        r = post("xml", {"service_code": "water-leak", "address_string": "5 rue des Jasmins, Casablanca",
                         "attribute[where]": "building", "attribute[since]": "2026-05-01T08:00:00Z",
                         "phone": "+212 612 345 678", "address_id": "ADDR-9",
                         "description": "Leak in the stairwell; call me on 0612345678 or mail leak.owner@example.org"},
                 water)
        is_((r.status, r.header("Content-Type")), (200, XML_CT), "POST requests.xml: 200 XML")
        root = xml_of(r, "POST requests.xml")
        is_((root.tag, [e.tag for e in root]), ("service_requests", ["request"]), "<service_requests><request>")
        ref2 = root.findtext("request/service_request_id")
        ok(ref2, "XML: service_request_id")
        # a private service (water-bill), through the water key
        r = post("json", {"service_code": "water-bill", "address_id": "METER-4471", "email": "payer@example.net",
                          "description": "Bill too high"}, roads)
        is_(r.status, 200, "a private service can be submitted too")
        ref_priv = r.json()[0]["service_request_id"]

        # ---------------------------------------------------------- GET requests
        r = c.get(V2 + "/requests.json")
        is_((r.status, r.header("Content-Type")), (200, JSON_CT), "GET requests.json: 200 JSON")
        items = r.json()
        refs = [i["service_request_id"] for i in items]
        ok(ref1 in refs and ref2 in refs, "new public requests are listed")
        ok(ref_priv not in refs, "a private request is not listed anonymously")
        is_(len(items), 5, "anonymous list: 3 public demo requests + 2 new public ones")
        for i in items:
            check_request_json(i, "list item %s" % i["service_request_id"])
        mine = {i["service_request_id"]: i for i in items}
        one = mine[ref1]
        is_((one["service_code"], one["service_name"], one["status"]), ("pothole", "Pothole", "open"),
            "service_code, service_name, status")
        is_((one["lat"], one["long"]), (33.5731, -7.5898), "lat/long as sent")
        is_(one["media_url"], "https://photos.example.net/hole.jpg", "media_url kept")
        ok(one["expected_datetime"] and one["expected_datetime"] > one["requested_datetime"],
           "expected_datetime after requested_datetime (from the SLA)")
        ok(one["agency_responsible"], "agency_responsible named")
        leak = mine[ref2]
        is_((leak["address"], leak["address_id"]), ("5 rue des Jasmins, Casablanca", "ADDR-9"), "address and address_id")
        ok("[phone]" in leak["description"] and "[email]" in leak["description"], "phone and email masked in public")
        ok(b"0612345678" not in r.body and b"leak.owner@example.org" not in r.body and b"walker@example.net" not in r.body
           and b"Idrissi" not in r.body, "no personal data anywhere in the anonymous answer")
        r = c.get(V2 + "/requests.xml")
        root = xml_of(r, "GET requests.xml")
        is_((r.header("Content-Type"), root.tag), (XML_CT, "service_requests"), "requests.xml: <service_requests>")
        recs = xml_records(root, "request")
        is_(sorted(x["service_request_id"] for x in recs), sorted(refs), "requests.xml: same requests as JSON")
        ok(all(all(k in x for k in REQUEST_FIELDS) for x in recs), "requests.xml: every field element present")
        x1 = {x["service_request_id"]: x for x in recs}[ref1]
        is_((float(x1["lat"]), float(x1["long"])), (33.5731, -7.5898), "requests.xml: lat/long parse as numbers")
        ok(W3C.match(x1["requested_datetime"]), "requests.xml: W3C datetime")
        ok(not any(x.find(k) is not None for x in root.findall("request") for k in CONTACT_FIELDS),
           "requests.xml: no contact element")
        # staff see their department's private requests, unmasked
        r = c.get(V2 + "/requests.json?api_key=" + water)
        wrefs = {i["service_request_id"]: i for i in r.json()}
        ok(ref_priv in wrefs, "the water department's key sees its private request")
        ok("0612345678" in wrefs[ref2]["description"], "the department's key reads the description unmasked")
        r = c.get(V2 + "/requests.json?api_key=" + roads)
        ok(ref_priv not in [i["service_request_id"] for i in r.json()], "another department's key does not")
        json_errors(c.get(V2 + "/requests.json?api_key=" + "f" * 64), 403, "GET with an invalid api_key: 403")

        # filters
        r = c.get(V2 + "/requests.json?service_code=pothole")
        is_(sorted(set(i["service_code"] for i in r.json())), ["pothole"], "service_code filter")
        is_(len(r.json()), 2, "service_code=pothole: demo + new")
        r = c.get(V2 + "/requests.json?service_code=pothole,streetlight")
        is_(sorted(set(i["service_code"] for i in r.json())), ["pothole", "streetlight"], "service_code comma list")
        r = c.get(V2 + "/requests.json?service_code=pothole&service_code=water-leak")
        is_(sorted(set(i["service_code"] for i in r.json())), ["pothole", "water-leak"], "service_code declared twice")
        r = c.get(V2 + "/requests.json?service_request_id=%s,%s" % (ref1, ref2))
        is_(sorted(i["service_request_id"] for i in r.json()), sorted([ref1, ref2]), "service_request_id comma list")
        r = c.get(V2 + "/requests.json?service_request_id=%s&status=closed&service_code=streetlight" % ref1)
        is_([i["service_request_id"] for i in r.json()], [ref1], "service_request_id overrides the other filters")
        r = c.get(V2 + "/requests.json?service_request_id=" + ref_priv)
        is_(r.json(), [], "a private request is not found by id anonymously")
        r = c.get(V2 + "/requests.json?status=closed")
        is_(r.json(), [], "status=closed: none yet")
        r = c.get(V2 + "/requests.json?status=open")
        is_(len(r.json()), 5, "status=open: all")
        r = c.get(V2 + "/requests.json?status=open,closed")
        is_(len(r.json()), 5, "status=open,closed")
        json_errors(c.get(V2 + "/requests.json?status=pending"), 400, "unknown status: 400")
        # close one through the staff API, then filter again
        r = c.request("POST", "/api/v1/requests/%s/status" % ref1, json={"status": "solved"},
                      headers={"Authorization": "Bearer " + roads})
        is_(r.status, 200, "(setup) the roads agent solves the new pothole")
        r = c.get(V2 + "/requests.json?status=closed")
        is_([i["service_request_id"] for i in r.json()], [ref1], "status=closed: the solved one")
        closed = r.json()[0]
        is_(closed["status"], "closed", "solved maps to closed")
        ok(closed["updated_datetime"] >= closed["requested_datetime"], "updated_datetime of a closed request")
        r = c.get(V2 + "/requests.xml?status=open")
        ok(ref1 not in [e.text for e in xml_of(r, "status=open XML").findall("request/service_request_id")],
           "status=open excludes it (XML)")

        # dates: defaults to the last 90 days; explicit windows; errors
        now = datetime.datetime.now(datetime.timezone.utc)
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        con = sqlite3.connect(srv.db, timeout=10)
        old = (now - datetime.timedelta(days=120)).timestamp()
        con.execute("UPDATE requests SET created_at = ? WHERE ref = ?", (int(old), ref2))
        con.commit()
        r = c.get(V2 + "/requests.json")
        ok(ref2 not in [i["service_request_id"] for i in r.json()], "default window: the last 90 days only")
        q = urllib.parse.urlencode({"start_date": (now - datetime.timedelta(days=130)).strftime(fmt),
                                    "end_date": (now - datetime.timedelta(days=100)).strftime(fmt)})
        r = c.get(V2 + "/requests.json?" + q)
        is_([i["service_request_id"] for i in r.json()], [ref2], "explicit start_date/end_date window")
        q = urllib.parse.urlencode({"start_date": (now - datetime.timedelta(days=125)).strftime(fmt)})
        r = c.get(V2 + "/requests.json?" + q)
        is_([i["service_request_id"] for i in r.json()], [ref2], "start_date alone: 90 days from it")
        q = urllib.parse.urlencode({"end_date": (now - datetime.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+02:00")})
        r = c.get(V2 + "/requests.json?" + q)
        is_([i["service_request_id"] for i in r.json()], [ref2], "end_date alone (with an offset): 90 days before it")
        r = c.get(V2 + "/requests.json?service_request_id=" + ref2)
        is_(len(r.json()), 1, "service_request_id ignores the date window")
        q = urllib.parse.urlencode({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"})
        e = json_errors(c.get(V2 + "/requests.json?" + q), 400, "a window over 90 days: 400")
        like(" ".join(x["description"] for x in e), "90", "the error mentions 90 days")
        q = urllib.parse.urlencode({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"})
        json_errors(c.get(V2 + "/requests.json?" + q), 400, "start_date after end_date: 400")
        xml_errors(c.get(V2 + "/requests.xml?start_date=yesterday"), 400, "malformed start_date: 400 (XML)")
        json_errors(c.get(V2 + "/requests.json?end_date=2026-01-01T00:00:00"), 400, "a datetime without zone: 400")
        r = c.get(V2 + "/requests.json?start_date=&end_date=&status=&service_code=")
        is_(r.status, 200, "empty optional parameters are as if absent")

        # paging extension
        r = c.get(V2 + "/requests.json?page_size=2")
        p1 = [i["service_request_id"] for i in r.json()]
        is_(len(p1), 2, "page_size=2")
        r = c.get(V2 + "/requests.json?page_size=2&page=2")
        p2 = [i["service_request_id"] for i in r.json()]
        ok(len(p2) == 2 and not set(p1) & set(p2), "page=2 gives the next two")
        r = c.get(V2 + "/requests.json?page_size=2&page=99")
        is_(r.json(), [], "a page past the end is empty")
        json_errors(c.get(V2 + "/requests.json?page_size=0"), 400, "page_size=0: 400")
        json_errors(c.get(V2 + "/requests.json?page_size=1001"), 400, "page_size over 1000: 400")
        xml_errors(c.get(V2 + "/requests.xml?page=zero"), 400, "page not a number: 400 (XML)")

        # ---------------------------------------------------------- one request
        r = c.get(V2 + "/requests/%s.json" % ref1)
        is_((r.status, r.header("Content-Type")), (200, JSON_CT), "requests/{id}.json: 200 JSON")
        ok(isinstance(r.json(), list) and len(r.json()) == 1, "a one-element list")
        check_request_json(r.json()[0], "requests/{id}.json")
        r = c.get(V2 + "/requests/%s.xml" % ref2)
        root = xml_of(r, "requests/{id}.xml")
        is_((root.tag, root.findtext("request/service_request_id")), ("service_requests", ref2), "requests/{id}.xml")
        json_errors(c.get(V2 + "/requests/R-NOPE999.json"), 404, "unknown request id: 404")
        xml_errors(c.get(V2 + "/requests/R-NOPE999.xml"), 404, "unknown request id: 404 (XML)")
        json_errors(c.get(V2 + "/requests/%s.json" % ref_priv), 404, "private request anonymously: 404")
        r = c.get(V2 + "/requests/%s.json?api_key=%s" % (ref_priv, water))
        is_(r.status, 200, "private request with the department's api_key: 200")
        is_(r.json()[0]["address_id"], "METER-4471", "address_id kept")
        json_errors(c.get(V2 + "/requests/%s.json?api_key=%s" % (ref_priv, roads)), 404,
                    "private request with another department's api_key: 404")

        # notes extension and status_notes after a public reply
        r = c.request("POST", "/api/v1/requests/%s/replies" % ref2,
                      json={"body": "A plumber comes tomorrow; questions at 0698765432", "public": True},
                      headers={"Authorization": "Bearer " + water})
        is_(r.status, 200, "(setup) the water agent replies publicly")
        c.request("POST", "/api/v1/requests/%s/replies" % ref2, json={"body": "internal: owner is difficult",
                                                                       "public": False},
                  headers={"Authorization": "Bearer " + water})
        r = c.get(V2 + "/requests/%s.json?extensions=true" % ref2)
        item = r.json()[0]
        like(item["status_notes"] or "", r"plumber.*\[phone\]", "status_notes: the public reply, masked")
        notes = item.get("notes")
        ok(isinstance(notes, list) and len(notes) >= 2, "extensions=true adds notes")
        ok(all(set(n) == {"datetime", "description", "type"} and W3C.match(n["datetime"]) for n in notes),
           "notes: datetime, description, type")
        is_(notes[0]["type"], "submitted", "first note: submitted")
        ok(not any("difficult" in (n["description"] or "") for n in notes), "internal notes are not in notes")
        r = c.get(V2 + "/requests/%s.json" % ref2)
        ok("notes" not in r.json()[0], "no notes without extensions=true")
        r = c.get(V2 + "/requests/%s.xml?extensions=true" % ref2)
        root = xml_of(r, "notes XML")
        is_(root.findtext("request/notes/note/type"), "submitted", "notes in XML: notes/note/type")
        r = c.get(V2 + "/requests.json?extensions=true&service_request_id=" + ref2)
        ok("notes" in r.json()[0], "extensions=true on the list")

        # ---------------------------------------------------------- tokens
        r = c.get(V2 + "/tokens/%s.json" % ref1)
        is_((r.status, r.json()), (200, [{"service_request_id": ref1, "token": ref1}]),
            "tokens/{token}.json: service_request_id and token")
        r = c.get(V2 + "/tokens/%s.xml" % ref1)
        root = xml_of(r, "tokens.xml")
        is_((root.findtext("request/service_request_id"), root.findtext("request/token")), (ref1, ref1),
            "tokens/{token}.xml")
        json_errors(c.get(V2 + "/tokens/unknown.json"), 404, "unknown token: 404")

        # ---------------------------------------------------------- formats and resources
        xml_errors(c.get(V2 + "/services.csv"), 404, "unknown format: 404")
        xml_errors(c.get(V2 + "/services"), 404, "no format: 404")
        json_errors(c.get(V2 + "/nothing.json"), 404, "unknown resource: 404")
        xml_errors(c.get(V2 + "/requests/%s.html" % ref1), 404, "requests/{id} with another format: 404")

        # ---------------------------------------------------------- the 1000-row default
        con.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1010) "
                    "INSERT INTO requests(ref, category_id, dept_id, kind, channel, status, priority, description,"
                    " lang, public, attributes, created_at, updated_at) "
                    "SELECT 'T-' || i, category_id, dept_id, 'report', 'web', 'new', 'normal', 'bulk ' || i, 'en', 1,"
                    " '{}', created_at - i, created_at - i FROM n, (SELECT * FROM requests WHERE ref = ?)", (ref1,))
        con.commit()
        con.close()
        r = c.get(V2 + "/requests.json")
        is_(len(r.json()), 1000, "default: at most 1000 requests")
        r = c.get(V2 + "/requests.json?page=2")
        ok(len(r.json()) > 0, "page=2 reaches the rest")

        # ---------------------------------------------------------- contact fields are optional
        anon = {k: v for k, v in good.items() if k not in ("email", "first_name", "last_name", "account_id", "device_id")}
        r_anon = post("json", anon, roads)
        is_(r_anon.status, 200, "POST without any contact field is accepted (the spec makes them optional)")
        ok(r_anon.status == 200 and r_anon.json()[0].get("service_request_id"), "and answers a service_request_id")


run(main)
