"""bin/indexer: command line, exit codes, summary line, diagnostics, publishing.

Contract: aanbod-formaat.md "What the indexer does with bad input" plus the
lead's decisions: diagnostics on stderr as FILE:LINE: id=ID: reason /
FILE:LINE: id=ID: warning: reason / FILE:LINE: warning: reason / FILE[:LINE]: error:
reason, FILE exactly as given; the last stdout line is the summary; exit 0/1/2/64;
--check publishes nothing; PATH is a symlink to PATH.<x>.gen in the same directory.
"""
import os
import sqlite3
import subprocess

import pytest

from conftest import (CORPUS, ENV, HANDMADE, INDEXER, REPO, gen_files, run_indexer, snapshot,
                      refmodel)


def model_for(files):
    return refmodel.Run([os.path.join(REPO, f) for f in files],
                        display={os.path.join(REPO, f): f for f in files})


def expected_diags(model):
    return sorted((k, f, line, i or None) for (k, f, line, i, _t) in model.messages)


def got_diags(res, files):
    out = []
    for d in res.diags(files):
        assert d["kind"] is not None, "stderr line in no diagnostic form: %r\n%r" % (d["raw"], res)
        out.append((d["kind"], d["file"], d["line"], d["id"]))
    return sorted(out)


def check_published(path):
    assert os.path.islink(path), "%s is not a symlink" % path
    target = os.readlink(path)
    full = os.path.normpath(os.path.join(os.path.dirname(path), target))
    assert os.path.dirname(full) == os.path.dirname(os.path.abspath(path)), \
        "generation %s is not in the directory of %s" % (target, path)
    base = os.path.basename(full)
    assert base.startswith(os.path.basename(path) + ".") and base.endswith(".gen"), base
    assert os.path.isfile(full)
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        db.close()
    return target


# ---------------------------------------------------------------- command line

@pytest.mark.parametrize("args", [
    [],                                               # nothing at all
    ["--index"],                                      # --index without PATH
    ["--index", "{tmp}/idx.db"],                      # no files
    ["fixtures/corpus/eemland.xml"],                  # files but no --index / --check
    ["--bogus", "--index", "{tmp}/idx.db", "fixtures/corpus/eemland.xml"],
    ["--index", "{tmp}/idx.db", "--frobnicate", "fixtures/corpus/eemland.xml"],
    ["--index", "", "fixtures/corpus/eemland.xml"],   # empty PATH
])
def test_bad_command_line_exits_64(args, tmp_path):
    args = [a.format(tmp=tmp_path) for a in args]
    res = run_indexer(*args)
    assert res.rc == 64, res
    assert not os.path.lexists(tmp_path / "idx.db"), "a bad command line published an index"
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".gen")]


def test_missing_input_file_fails_and_publishes_nothing(tmp_path):
    idx = str(tmp_path / "idx.db")
    missing = str(tmp_path / "bestaat-niet.xml")
    res = run_indexer("--index", idx, "fixtures/corpus/woerden.csv", missing)
    assert res.rc == 2, res
    errs = [d for d in res.diags([missing, "fixtures/corpus/woerden.csv"]) if d["kind"] == "error"]
    assert errs and errs[0]["file"] == missing, res
    assert not os.path.lexists(idx)


# ---------------------------------------------------------------- corpus and handmade

def test_corpus_imports_exactly(tmp_path):
    idx = str(tmp_path / "corpus.db")
    res = run_indexer("--index", idx, *CORPUS)
    assert res.rc == 0, res
    assert res.last_line == "read 195, imported 195, skipped 0, warnings 0", res
    assert got_diags(res, CORPUS) == [], res
    check_published(idx)


def test_handmade_imports_with_known_warnings(tmp_path):
    model = model_for(HANDMADE)
    assert (model.read, model.skipped, model.warnings) == (32, 0, 10)   # the fixture design
    idx = str(tmp_path / "hm.db")
    res = run_indexer("--index", idx, *HANDMADE)
    assert res.rc == 0, res
    assert res.last_line == model.summary() == "read 32, imported 32, skipped 0, warnings 10", res
    assert got_diags(res, HANDMADE) == expected_diags(model), res
    check_published(idx)


