"""Reference model of the listing format and the search filters.

Written from shared/spec/aanbod-formaat.md and api.md (plus the lead's
decisions summarised in conftest.py), independently of the C programs. It reads the same XML and CSV exports with the Python standard
library (xml.parsers.expat for line numbers, csv), applies the spec's rules and
answers: which listings are imported, skipped or warned about (with FILE:LINE),
and which active listings pass a set of API filters, with the facet counts.

Only what the spec fixes is modelled; free-text search (q) is not.
"""
import csv
import datetime
import html.parser
import io
import os
import re
import xml.parsers.expat

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCHEMA = os.path.join(REPO, "schema")

FIELDS = ["id", "naam", "samenvatting", "omschrijving", "soort", "status", "organisatie",
          "thema", "doelgroep", "trefwoord", "gemeente", "wijk", "werkgebied", "adres",
          "postcode", "plaats", "lat", "lon", "tijden", "tijden-toelichting", "kosten",
          "kosten-toelichting", "toegang", "toegankelijkheid", "taal", "leeftijd-min",
          "leeftijd-max", "welzijn-op-recept", "wachttijd-dagen", "telefoon", "email",
          "website", "contactpersoon", "bijgewerkt", "gecontroleerd"]
MULTI = {"thema", "doelgroep", "trefwoord", "wijk", "werkgebied", "toegankelijkheid", "taal"}
REQUIRED = ["id", "naam", "soort", "gemeente"]
SOORTEN = ["formeel", "informeel", "inwonersinitiatief"]
STATUSES = {"actief": "actief", "gepauzeerd": "gepauzeerd", "beeindigd": "beeindigd",
            "beëindigd": "beeindigd"}
KOSTEN = ["gratis", "vrijwillige-bijdrage", "eigen-bijdrage", "betaald"]
TOEGANG = ["vrije-inloop", "aanmelden", "verwijzing", "beschikking"]
TOEGANKELIJKHEID = ["rolstoel", "invalidentoilet", "ringleiding", "prikkelarm", "ov",
                    "begeleiding", "aan-huis"]
LIMITS = {"id": 64, "naam": 200, "samenvatting": 300, "omschrijving": 20000}
DAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]
ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
INT_RE = re.compile(r"[0-9]+")
DEC_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?")
POSTCODE_RE = re.compile(r"([1-9][0-9]{3}) ?([A-Za-z]{2})")


