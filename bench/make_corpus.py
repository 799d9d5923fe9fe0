#!/usr/bin/env python3
"""Synthetic benchmark corpus for the sociale kaart, built from the development corpus.

    python3 bench/make_corpus.py -n 250000 -o bench/data/250000 [--seed 6] [--jobs 2]

Writes, under the output directory:
  aanbod-NNN.xml   XML exports of at most 25 000 listings each (UTF-8)
  aanbod.csv       one CSV export (';', CRLF, '|' between values; each row windows-1252
                   when it can be, else UTF-8 - the indexer decides per record)
  queries.tsv      the benchmark query mix for this size: "class<TAB>query string" (of
                   /v1/aanbod), or "class<TAB>/path?query" for another route
  manifest.json    seed, counts and word statistics; written last (its presence means
                   the corpus is complete)

How the text is made: every sentence of the development corpus (fixtures/corpus/*.xml,
*.csv: samenvatting, omschrijving, HTML reduced to text) is kept as a token list, pooled
by the thema of its listing. A listing's omschrijving (80-200 words) recombines sentences,
mostly from the pools of its own themas, and about one in seven lower-case words is
replaced by a word drawn from a Zipf distribution (s = 1) over a lexicon: the development
corpus's words by frequency first, then synthetic Dutch-looking words (compounds and
derivations of corpus words). So frequent words stay frequent, and rare words are really
rare (the tail grows with N, as real vocabularies do). Field values and their frequencies
(soort, thema, doelgroep, kosten, toegang, ...) follow the development corpus; gemeenten
are all of schema/gebieden.csv, weighted by population, with invented wijk codes.
About 3 % of the listings are paused or ended; about 1 % have a tijden outside the
grammar (the indexer warns and imports them).

Deterministic: the output depends only on --seed, -n and the development corpus (each
chunk of 25 000 listings has its own generator, so --jobs does not change the output).
Standard library only.
"""
import argparse
import bisect
import collections
import csv
import html
import io
import itertools
import json
import multiprocessing
import os
import random
import re
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
CHUNK = 25000
SUBST_RATE = 0.14          # share of lower-case words replaced by a Zipf draw
N_SYNTH = 400000           # synthetic lexicon size
ZIPF_S = 1.0
ZIPF_Q = 2.7               # Zipf-Mandelbrot offset: flattens the very top a little

THEMAS = []
DOELGROEPEN = []
GEMEENTEN = []             # (code, name)

# Approximate populations (thousands), used as weights: bigger gemeenten have more listings.
POPULATION = {
    "GM0344": 367, "GM0307": 160, "GM1904": 66, "GM0356": 65, "GM0345": 68, "GM0355": 66,
    "GM0310": 43, "GM0321": 50, "GM0342": 47, "GM0632": 53, "GM1581": 50, "GM0736": 45,
    "GM0327": 30, "GM0353": 35, "GM0267": 44, "GM1961": 57, "GM0308": 25, "GM0313": 22,
    "GM0351": 13, "GM0317": 9, "GM0312": 15, "GM0352": 24, "GM0340": 20, "GM0339": 6,
    "GM0331": 15, "GM0335": 14, "GM0589": 10,
}

WIJK_PARTS_A = ["Kerk", "Molen", "Vogel", "Bloemen", "Schilders", "Dichters", "Bomen",
                "Rivieren", "Sterren", "Park", "Bos", "Heide", "Veld", "Haven", "Dorps",
                "Spoor", "Water", "Vaart", "Brink", "Linden", "Eiken", "Beuken", "Hof",
                "Zand", "Weide", "Polder", "Singel", "Gaarden", "Hoven", "Berg"]
WIJK_PARTS_B = ["wijk", "buurt", "kwartier", "rijk", "veld", "hof", "park", "laan", "dorp",
                "hoek", "kamp", "horst", "dijk", "weg"]
WIJK_FIXED = ["Centrum", "Binnenstad", "Noord", "Oost", "Zuid", "West", "Oud-Zuid",
              "Nieuw-West", "Buitengebied", "De Hoef", "Het Zand", "De Horst", "Bedrijventerrein"]
FIRST_NAMES = ["Anna", "Fatima", "Jan", "Mohamed", "Sanne", "Pieter", "Yasmina", "Henk",
               "Lotte", "Ahmet", "Ingrid", "Kees", "Noor", "Emre", "Marjolein", "Gerrit",
               "Ayse", "Willem", "Sofia", "Bram", "Petra", "Joost", "Hanneke", "Daan"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
              "Mulder", "de Groot", "Bos", "Yilmaz", "El Amrani", "van Dijk", "Hendriks",
              "van Leeuwen", "Dekker", "Kowalski", "Brouwer", "de Wit", "Verhoeven"]