def test_handmade_warning_lines_by_hand(tmp_path):
    """The same warnings, written out by hand (guards the reference model too)."""
    res = run_indexer("--check", *HANDMADE)
    assert res.rc == 0, res
    d = got_diags(res, HANDMADE)
    x1, x2, c1, c2 = HANDMADE
    # line numbers: <aanbod start tag (XML) / first physical line of the record (CSV)
    want = [("warn", x1, 85, "hm-amf-004"),        # unknown thema "jeu de boules"
            ("warn", x1, 85, "hm-amf-004"),        # unknown element <parkeren>
            ("warn", x1, 156, "hm-baa-002"),       # WK030801 seen before as Baarn-Centrum
            ("warn", x1, 168, "hm-leu-001"),       # tijden outside the grammar
            ("warn", x1, 185, "hm-soe-001"),       # postcode B-2018
            ("warn", x2, 87, "hm-zei-001"),        # tijden end before start
            ("warn", x2, 99, "hm-utr-004"),        # unknown doelgroep "studenten"
            ("warn", c1, 2, "hm-hou-002"),         # WK032101 seen before as Houten-Noord
            ("fwarn", c2, 1, None),                # unknown column interne-notitie
            ("warn", c2, 8, "hm-drv-001")]         # tijden outside the grammar
    assert d == sorted(want), res
    text = res.err
    assert "parkeren" in text, "the unknown-element warning does not name the element"
    assert "interne-notitie" in text, "the unknown-column warning does not name the column"


def test_make_run_set(tmp_path, full_model):
    """Handmade + corpus, in `make index` order: nothing skipped, exit 0."""
    idx = str(tmp_path / "all.db")
    res = run_indexer("--index", idx, *(HANDMADE + CORPUS))
    assert res.rc == 0, res
    assert res.last_line == full_model.summary() == \
        "read 227, imported 227, skipped 0, warnings 10", res
    assert got_diags(res, HANDMADE + CORPUS) == expected_diags(full_model), res


@pytest.mark.parametrize("f", HANDMADE)
def test_each_handmade_file_alone(f):
    model = model_for([f])
    res = run_indexer("--check", f)
    assert res.rc == 0, res
    assert res.last_line == model.summary(), res
    assert got_diags(res, [f]) == expected_diags(model), res


def test_file_is_named_exactly_as_given(tmp_path):
    odd = "./fixtures/handmade/../handmade/" + os.path.basename(HANDMADE[0])
    res = run_indexer("--check", odd)
    assert res.rc == 0, res
    ds = res.diags([odd])
    assert ds and all(d["file"] == odd for d in ds), res


# ---------------------------------------------------------------- --check

def test_check_publishes_nothing(tmp_path):
    idx = str(tmp_path / "idx.db")
    res = run_indexer("--check", "--index", idx, *HANDMADE)
    assert res.rc == 0, res
    assert res.last_line == "read 32, imported 32, skipped 0, warnings 10", res
    assert not os.path.lexists(idx)
    assert os.listdir(tmp_path) == [], os.listdir(tmp_path)


def test_check_leaves_existing_index(tmp_path):
    idx = str(tmp_path / "idx.db")
    assert run_indexer("--index", idx, *CORPUS).rc == 0
    before = snapshot(idx)
    res = run_indexer("--check", "--index", idx, *HANDMADE)
    assert res.rc == 0, res
    assert snapshot(idx) == before


def test_check_same_messages_and_exit_as_real_run(tmp_path):
    files = HANDMADE + ["fixtures/bad/skip-kosten.xml"]
    chk = run_indexer("--check", *files)
    real = run_indexer("--index", str(tmp_path / "i.db"), *files)
    assert chk.rc == real.rc == 1, (chk, real)
    assert chk.last_line == real.last_line == "read 34, imported 33, skipped 1, warnings 10"
    assert got_diags(chk, files) == got_diags(real, files)