def _read_vocab(name):
    with open(os.path.join(SCHEMA, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


THEMAS = _read_vocab("themas.csv")
DOELGROEPEN = _read_vocab("doelgroepen.csv")
GEBIEDEN = _read_vocab("gebieden.csv")
THEMA_CODES = [r["code"] for r in THEMAS]
DOELGROEP_CODES = [r["code"] for r in DOELGROEPEN]
GEMEENTE_CODES = [r["gemeentecode"] for r in GEBIEDEN]
GEMEENTE_NAAM = {r["gemeentecode"]: r["gemeente"] for r in GEBIEDEN}


def _lookup(rows, codekey, value):
    v = value.strip().lower()
    for r in rows:
        if r[codekey].lower() == v or r["gemeente" if codekey == "gemeentecode" else "naam"].lower() == v:
            return r[codekey]
    return None


def thema_code(v):
    return _lookup(THEMAS, "code", v)


def doelgroep_code(v):
    return _lookup(DOELGROEPEN, "code", v)


def gemeente_code(v):
    return _lookup(GEBIEDEN, "gemeentecode", v)


# ---------------------------------------------------------------- HTML and text

class _Reducer(html.parser.HTMLParser):
    BLOCK = {"p", "ul", "ol", "li", "br", "div"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        self.out.append(data)


def reduce_html(s):
    """HTML -> text: tags removed, entities decoded, one line per block.
    Returns the text with runs of blank lines squeezed and lines trimmed."""
    if "<" not in s and "&" not in s:
        return s.strip()
    p = _Reducer()
    p.feed(s)
    p.close()
    text = "".join(p.out)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out = "\n".join(line for line in lines if line)
    return out


def has_html(s):
    return re.search(r"<\s*/?\s*(p|br|ul|ol|li|strong|em|a)\b", s, re.I) is not None


# ---------------------------------------------------------------- tijden

_DAG = r"(?:ma|di|wo|do|vr|za|zo)"
_TIJD = r"(\d{1,2})[:.](\d{2})"
_SLOT_RE = re.compile(
    rf"(?P<dagen>{_DAG}(?:\s*,\s*{_DAG})*|{_DAG}\s*-\s*{_DAG}|{_DAG}\s+t/m\s+{_DAG})"
    rf"\s+{_TIJD}\s*-\s*{_TIJD}(?:\s+uur)?(?:\s+(?P<freq>wekelijks|2-wekelijks|maandelijks))?",
    re.I)


def parse_tijden(s):
    """The slots of a tijden text: [] when empty, None when outside the grammar."""
    if s is None or not s.strip():
        return []
    slots = []
    for part in s.split(";"):
        m = _SLOT_RE.fullmatch(part.strip())
        if not m:
            return None
        dagen_txt = m.group("dagen").lower()
        h1, m1, h2, m2 = (int(m.group(i)) for i in (2, 3, 4, 5))
        if not (0 <= h1 <= 23 and 0 <= m1 <= 59 and 0 <= h2 <= 23 and 0 <= m2 <= 59):
            return None
        if h2 * 60 + m2 <= h1 * 60 + m1:
            return None
        rng = re.fullmatch(rf"({_DAG})\s*(?:-|\s+t/m\s+)\s*({_DAG})", dagen_txt)
        if rng:
            a, b = DAYS.index(rng.group(1)), DAYS.index(rng.group(2))
            if b < a:
                return None
            dagen = DAYS[a:b + 1]
        else:
            dagen = [d.strip() for d in dagen_txt.split(",")]
        freq = (m.group("freq") or "wekelijks").lower()
        for d in dagen:
            slots.append({"dag": d, "start": "%02d:%02d" % (h1, m1),
                          "eind": "%02d:%02d" % (h2, m2), "frequentie": freq})
    return slots


def slot_key(s):
    return (DAYS.index(s["dag"]), s["start"], s["eind"], s["frequentie"])


# ---------------------------------------------------------------- readers

class RawRecord:
    def __init__(self, file, line):
        self.file = file
        self.line = line
        self.id = None
        self.fields = []        # (name, value, line)
        self.unknown = []       # (element name, line)
        self.error = None       # reader-level error (CSV field count)
        self.html = False


def read_xml(path, display=None):
    display = display or path
    data = open(path, "rb").read()
    p = xml.parsers.expat.ParserCreate()
    recs = []
    state = {"rec": None, "field": None, "buf": [], "fline": 0, "code": None, "depth": 0}

    def start(name, attrs):
        state["depth"] += 1
        if name == "aanbod" and state["depth"] == 2:
            r = RawRecord(display, p.CurrentLineNumber)
            r.id = attrs.get("id")
            r.html = True
            state["rec"] = r
            return
        if state["rec"] is not None and state["depth"] == 3:
            state["field"] = name
            state["buf"] = []
            state["fline"] = p.CurrentLineNumber
            state["code"] = attrs.get("code")

    def end(name):
        if state["rec"] is not None:
            if state["depth"] == 2 and name == "aanbod":
                recs.append(state["rec"])
                state["rec"] = None
            elif state["depth"] == 3 and state["field"] is not None:
                val = "".join(state["buf"])
                r = state["rec"]
                if name in FIELDS:
                    if name == "wijk":
                        val = "%s=%s" % (state["code"] or "", val.strip())
                    r.fields.append((name, val, state["fline"]))
                else:
                    r.unknown.append((name, state["fline"]))
                state["field"] = None
        state["depth"] -= 1

    def chars(d):
        if state["field"] is not None:
            state["buf"].append(d)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    p.Parse(data, True)
    return recs, []


def decode_text(data):
    """UTF-8 (BOM stripped) or, when not valid UTF-8, windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def read_csv(path, display=None):
    display = display or path
    text, _enc = decode_text(open(path, "rb").read())
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delim, quotechar='"', strict=True)
    header = next(reader)
    file_msgs = []
    for col in header:
        if col not in FIELDS:
            file_msgs.append(("fwarn", display, 1, None, "unknown column " + col))
    recs = []
    prev = reader.line_num
    for row in reader:
        start = prev + 1
        prev = reader.line_num
        if row == [] or row == [""]:
            continue
        r = RawRecord(display, start)
        if len(row) != len(header):
            r.error = "field count %d != %d" % (len(row), len(header))
            if "id" in header and header.index("id") < len(row):
                r.id = row[header.index("id")]
            recs.append(r)
            continue
        for col, val in zip(header, row):
            if col == "id":
                r.id = val
            elif col in FIELDS:
                if col in MULTI:
                    for v in val.split("|"):
                        if v.strip():
                            r.fields.append((col, v, start))
                elif val != "":
                    r.fields.append((col, val, start))
        recs.append(r)
    return recs, file_msgs


def read_file(path, display=None):
    if path.lower().endswith(".xml"):
        return read_xml(path, display)
    return read_csv(path, display)


# ---------------------------------------------------------------- building

def _real_date(s):
    m = DATE_RE.fullmatch(s)
    if not m:
        return False
    try:
        datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return True
    except ValueError:
        return False


def build(rec):
    """Returns (listing or None, skip reason or None, [warning texts])."""
    if rec.error:
        return None, rec.error, []
    scal = {}
    multi = {k: [] for k in MULTI}
    for name, val, _line in rec.fields:
        if name in MULTI:
            if val.strip():
                multi[name].append(val.strip())
        else:
            scal[name] = val
    lid = (rec.id or "").strip()
    s = {k: v.strip() for k, v in scal.items() if k != "omschrijving"}
    s = {k: v for k, v in s.items() if v != ""}
    oms = scal.get("omschrijving")
    if oms is not None:
        oms = oms.replace("\r\n", "\n").replace("\r", "\n")
        oms = reduce_html(oms) if rec.html and has_html(oms) else oms.strip()
        if oms == "":
            oms = None
    warnings = []
    if not lid:
        return None, "id missing", []
    for f in ("naam", "soort", "gemeente"):
        if f not in s:
            return None, f + " missing", []
    if not ID_RE.fullmatch(lid):
        return None, "bad id", []
    if s["soort"] not in SOORTEN:
        return None, "soort", []
    status = s.get("status", "actief")
    if status not in STATUSES:
        return None, "status", []
    status = STATUSES[status]
    for f, allowed in (("kosten", KOSTEN), ("toegang", TOEGANG)):
        if f in s and s[f] not in allowed:
            return None, f, []
    for v in multi["toegankelijkheid"]:
        if v not in TOEGANKELIJKHEID:
            return None, "toegankelijkheid", []
    wor = s.get("welzijn-op-recept", "nee")
    if wor not in ("ja", "nee"):
        return None, "welzijn-op-recept", []
    gem = gemeente_code(s["gemeente"])
    if gem is None:
        return None, "gemeente", []
    for f in ("bijgewerkt", "gecontroleerd"):
        if f in s and not _real_date(s[f]):
            return None, f, []
    nums = {}
    for f in ("leeftijd-min", "leeftijd-max", "wachttijd-dagen"):
        if f in s:
            if not INT_RE.fullmatch(s[f]):
                return None, f, []
            nums[f] = int(s[f])
    for f in ("lat", "lon"):
        if f in s:
            if not DEC_RE.fullmatch(s[f]):
                return None, f, []
            nums[f] = float(s[f])
    if len(s["naam"]) > 200 or len(s.get("samenvatting", "")) > 300 or len(oms or "") > 20000:
        return None, "too long", []

    themas, doelgroepen, trefwoorden = [], [], []
    for v in multi["thema"]:
        c = thema_code(v)
        if c is None:
            warnings.append("unknown thema " + v)
            trefwoorden.append(v)
        elif c not in themas:
            themas.append(c)
    for v in multi["doelgroep"]:
        c = doelgroep_code(v)
        if c is None:
            warnings.append("unknown doelgroep " + v)
            trefwoorden.append(v)
        elif c not in doelgroepen:
            doelgroepen.append(c)
    trefwoorden = multi["trefwoord"] + trefwoorden
    for name, line in rec.unknown:
        warnings.append("unknown element %s (line %d)" % (name, line))
    wijken = []
    for v in multi["wijk"]:
        code, _, naam = v.partition("=")
        wijken.append((code.strip(), naam.strip()))
    werkgebied, regio = [], False
    for v in multi["werkgebied"]:
        if v.lower() == "regio":
            regio = True
            continue
        c = gemeente_code(v)
        if c is not None and c not in werkgebied:
            werkgebied.append(c)
    if not werkgebied and not regio and gemeente_code(s.get("gemeente") or "") is not None:
        werkgebied = [gemeente_code(s.get("gemeente"))]   # the spec's default
    postcode = s.get("postcode")
    if postcode is not None:
        m = POSTCODE_RE.fullmatch(postcode)
        if m:
            postcode = "%s %s" % (m.group(1), m.group(2).upper())
        else:
            warnings.append("postcode " + postcode)
    tijden = s.get("tijden")
    slots = parse_tijden(tijden)
    if slots is None:
        warnings.append("tijden " + tijden)
        slots = []
    listing = {
        "id": lid, "naam": s["naam"], "samenvatting": s.get("samenvatting"),
        "omschrijving": oms, "soort": s["soort"], "status": status,
        "organisatie": s.get("organisatie"), "themas": themas, "doelgroepen": doelgroepen,
        "trefwoorden": trefwoorden, "gemeente": gem, "wijken": [c for c, _ in wijken],
        "wijkNamen": [n for _, n in wijken], "werkgebied": werkgebied,
        "adres": s.get("adres"), "postcode": postcode, "plaats": s.get("plaats"),
        "lat": nums.get("lat"), "lon": nums.get("lon"), "tijden": tijden,
        "tijdsloten": slots, "tijdenToelichting": s.get("tijden-toelichting"),
        "kosten": s.get("kosten"), "kostenToelichting": s.get("kosten-toelichting"),
        "toegang": s.get("toegang"), "toegankelijkheid": multi["toegankelijkheid"],
        "talen": multi["taal"] or ["nl"], "leeftijdMin": nums.get("leeftijd-min"),
        "leeftijdMax": nums.get("leeftijd-max"), "welzijnOpRecept": wor == "ja",
        "wachttijdDagen": nums.get("wachttijd-dagen"), "telefoon": s.get("telefoon"),
        "email": s.get("email"), "website": s.get("website"),
        "contactpersoon": s.get("contactpersoon"), "bijgewerkt": s.get("bijgewerkt"),
        "gecontroleerd": s.get("gecontroleerd"),
        # model-only keys
        "_regio": regio, "_file": rec.file, "_line": rec.line, "_html": rec.html and oms is not None and has_html(scal.get("omschrijving", "")),
    }
    return listing, None, warnings


class Run:
    """The outcome of one indexer run over files (in command-line order)."""

    def __init__(self, paths, display=None):
        display = display or {}
        self.listings = {}          # id -> listing (imported, in order)
        self.order = []
        self.messages = []          # (kind, file, line, id, text): kind skip|warn|fwarn
        self.read = 0
        wijk_names = {}
        for path in paths:
            shown = display.get(path, path)
            recs, fmsgs = read_file(path, shown)
            self.messages.extend(fmsgs)
            for rec in recs:
                self.read += 1
                listing, skip, warns = build(rec)
                rid = (rec.id or "").strip()
                if listing is not None and listing["id"] in self.listings:
                    skip, listing, warns = "duplicate id", None, []
                if skip:
                    self.messages.append(("skip", shown, rec.line, rid, skip))
                    continue
                for w in warns:
                    self.messages.append(("warn", shown, rec.line, rid, w))
                names = []
                for code, naam in zip(listing["wijken"], listing["wijkNamen"]):
                    if code in wijk_names:
                        if wijk_names[code] != naam:
                            self.messages.append(("warn", shown, rec.line, rid,
                                                  "wijk %s %s != %s" % (code, naam, wijk_names[code])))
                    else:
                        wijk_names[code] = naam
                    names.append(wijk_names[code])
                listing["wijkNamen"] = names
                self.listings[listing["id"]] = listing
                self.order.append(listing["id"])
        self.wijk_names = wijk_names

    @property
    def imported(self):
        return len(self.listings)

    @property
    def skipped(self):
        return sum(1 for m in self.messages if m[0] == "skip")

    @property
    def warnings(self):
        return sum(1 for m in self.messages if m[0] in ("warn", "fwarn"))

    def summary(self):
        return "read %d, imported %d, skipped %d, warnings %d" % (
            self.read, self.imported, self.skipped, self.warnings)

    def active(self):
        return [l for l in self.listings.values() if l["status"] == "actief"]

    # ------------------------------------------------------------ filters

    def search(self, params):
        """Ids of the active listings that pass params (name -> list of values,
        already normalised: codes; q is not modelled)."""
        return {l["id"] for l in self.active() if passes(l, params)}

    def facets(self, params):
        act = self.active()
        out = {}
        out["thema"] = _count_codes(act, {k: v for k, v in params.items() if k != "thema"},
                                    lambda l: l["themas"])
        out["doelgroep"] = _count_codes(act, {k: v for k, v in params.items() if k != "doelgroep"},
                                        lambda l: l["doelgroepen"])
        out["soort"] = _count_codes(act, {k: v for k, v in params.items() if k != "soort"},
                                    lambda l: [l["soort"]])
        base = {k: v for k, v in params.items() if k != "wijk"}
        out["wijk"] = {}
        for code in sorted(self.all_wijk_codes()):
            n = sum(1 for l in act if passes(l, base) and wijk_match(l, code))
            if n:
                out["wijk"][code] = n
        base = {k: v for k, v in params.items() if k != "gemeente"}
        out["gemeente"] = {}
        for code in GEMEENTE_CODES:
            n = sum(1 for l in act if passes(l, base) and gemeente_match(l, code))
            if n:
                out["gemeente"][code] = n
        return out

    def wijk_facet_count(self, params, code):
        base = {k: v for k, v in params.items() if k != "wijk"}
        return sum(1 for l in self.active() if passes(l, base) and wijk_match(l, code))

    def all_wijk_codes(self, active_only=True):
        src = self.active() if active_only else self.listings.values()
        return {c for l in src for c in l["wijken"]}


def _count_codes(listings, params, get):
    out = {}
    for l in listings:
        if passes(l, params):
            for c in get(l):
                out[c] = out.get(c, 0) + 1
    return out


def gemeente_match(l, code):
    return l["gemeente"] == code or code in l["werkgebied"] or l["_regio"]


def wijk_match(l, code):
    if code in l["wijken"]:
        return True
    return not l["wijken"] and l["gemeente"] == "GM" + code[2:6]


def passes(l, params):
    for name, values in params.items():
        if not values:
            continue
        if name == "gemeente":
            ok = any(gemeente_match(l, v) for v in values)
        elif name == "wijk":
            ok = any(wijk_match(l, v) for v in values)
        elif name == "thema":
            ok = any(v in l["themas"] for v in values)
        elif name == "doelgroep":
            ok = any(v in l["doelgroepen"] for v in values)
        elif name in ("soort", "kosten", "toegang"):
            ok = l[name] in values
        elif name == "toegankelijkheid":
            ok = any(v in l["toegankelijkheid"] for v in values)
        elif name == "taal":
            ok = any(v in l["talen"] for v in values)
        elif name == "welzijnOpRecept":
            ok = l["welzijnOpRecept"]
        else:
            raise ValueError("model does not know parameter " + name)
        if not ok:
            return False
    return True