ORG_FORMS = ["Stichting {W}", "Welzijn {G}", "{W} Zorg", "Vereniging {W}", "Buurtteam {G}",
             "Zorggroep {W}", "Bibliotheek {G}", "Humanitas {G}", "Vluchtelingenwerk {G}",
             "Sportief {G}", "Coöperatie {W}", "Thuiszorg {W}", "MEE {G}", "Bewoners {P}",
             "Wijkraad {P}", "Kerkelijke gemeente {P}", "Jeugdzorg {W}", "GGZ {W}"]
BAD_TIJDEN = ["elke eerste dinsdag van de maand", "in overleg", "op afspraak, ook 's avonds",
              "tijdens schooldagen", "wisselend, zie website"]
TIJDEN_TOELICHTING = ["niet in de schoolvakanties", "in de zomer gesloten",
                      "ook op afspraak", "feestdagen gesloten", "alleen in de winter",
                      "de eerste keer graag even bellen"]
TOEGANKELIJKHEID = ["rolstoel", "invalidentoilet", "ringleiding", "prikkelarm", "ov",
                    "begeleiding", "aan-huis"]
TALEN = ["en", "ar", "tr", "pl", "ti", "de", "fr", "so", "fa", "uk", "pap", "tzm", "dse"]
DAGEN = ["ma", "di", "wo", "do", "vr", "za", "zo"]

WORD_RE = re.compile(r"[a-zà-ÿ]+$")
TOKEN_RE = re.compile(r"\S+")
SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Þ'\"(])")
TAG_RE = re.compile(r"<[^>]+>")


# ---- reading the development corpus -----------------------------------------------------

def read_vocab(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [row[0] for row in csv.reader(f)][1:]


def html_to_text(s):
    s = re.sub(r"(?i)</?(p|ul|li|br)\s*/?>", "\n", s)
    s = TAG_RE.sub("", s)
    s = html.unescape(s)
    return re.sub(r"[ \t]*\n\s*", "\n", s).strip()


def read_dev(corpus_dir):
    """Listings of the development corpus as dicts of field -> str or [str]."""
    out = []
    multi = {"thema", "doelgroep", "trefwoord", "werkgebied", "toegankelijkheid", "taal"}
    for name in sorted(os.listdir(corpus_dir)):
        path = os.path.join(corpus_dir, name)
        if name.endswith(".xml"):
            for el in ET.parse(path).getroot().iter("aanbod"):
                d = {"id": el.get("id"), "wijk": []}
                for ch in el:
                    text = (ch.text or "").strip()
                    if ch.tag == "wijk":
                        d["wijk"].append((ch.get("code"), text))
                    elif ch.tag in multi:
                        d.setdefault(ch.tag, []).append(text)
                    else:
                        d.setdefault(ch.tag, text)
                out.append(d)
        elif name.endswith(".csv"):
            raw = open(path, "rb").read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")
            first = text.split("\n", 1)[0]
            delim = ";" if first.count(";") >= first.count(",") else ","
            for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=delim):
                d = {"wijk": []}
                for k, v in row.items():
                    v = (v or "").strip()
                    if k == "wijk":
                        for w in filter(None, v.split("|")):
                            code, _, nm = w.partition("=")
                            d["wijk"].append((code.strip(), nm.strip()))
                    elif k in multi:
                        d[k] = [x.strip() for x in v.split("|") if x.strip()]
                    else:
                        d[k] = v
                out.append(d)
    return out


def split_sentences(text):
    res = []
    for para in text.split("\n"):
        for s in SENT_RE.split(para.strip()):
            s = s.strip()
            if len(s) >= 12:
                res.append(s)
    return res