# ---------------------------------------------------------------- publishing

def test_publish_is_a_symlink_to_a_generation(tmp_path):
    idx = str(tmp_path / "idx.db")
    assert run_indexer("--index", idx, *CORPUS).rc == 0
    t1 = check_published(idx)
    assert run_indexer("--index", idx, *HANDMADE).rc == 0
    t2 = check_published(idx)
    assert t1 != t2, "a new run must publish a new generation file, not rewrite the old one"
    assert gen_files(idx), "no PATH.<x>.gen files"


def test_publishing_leaves_other_indexes_in_the_folder_alone(tmp_path):
    """Old generations of PATH are removed, but only PATH's own: an index whose
    name starts with PATH's name ("kaart.test" beside "kaart") and other files
    named like generations keep working."""
    other = str(tmp_path / "kaart.test")
    assert run_indexer("--index", other, HANDMADE[0]).rc == 0
    other_gen = check_published(other)
    user_file = tmp_path / "kaart.kopie.gen"
    user_file.write_bytes(b"van de beheerder")
    idx = str(tmp_path / "kaart")
    for _ in range(3):      # the third run removes the first generation
        assert run_indexer("--index", idx, *CORPUS).rc == 0
    assert len(gen_files(idx)) == 2, sorted(os.listdir(tmp_path))
    assert check_published(other) == other_gen, "the other index lost its generation"
    assert user_file.read_bytes() == b"van de beheerder"
    db = sqlite3.connect("file:%s?mode=ro" % other, uri=True)
    try:
        assert db.execute("SELECT count(*) FROM aanbod").fetchone()[0] > 0
    finally:
        db.close()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_summary_line_that_cannot_be_written_fails_the_run(tmp_path):
    """Scripts read the summary line: when stdout cannot take it (a full disk),
    the run must not exit 0."""
    with open("/dev/full", "w") as full:
        p = subprocess.run([INDEXER, "--index", str(tmp_path / "idx.db"), HANDMADE[0]],
                           cwd=REPO, env=ENV, stdout=full, stderr=subprocess.PIPE, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 2, err
    assert "samenvatting" in err, err


def test_run_replaces_never_merges(tmp_path):
    idx = str(tmp_path / "idx.db")
    assert run_indexer("--index", idx, *CORPUS).rc == 0
    corpus_gen = snapshot(idx)
    assert run_indexer("--index", idx, HANDMADE[0]).rc == 0
    with open(idx, "rb") as f:
        data = f.read()
    # a corpus-only word and id must be gone from the published file
    assert b"dev-amf-001" not in data, "listings of the previous run are still in the index"
    assert b"hm-amf-001" in data
    assert snapshot(idx) != corpus_gen


def test_skips_publish_the_rest(tmp_path):
    idx = str(tmp_path / "idx.db")
    res = run_indexer("--index", idx, "fixtures/bad/skip-soort.xml")
    assert res.rc == 1, res
    assert res.last_line == "read 2, imported 1, skipped 1, warnings 0", res
    check_published(idx)
    with open(idx, "rb") as f:
        data = f.read()
    assert b"bad-soort-ok" in data
    assert b"bad-soort-fout" not in data, "a skipped listing was half-imported"


def test_unwritable_index_location_fails(tmp_path):
    (tmp_path / "een-bestand").write_text("geen map\n")
    idx = str(tmp_path / "een-bestand" / "idx.db")
    res = run_indexer("--index", idx, *CORPUS)
    assert res.rc == 2, res
    assert not os.path.lexists(idx)


# ---------------------------------------------------------------- line numbers

def test_line_numbers_crlf_and_multiline_tags(tmp_path):
    """LINE is the line where the <aanbod start tag begins, also with CR LF line ends,
    a start tag over two lines, multi-line text, and '<aanbod' inside a comment or CDATA."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',                        # 1
        '<sociale-kaart bron="regels">',                                  # 2
        '  <!-- <aanbod id="commentaar"> is geen vermelding -->',         # 3
        '  <aanbod id="ln-ok-1">',                                        # 4
        '    <naam>Goed</naam>',                                          # 5
        '    <omschrijving><![CDATA[tekst met <aanbod id="x"> erin',     # 6
        'en een tweede regel',                                            # 7
        'en een derde]]></omschrijving>',                                 # 8
        '    <soort>informeel</soort><gemeente>GM0344</gemeente>',        # 9
        '  </aanbod>',                                                    # 10
        '  <aanbod',                                                      # 11
        '      id="ln-bad-1">',                                           # 12
        '    <naam>Foute soort</naam><soort>anders</soort>',              # 13
        '    <gemeente>GM0344</gemeente>',                                # 14
        '  </aanbod>',                                                    # 15
        '  <aanbod id="ln-warn-1"><naam>Waarschuwing</naam><soort>formeel</soort>'
        '<gemeente>GM0344</gemeente><tijden>soms</tijden></aanbod>',      # 16
        '  <aanbod id="ln-bad-2"><naam>Geen gemeente</naam><soort>formeel</soort></aanbod>',  # 17
        '</sociale-kaart>',
    ]
    path = str(tmp_path / "regels.xml")
    with open(path, "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    res = run_indexer("--check", path)
    assert res.rc == 1, res
    assert res.last_line == "read 4, imported 2, skipped 2, warnings 1", res
    got = got_diags(res, [path])
    assert got == sorted([("skip", path, 11, "ln-bad-1"), ("warn", path, 16, "ln-warn-1"),
                          ("skip", path, 17, "ln-bad-2")]), res


def test_csv_line_numbers_with_multiline_records(tmp_path):
    rows = ['id;naam;soort;gemeente;omschrijving',                           # 1
            'csv-1;Een;informeel;GM0344;"twee\r\nregels"',                     # 2-3
            'csv-2;Twee;onbekend;GM0344;',                                     # 4 (skip)
            'csv-3;Drie;formeel;GM0344;"a;b\r\n""c""\r\nd"',                   # 5-7
            'csv-4;Vier;formeel;GM9999;x',                                     # 8 (skip)
            'csv-5;Vijf;formeel;GM0344']                                       # 9 (skip: fields)
    path = str(tmp_path / "regels.csv")
    with open(path, "wb") as f:
        f.write(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    res = run_indexer("--check", path)
    assert res.rc == 1, res
    assert res.last_line == "read 5, imported 2, skipped 3, warnings 0", res
    assert got_diags(res, [path]) == sorted([("skip", path, 4, "csv-2"), ("skip", path, 8, "csv-4"),
                                             ("skip", path, 9, "csv-5")]), res


def test_same_file_twice_keeps_the_first(tmp_path):
    f = HANDMADE[1]
    res = run_indexer("--check", f, f)
    assert res.rc == 1, res
    s = res.summary
    assert s is not None and s[:3] == (16, 8, 8), res
    xml_lines = [i for i, l in enumerate(open(os.path.join(REPO, f), encoding="utf-8"), 1)
                 if l.lstrip().startswith("<aanbod ")]
    skips = sorted(d["line"] for d in res.diags([f]) if d["kind"] == "skip")
    assert skips == xml_lines, res


def test_utf16_file_is_rejected_with_a_clear_reason(tmp_path):
    """Spreadsheets save "Unicode text" as UTF-16, which neither format allows:
    the file is rejected and the message says what to do."""
    f = tmp_path / "unicode.xml"
    f.write_bytes('<?xml version="1.0" encoding="UTF-16"?>\n<sociale-kaart/>\n'
                  .encode("utf-16"))           # with its byte order mark
    idx = str(tmp_path / "idx.db")
    res = run_indexer("--index", idx, str(f))
    assert res.rc == 2, res
    assert "UTF-16" in res.err and "UTF-8" in res.err, res
    assert not os.path.lexists(idx)