class Source:
    """Everything the generator takes from the development corpus."""

    def __init__(self, corpus_dir, seed):
        dev = read_dev(corpus_dir)
        if not dev:
            sys.exit("make_corpus: no listings in %s" % corpus_dir)
        self.dev = dev
        rng = random.Random("lexicon-%s" % seed)
        place_words = set(n for _, n in GEMEENTEN)
        for d in dev:
            for _, nm in d["wijk"]:
                place_words.update(nm.split())
            if d.get("plaats"):
                place_words.update(d["plaats"].split())
        # Sentences (as token lists) pooled by thema.
        self.sent_pool = collections.defaultdict(list)
        self.samen_pool = collections.defaultdict(list)
        self.trefw_pool = collections.defaultdict(list)
        self.head_pool = collections.defaultdict(list)
        self.all_sents = []
        words = collections.Counter()
        for d in dev:
            themas = [t.lower() for t in d.get("thema", []) if t.lower() in THEMAS] or ["informatie"]
            oms = html_to_text(d.get("omschrijving", ""))
            sents = split_sentences(oms) + split_sentences(d.get("samenvatting", ""))
            for s in sents:
                toks = s.split()
                elig = tuple(i for i, t in enumerate(toks) if WORD_RE.match(t))
                item = (toks, elig)
                self.all_sents.append(item)
                for t in themas:
                    self.sent_pool[t].append(item)
            if d.get("samenvatting"):
                toks = d["samenvatting"].split()
                elig = tuple(i for i, t in enumerate(toks) if WORD_RE.match(t))
                self.samen_pool[themas[0]].append((toks, elig))
            for t in d.get("trefwoord", []):
                self.trefw_pool[themas[0]].append(t)
            head = self.name_head(d.get("naam", ""), place_words)
            if head:
                self.head_pool[themas[0]].append(head)
            for field in ("naam", "samenvatting", "omschrijving", "organisatie"):
                for tok in TOKEN_RE.findall(html_to_text(d.get(field, "")).lower()):
                    tok = tok.strip(".,;:!?()\"'")
                    if WORD_RE.match(tok):
                        words[tok] += 1
            for t in d.get("trefwoord", []):
                for tok in t.lower().split():
                    if WORD_RE.match(tok):
                        words[tok] += 1
        for t in THEMAS:      # every thema needs material
            if not self.sent_pool[t]:
                self.sent_pool[t] = self.all_sents
            if not self.samen_pool[t]:
                self.samen_pool[t] = [x for v in self.samen_pool.values() for x in v]
            if not self.trefw_pool[t]:
                self.trefw_pool[t] = [x for v in self.trefw_pool.values() for x in v]
            if not self.head_pool[t]:
                self.head_pool[t] = [x for v in self.head_pool.values() for x in v]
        self.real_words = [w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))]
        self.word_count = words
        self.lexicon = self.real_words + self.synth_words(rng, N_SYNTH)
        w = [1.0 / (r + ZIPF_Q) ** ZIPF_S for r in range(1, len(self.lexicon) + 1)]
        self.cum = list(itertools.accumulate(w))
        self.wsum = self.cum[-1]
        self.weights = w

        # Field value distributions of the dev corpus.
        self.soort = collections.Counter(d.get("soort", "").lower() for d in dev)
        self.thema_n = collections.Counter(t.lower() for d in dev for t in d.get("thema", []))
        self.dg_n = collections.Counter(t.lower() for d in dev for t in d.get("doelgroep", []))
        self.kosten = collections.Counter(d.get("kosten", "").lower() for d in dev)
        self.toegang = collections.Counter(d.get("toegang", "").lower() for d in dev)
        self.tijden = sorted(set(d["tijden"] for d in dev if d.get("tijden")))
        self.kosten_toel = sorted(set(d["kosten-toelichting"] for d in dev
                                      if d.get("kosten-toelichting")))
        self.tijden_toel = sorted(set(d["tijden-toelichting"] for d in dev
                                      if d.get("tijden-toelichting"))) + TIJDEN_TOELICHTING
        self.orgs = sorted(set(d["organisatie"] for d in dev if d.get("organisatie")))
        self.streets = sorted(set(re.sub(r"\s+\d.*$", "", d["adres"]) for d in dev
                                  if d.get("adres")))
        self.dev_wijken = collections.defaultdict(dict)
        for d in dev:
            g = d.get("gemeente", "")
            for code, nm in d["wijk"]:
                if code and code[2:6] == g[2:6]:
                    self.dev_wijken[g].setdefault(code, nm)
        self.build_places(rng)

    @staticmethod
    def name_head(naam, place_words):
        naam = re.sub(r"\s*\([^)]*\)", "", naam)
        toks = naam.replace(",", " ,").split()
        keep = []
        for t in toks:
            if t in place_words or t == ",":
                break
            keep.append(t)
        while keep and keep[-1].lower() in ("in", "de", "het", "van", "voor", "op", "het"):
            keep.pop()
        return " ".join(keep)

    def synth_words(self, rng, n):
        base = [w for w in self.real_words if len(w) >= 4 and w.isalpha()]
        nouns = base[:3000]
        sufx = ["je", "tje", "jes", "ing", "ingen", "heid", "er", "ers", "en", "s", "erij",
                "achtig", "loos", "schap", "tjes", "ster"]
        seen = set(self.real_words)
        out = []
        while len(out) < n:
            a = rng.choice(nouns)
            r = rng.random()
            if r < 0.6:
                b = rng.choice(nouns)
                link = rng.choice(("", "", "", "s", "en", "e"))
                w = a + link + b
            elif r < 0.85:
                w = a + rng.choice(sufx)
            else:   # a mangled syllable swap: unseen, word-like strings
                b = rng.choice(nouns)
                w = a[: max(2, len(a) // 2)] + b[len(b) // 2:]
            if 4 <= len(w) <= 28 and w not in seen:
                seen.add(w)
                out.append(w)
        return out

    def build_places(self, rng):
        """Wijken per gemeente: the development corpus's, then invented ones."""
        self.wijken = {}
        for code, name in GEMEENTEN:
            digits = code[2:]
            have = dict(self.dev_wijken.get(code, {}))
            used_names = set(have.values())
            n = max(4, min(24, POPULATION.get(code, 20) // 12 + 4))
            k = 1
            while len(have) < n:
                wc = "WK%s%02d" % (digits, k)
                k += 1
                if wc in have:
                    continue
                r = rng.random()
                if r < 0.3:
                    nm = rng.choice(WIJK_FIXED)
                    if nm in ("Noord", "Oost", "Zuid", "West", "Centrum"):
                        nm = "%s-%s" % (name, nm)
                else:
                    nm = rng.choice(WIJK_PARTS_A) + rng.choice(WIJK_PARTS_B)
                if nm in used_names:
                    continue
                used_names.add(nm)
                have[wc] = nm
            self.wijken[code] = sorted(have.items())


# ---- generating listings ---------------------------------------------------------------

def xml_esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr_esc(s):
    return xml_esc(s).replace('"', "&quot;")


class Gen:
    def __init__(self, src, seed, chunk_no):
        self.s = src
        self.rng = random.Random("chunk-%s-%d" % (seed, chunk_no))
        r = self.rng
        g = [c for c, _ in GEMEENTEN]
        self.gm_codes = g
        self.gm_name = dict(GEMEENTEN)
        self.gm_cum = list(itertools.accumulate(POPULATION.get(c, 20) for c in g))

        def dist(counter, universe=None):
            keys = sorted(k for k in (universe or counter) if k)
            vals = [counter.get(k, 0) + 1 for k in keys]
            return keys, list(itertools.accumulate(vals))
        self.soort_d = dist(src.soort, ["formeel", "informeel", "inwonersinitiatief"])
        self.thema_d = dist(src.thema_n, THEMAS)
        self.dg_d = dist(src.dg_n, DOELGROEPEN)
        self.kosten_d = dist(src.kosten, ["gratis", "vrijwillige-bijdrage", "eigen-bijdrage",
                                          "betaald"])
        self.toegang_d = dist(src.toegang, ["vrije-inloop", "aanmelden", "verwijzing",
                                            "beschikking"])
        self.orgs = {}
        for code, name in GEMEENTEN:
            lst = []
            for _ in range(12):
                f = r.choice(ORG_FORMS)
                w = r.choice(src.lexicon[200:20000]).capitalize()
                lst.append(f.format(W=w, G=name, P=r.choice(src.wijken[code])[1]))
            self.orgs[code] = lst

    def pick(self, d):
        keys, cum = d
        return keys[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def pick_n(self, d, lo, hi):
        n = self.rng.randint(lo, hi)
        out = []
        for _ in range(n * 3):
            v = self.pick(d)
            if v not in out:
                out.append(v)
            if len(out) == n:
                break
        return out

    def zipf_words(self, k):
        return self.rng.choices(self.s.lexicon, cum_weights=self.s.cum, k=k)

    def mutate(self, toks, elig):
        """A copy of a token list with about SUBST_RATE of eligible words replaced."""
        toks = list(toks)
        if elig:
            k = sum(1 for _ in range(len(elig)) if self.rng.random() < SUBST_RATE)
            if k:
                for pos, w in zip(self.rng.sample(elig, k), self.zipf_words(k)):
                    toks[pos] = w
        return toks

    def description(self, themas):
        r = self.rng
        target = int(r.triangular(80, 200, 120))
        paras, para, nwords = [], [], 0
        pools = [self.s.sent_pool[t] for t in themas]
        while nwords < target:
            x = r.random()
            if x < 0.7:
                pool = pools[0]
            elif x < 0.9:
                pool = pools[-1]
            else:
                pool = self.s.all_sents
            toks, elig = pool[int(r.random() * len(pool))]
            t = self.mutate(toks, elig)
            nwords += len(t)
            para.append(" ".join(t))
            if len(para) >= 2 and r.random() < 0.4:
                paras.append(para)
                para = []
        if para:
            paras.append(para)
        return [" ".join(p) for p in paras]

    def tijden(self):
        r = self.rng
        x = r.random()
        if x < 0.01:
            return r.choice(BAD_TIJDEN)
        if x < 0.45 and self.s.tijden:
            return r.choice(self.s.tijden)
        slots = []
        for _ in range(1 if r.random() < 0.8 else 2):
            y = r.random()
            if y < 0.3:
                a = r.randint(0, 3)
                dagen = "%s%s%s" % (DAGEN[a], r.choice(("-", " t/m ")), DAGEN[r.randint(a + 1, 4)])
            else:
                dagen = ",".join(DAGEN[i] for i in sorted(r.sample(range(7), r.randint(1, 3))))
            h = r.randint(8, 19)
            m = r.choice((0, 0, 15, 30, 30, 45))
            dur = r.choice((60, 90, 120, 150, 180, 240))
            e = h * 60 + m + dur
            if e > 23 * 60 + 30:
                e = 23 * 60 + 30
            sep = ":" if r.random() < 0.95 else "."
            s = "%s %d%s%02d-%d%s%02d" % (dagen, h, sep, m, e // 60, sep, e % 60)
            if r.random() < 0.05:
                s += " uur"
            f = r.random()
            if f < 0.12:
                s += " 2-wekelijks"
            elif f < 0.22:
                s += " maandelijks"
            slots.append(s)
        return "; ".join(slots)

    def date_pair(self):
        r = self.rng
        last = 1400                       # 2026-11-01, in days after 2023-01-01
        gc = int(r.random() ** 0.5 * last)  # skewed towards recent checks
        bw = min(gc + int(r.expovariate(1 / 60)), last)
        return day_str(gc), day_str(bw)

    def listing(self, idn):
        r = self.rng
        s = self.s
        L = {"id": "syn-%07d" % idn}
        gm = self.gm_codes[bisect.bisect_right(self.gm_cum, r.random() * self.gm_cum[-1])]
        gname = self.gm_name[gm]
        themas = self.pick_n(self.thema_d, 1, 3)
        soort = self.pick(self.soort_d)
        wijken = []
        if r.random() < 0.55:
            wijken = r.sample(s.wijken[gm], 1 if r.random() < 0.8 else 2)
        place = wijken[0][1] if wijken else gname
        head = r.choice(s.head_pool[themas[0]])
        if r.random() < 0.15:
            head = head + " " + r.choice(s.lexicon[100:5000]).capitalize()
        L["naam"] = head + " " + place if r.random() < 0.75 else head
        sam = s.samen_pool[themas[0]]
        toks, elig = sam[int(r.random() * len(sam))]
        v = " ".join(self.mutate(toks, elig))
        if len(v) > 300:
            v = " ".join(toks)[:300]
        L["samenvatting"] = v if r.random() < 0.95 else ""
        L["omschrijving"] = self.description(themas)
        L["soort"] = soort
        st = r.random()
        L["status"] = ("gepauzeerd" if st < 0.015 else "beeindigd" if st < 0.025 else
                       "beëindigd" if st < 0.03 else "actief" if st < 0.2 else "")
        L["organisatie"] = r.choice(self.orgs[gm]) if r.random() < 0.8 else r.choice(s.orgs)
        L["thema"] = themas
        L["doelgroep"] = self.pick_n(self.dg_d, 1, 3)
        tw = []
        for _ in range(r.randint(0, 5)):
            tw.append(r.choice(s.trefw_pool[themas[0]]) if r.random() < 0.7
                      else self.zipf_words(1)[0])
        L["trefwoord"] = list(dict.fromkeys(tw))
        L["gemeente"] = gm if r.random() < 0.9 else gname
        L["wijk"] = wijken
        wg = []
        x = r.random()
        if x < 0.01:
            wg = ["regio"]
        elif x < (0.2 if soort == "formeel" else 0.1):
            for c in r.sample(self.gm_codes, r.randint(1, 3)):
                if c != gm:
                    wg.append(c if r.random() < 0.8 else self.gm_name[c])
        L["werkgebied"] = wg
        if r.random() < 0.7:
            L["adres"] = "%s %d" % (r.choice(s.streets), r.randint(1, 240))
            pc = "%04d %s%s" % (3000 + (int(gm[2:]) * 7 + r.randint(0, 40)) % 1000,
                                chr(65 + r.randint(0, 25)), chr(65 + r.randint(0, 25)))
            y = r.random()
            L["postcode"] = pc.replace(" ", "") if y < 0.1 else pc.lower() if y < 0.13 else pc
            L["plaats"] = gname
        if r.random() < 0.4:
            L["lat"] = "%.6f" % (51.95 + r.random() * 0.35)
            L["lon"] = "%.6f" % (4.85 + r.random() * 0.75)
        if r.random() < 0.75:
            L["tijden"] = self.tijden()
        if r.random() < 0.12:
            L["tijden-toelichting"] = r.choice(s.tijden_toel)
        if r.random() < 0.9:
            L["kosten"] = self.pick(self.kosten_d)
        if r.random() < 0.2 and s.kosten_toel:
            L["kosten-toelichting"] = r.choice(s.kosten_toel)
        if r.random() < 0.85:
            L["toegang"] = "beschikking" if soort == "formeel" and r.random() < 0.3 \
                else self.pick(self.toegang_d)
        if r.random() < 0.5:
            L["toegankelijkheid"] = r.sample(TOEGANKELIJKHEID, r.randint(1, 4))
        if r.random() < 0.15:
            L["taal"] = ["nl"] + r.sample(TALEN, r.randint(1, 3))
        if r.random() < 0.2:
            lo = r.choice((0, 4, 12, 18, 55, 60, 65))
            L["leeftijd-min"] = str(lo)
            if r.random() < 0.5:
                L["leeftijd-max"] = str(lo + r.choice((6, 11, 27, 40)))
        x = r.random()
        if soort != "formeel":
            L["welzijn-op-recept"] = "ja" if x < 0.35 else "nee" if x < 0.45 else ""
        if soort == "formeel" and r.random() < 0.5:
            L["wachttijd-dagen"] = str(int(r.expovariate(1 / 21)))
        if r.random() < 0.6:
            L["telefoon"] = "0%d-%07d" % (r.choice((30, 33, 34, 35, 348)), r.randint(0, 9999999))
        slug = re.sub(r"[^a-z0-9]+", "-", L["organisatie"].lower()).strip("-")[:30] or "info"
        if r.random() < 0.5:
            L["email"] = "info@%s.example.nl" % slug
        if r.random() < 0.5:
            L["website"] = "https://www.example.nl/%s/%s" % (slug, L["id"])
        if r.random() < 0.2:
            L["contactpersoon"] = "%s %s" % (r.choice(FIRST_NAMES), r.choice(LAST_NAMES))
        gc, bw = self.date_pair()
        L["bijgewerkt"], L["gecontroleerd"] = bw, gc
        if r.random() < 0.02:    # enumerated values in another case are accepted
            L["soort"] = L["soort"].capitalize()
        return L


def day_str(days):
    # days after 2023-01-01
    import datetime
    return (datetime.date(2023, 1, 1) + datetime.timedelta(days=days)).isoformat()


SINGLE_ORDER = ["naam", "samenvatting", "omschrijving", "soort", "status", "organisatie"]
TAIL_ORDER = ["adres", "postcode", "plaats", "lat", "lon", "tijden", "tijden-toelichting",
              "kosten", "kosten-toelichting", "toegang"]
TAIL2_ORDER = ["leeftijd-min", "leeftijd-max", "welzijn-op-recept", "wachttijd-dagen",
               "telefoon", "email", "website", "contactpersoon", "bijgewerkt", "gecontroleerd"]
CSV_FIELDS = ["id", "naam", "samenvatting", "omschrijving", "soort", "status", "organisatie",
              "thema", "doelgroep", "trefwoord", "gemeente", "wijk", "werkgebied", "adres",
              "postcode", "plaats", "lat", "lon", "tijden", "tijden-toelichting", "kosten",
              "kosten-toelichting", "toegang", "toegankelijkheid", "taal", "leeftijd-min",
              "leeftijd-max", "welzijn-op-recept", "wachttijd-dagen", "telefoon", "email",
              "website", "contactpersoon", "bijgewerkt", "gecontroleerd"]


def to_xml(L, r):
    out = ['  <aanbod id="%s">\n' % attr_esc(L["id"])]
    ap = out.append
    for k in SINGLE_ORDER:
        v = L.get(k)
        if not v:
            continue
        if k == "omschrijving":
            x = r.random()
            if x < 0.3:
                v = "\n\n".join(v)
                ap("    <omschrijving>%s</omschrijving>\n" % xml_esc(v))
            else:
                parts = []
                for i, p in enumerate(v):
                    if i == 1 and r.random() < 0.25:
                        items = p.split(". ")
                        parts.append("<ul>" + "".join("<li>%s</li>" % it for it in items) + "</ul>")
                    elif r.random() < 0.1:
                        w = p.split(" ", 3)
                        parts.append("<p><strong>%s</strong> %s</p>" % (" ".join(w[:3]), " ".join(w[3:])))
                    else:
                        parts.append("<p>%s</p>" % p)
                h = "\n".join(parts)
                if x < 0.85:
                    ap("    <omschrijving><![CDATA[%s]]></omschrijving>\n" % h)
                else:
                    ap("    <omschrijving>%s</omschrijving>\n" % xml_esc(h))
            continue
        ap("    <%s>%s</%s>\n" % (k, xml_esc(v), k))
    for k in ("thema", "doelgroep", "trefwoord"):
        for v in L[k]:
            ap("    <%s>%s</%s>\n" % (k, xml_esc(v), k))
    ap("    <gemeente>%s</gemeente>\n" % xml_esc(L["gemeente"]))
    for code, nm in L["wijk"]:
        ap('    <wijk code="%s">%s</wijk>\n' % (code, xml_esc(nm)))
    for v in L["werkgebied"]:
        ap("    <werkgebied>%s</werkgebied>\n" % xml_esc(v))
    for k in TAIL_ORDER:
        v = L.get(k)
        if v:
            ap("    <%s>%s</%s>\n" % (k, xml_esc(v), k))
    for k in ("toegankelijkheid", "taal"):
        for v in L.get(k, ()):
            ap("    <%s>%s</%s>\n" % (k, v, k))
    for k in TAIL2_ORDER:
        v = L.get(k)
        if v:
            ap("    <%s>%s</%s>\n" % (k, xml_esc(v), k))
    ap("  </aanbod>\n")
    return "".join(out)


def to_csv_row(L):
    row = []
    for k in CSV_FIELDS:
        v = L.get(k, "")
        if k == "omschrijving":
            v = "\n".join(v)
        elif k == "wijk":
            v = "|".join("%s=%s" % cn for cn in v)
        elif isinstance(v, list):
            v = "|".join(v)
        row.append(v)
    return row


SRC = None     # the Source, set before the worker processes fork


def write_chunk(args):
    seed, chunk_no, first_id, count, path, kind = args
    g = Gen(SRC, seed, chunk_no)
    tmp = path + ".tmp"
    if kind == "xml":
        with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<sociale-kaart bron="Synthetisch benchmarkcorpus (seed %s, deel %d)" '
                    'gegenereerd="2026-11-01T10:00:00+01:00">\n' % (seed, chunk_no))
            buf = []
            for i in range(count):
                buf.append(to_xml(g.listing(first_id + i), g.rng))
                if len(buf) >= 500:
                    f.write("".join(buf))
                    buf = []
            f.write("".join(buf))
            f.write("</sociale-kaart>\n")
    else:
        with open(tmp, "wb") as f:
            sio = io.StringIO()
            w = csv.writer(sio, delimiter=";", lineterminator="\r\n")
            w.writerow(CSV_FIELDS)
            f.write(sio.getvalue().encode("ascii"))
            for i in range(count):
                sio.seek(0)
                sio.truncate()
                w.writerow(to_csv_row(g.listing(first_id + i)))
                line = sio.getvalue()
                try:
                    f.write(line.encode("cp1252"))
                except UnicodeEncodeError:
                    f.write(line.encode("utf-8"))
    os.replace(tmp, path)
    return path, count


# ---- the query mix -----------------------------------------------------------------------

def make_queries(src, n, rng):
    """class<TAB>query string (already URL-encoded) lines for a corpus of n listings."""
    from urllib.parse import urlencode

    def qs(**kw):
        items = []
        for k, v in kw.items():
            k = "welzijnOpRecept" if k == "wor" else k
            for x in (v if isinstance(v, list) else [v]):
                items.append((k, x))
        return urlencode(items)

    out = []
    gms = [c for c, _ in GEMEENTEN]
    # Short common words (in 1-20 % of the listings), no filter.
    for w in ["mantelzorg", "wandelen", "jongeren", "taalcafé", "buurthuis", "dementie",
              "schulden", "maatje", "vrijwilligers", "rouw", "formulieren", "dagbesteding"]:
        out.append(("common", qs(q=w)))
    # Rare words: synthetic words expected in about 0.1 % of the listings (~250 at 250k,
    # ~10 at 10k), and some expected in ~0.01 %.
    tokens_per_doc = 150 * 0.8 * SUBST_RATE
    nreal = len(src.real_words)
    for target_frac, howmany in ((0.001, 6), (0.0001, 4)):
        p = target_frac / tokens_per_doc * src.wsum     # weight giving that doc frequency
        rank = int(1.0 / p - ZIPF_Q)                     # 1/(r+q) = p
        rank = max(nreal + 1, min(rank, len(src.lexicon) - 50))
        for k in range(howmany):
            out.append(("rare", qs(q=src.lexicon[rank + 7 * k])))
    phrases = ["hulp bij formulieren", "koffie in buurthuis", "wandelen voor ouderen",
               "nederlands leren taal", "ondersteuning voor mantelzorgers", "samen eten wijk",
               "schulden hulp geld", "jongeren sport buurt", "dementie dagbesteding ontmoeting",
               "vrijwilligers gezocht maatje"]
    for p in phrases:
        out.append(("phrase3", qs(q=p)))
    sentences = ["koffie drinken in de buurt", "iemand om mee te wandelen",
                 "ik kan mijn rekeningen niet betalen",
                 "even vrij van de zorg voor mijn man met dementie",
                 "hulp bij het invullen van formulieren", "waar kan ik nederlands leren",
                 "mijn moeder is eenzaam", "activiteiten voor kinderen in de wijk"]
    for p in sentences:
        out.append(("sentence", qs(q=p)))
    for i in range(10):
        gm = gms[i * 7 % len(gms)]
        kind = i % 5
        wk = src.wijken[gm][i % len(src.wijken[gm])][0]
        if kind == 0:
            out.append(("filter", qs(gemeente=gm, thema=THEMAS[i % len(THEMAS)])))
        elif kind == 1:
            out.append(("filter", qs(wijk=wk, thema=["ontmoeting", "bewegen"][i % 2])))
        elif kind == 2:
            out.append(("filter", qs(gemeente=gm, wor="ja", thema="bewegen")))
        elif kind == 3:
            out.append(("filter", qs(thema=["geld", "maaltijden"][i % 2],
                                     doelgroep=["minima", "ouderen"][i % 2], kosten="gratis")))
        else:
            out.append(("filter", qs(soort=["informeel", "inwonersinitiatief"][i % 2],
                                     toegang="vrije-inloop", toegankelijkheid="rolstoel")))
    # Broad one-word queries: the most frequent content words (facets are always counted).
    for w in ["koffie", "hulp", "welkom", "buurt", "ouderen", "informatie", "samen", "activiteiten"]:
        out.append(("broad", qs(q=w)))
    typos = ["vrijwiligerswerk", "schuldhlup", "jongerewerk", "mantelzrog", "wandleen",
             "koffei", "dementei", "taalcafe", "buurthuizen", "ouderne"]
    for t in typos:
        out.append(("typo", qs(q=t)))
    # Search as you type: the last word is a prefix (prefix=ja).
    for p in ["wandel", "mantelz", "vrijwil", "koff", "taalc", "schuldh", "hulp bij form",
              "koffie in de b"]:
        out.append(("prefix", qs(q=p, prefix="ja")))
    # Suggestions while typing (GET /v1/suggesties): every keystroke of a few words.
    for w in ["wandelen", "mantelzorg", "koffie ochtend", "schuldhulp", "taalcafé"]:
        for k in range(2, len(w) + 1, 2):
            out.append(("suggest", "/v1/suggesties?" + qs(q=w[:k])))
    for gm in gms[::3]:
        out.append(("koffie_gm", qs(q="koffie", gemeente=gm)))
    # the "typical search with facets" used for HTTP throughput
    for w, gm in zip(["koffie", "wandelen", "taalcafé", "mantelzorg", "schulden", "maatje",
                      "dementie", "jongeren"], gms[::4]):
        out.append(("http", qs(q=w, gemeente=gm)))
    return out


def write_queries(src, a):
    queries = make_queries(src, a.n, random.Random("queries-%s" % a.seed))
    path = os.path.join(a.out, "queries.tsv")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for cls, q in queries:
            f.write("%s\t%s\n" % (cls, q))
    os.replace(path + ".tmp", path)


# ---- main -----------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10000, help="listings (default 10000)")
    ap.add_argument("-o", "--out", required=True, help="output directory")
    ap.add_argument("--seed", default="6")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "fixtures", "corpus"))
    ap.add_argument("--schema", default=os.path.join(ROOT, "schema"))
    ap.add_argument("--queries-only", action="store_true",
                    help="only rewrite queries.tsv (the corpus stays as it is)")
    ap.add_argument("--csv-share", type=float, default=0.1,
                    help="share of the listings written to the CSV file (default 0.1)")
    a = ap.parse_args()
    if a.n < 1:
        sys.exit("make_corpus: -n must be at least 1")
    t0 = time.time()
    THEMAS.extend(read_vocab(os.path.join(a.schema, "themas.csv")))
    DOELGROEPEN.extend(read_vocab(os.path.join(a.schema, "doelgroepen.csv")))
    with open(os.path.join(a.schema, "gebieden.csv"), encoding="utf-8", newline="") as f:
        GEMEENTEN.extend((r[0], r[1]) for r in list(csv.reader(f))[1:])
    global SRC
    src = SRC = Source(a.corpus, a.seed)
    os.makedirs(a.out, exist_ok=True)
    if a.queries_only:
        write_queries(src, a)
        return
    man = os.path.join(a.out, "manifest.json")
    if os.path.exists(man):
        os.remove(man)
    for f in os.listdir(a.out):
        if f.startswith("aanbod") and (f.endswith(".xml") or f.endswith(".csv") or f.endswith(".tmp")):
            os.remove(os.path.join(a.out, f))

    n_csv = int(round(a.n * a.csv_share)) if a.n >= 10 else 0
    n_xml = a.n - n_csv
    tasks, nid, chunk_no = [], 1, 0
    while n_xml > 0:
        c = min(CHUNK, n_xml)
        chunk_no += 1
        tasks.append((a.seed, chunk_no, nid, c,
                      os.path.join(a.out, "aanbod-%03d.xml" % chunk_no), "xml"))
        nid += c
        n_xml -= c
    if n_csv:
        tasks.append((a.seed, 0, nid, n_csv, os.path.join(a.out, "aanbod.csv"), "csv"))
    jobs = max(1, min(a.jobs, len(tasks)))
    if jobs > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            done = pool.map(write_chunk, tasks, chunksize=1)
    else:
        done = [write_chunk(t) for t in tasks]

    write_queries(src, a)
    files = [os.path.basename(p) for p, _ in done]
    info = {
        "listings": a.n, "seed": a.seed, "files": files,
        "bytes": sum(os.path.getsize(os.path.join(a.out, x)) for x in files),
        "dev_listings": len(src.dev), "dev_sentences": len(src.all_sents),
        "dev_words": len(src.real_words), "lexicon": len(src.lexicon),
        "subst_rate": SUBST_RATE, "zipf_s": ZIPF_S,
        "seconds": round(time.time() - t0, 1),
    }
    with open(man + ".tmp", "w") as f:
        json.dump(info, f, indent=1)
    os.replace(man + ".tmp", man)
    print("make_corpus: %d listings in %d files (%.0f MB) under %s in %.1f s" % (
        a.n, len(files), info["bytes"] / 1e6, a.out, info["seconds"]))


if __name__ == "__main__":
    main()
