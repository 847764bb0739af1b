"""Hostile and broken input through the installed ``geomap`` entry point: nothing executes in
the page, nothing is lost when a build fails or is killed, and every problem is one line.

The builds here are real subprocesses; the browser is Debian's headless Chromium with the
network blocked (tests/browser.py).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser import wait_until
from conftest import ROOT

GEOMAP = Path(sys.executable).parent / "geomap"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
OUTPUTS = ("facilities.geojson", "footprint.html", "places.geojson", "relationships.geojson")
RLO, PDF, ZWSP, LRI, PDI = "\u202e", "\u202c", "\u200b", "\u2066", "\u2069"


def geomap(*args, timeout=300, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(GEOMAP), *map(str, args)], capture_output=True, text=True, timeout=timeout, **kwargs)


def no_traceback(res: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in res.stderr and "Error:" not in res.stderr.replace("geomap: error:", ""), res.stderr


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def check_outputs_parse(out: Path) -> None:
    """Every output file is complete: the GeoJSON parses, the page ends and its data block parses."""
    for name in OUTPUTS[:1] + OUTPUTS[2:]:
        assert json.loads((out / name).read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    page = (out / "footprint.html").read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>")
    json.loads(data_block(page))


def data_block(page: str) -> str:
    m = re.search(r'<script type="application/json" id="geomap-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return m.group(1)


# ---------------------------------------------------------------- injection

TITLE = "Map <b>bold</b> </title><script>window.__pwned='title'</script> &amp; " + RLO + "txt.exe" + PDF
HOSTILE = [
    {"id": "<img src=x onerror=window.__pwned='id'>.txt", "published": "2025-04-25",
     "title": "Russia to open <script>window.__pwned='t1'</script> hub in Peru &amp; &lt;b&gt; " + RLO + "gnp.exe" + PDF
              + " zero" + ZWSP + "width",
     "url": "javascript:window.__pwned='url1'",
     "text": "Russia to open helicopter hub in Peru\n\nLIMA — Russia’s Rosoboronexport will open a "
             "<b onmouseover=window.__pwned='b'>repair and maintenance center</b> in Peru</script>"
             "<script>window.__pwned='s'</script> &amp; &#x3C;i&#x3E; " + RLO + "exe.txt" + PDF + ZWSP
             + ", officials said.\n"},
    {"id": "second", "title": "Korea plant \"quoted\" 'single' <svg onload=window.__pwned='svg'>",
     "url": "https://example.org/news?a=<b>&b=\"q\"",
     "text": "South Korea’s Hyundai Rotem will build a vehicle plant at FAME in Lurigancho-Chosica, Peru "
             "<svg onload=window.__pwned='svg'>" + LRI + "x" + PDI + ".\n"},
    {"id": "third", "title": "Drones <style>*{display:none}</style>", "url": " JaVaScRiPt:window.__pwned='url3'",
     "text": "Turkey's Baykar will build a drone factory in Indonesia <iframe src=javascript:window.__pwned='if'>.\n"},
    {"id": "fourth", "title": "Accord", "url": "java\tscript:window.__pwned='url4'",
     "text": "Russia will open a helicopter repair center in Callao, Peru "
             "<a href=\"javascript:window.__pwned='a'\">here</a> <img src=x onerror=\"alert('x')\">.\n"},
    {"id": "fifth", "title": "Data", "url": "data:text/html,<script>window.__pwned='data'</script>",
     "text": "India's HAL signed a deal with Guyana for two aircraft.\n"},
    {"id": "sixth-bidi", "title": "Hub " + RLO + "in Peru (2024)", "url": "https://example.org/6",
     "text": "Russia’s Rosoboronexport will open a repair center in Venezuela " + RLO + "said officials.\n"},
]


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    feed = folder / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE), encoding="utf-8")
    out = folder / "out"
    res = geomap("build", feed, "--out", out, "--title", TITLE)
    assert res.returncode == 0, res.stderr
    return out


def test_geojson_keeps_hostile_text_verbatim(hostile_build):
    texts = {r["id"]: r["text"] for r in HOSTILE}
    quotes = []
    for name in ("facilities.geojson", "relationships.geojson"):
        for feat in json.loads((hostile_build / name).read_text(encoding="utf-8"))["features"]:
            for ev in feat["properties"]["evidence"]:
                assert texts[ev["article"]][ev["start"]:ev["end"]] == ev["quote"]
                quotes.append(ev["quote"])
    joined = "\n".join(quotes)
    for payload in ("<b onmouseover=window.__pwned='b'>", "</script><script>window.__pwned='s'</script>",
                    "&amp; &#x3C;i&#x3E; " + RLO + "exe.txt" + PDF + ZWSP, "<svg onload=window.__pwned='svg'>" + LRI,
                    "<iframe src=javascript:window.__pwned='if'>", "<a href=\"javascript:window.__pwned='a'\">",
                    "<img src=x onerror=\"alert('x')\">"):
        assert payload in joined, payload
    articles = json.loads((hostile_build / "facilities.geojson").read_text(encoding="utf-8")).get("articles")
    if articles is not None:  # the article table, when the contract carries it
        by_id = {a["id"]: a for a in articles}
        for rec in HOSTILE:
            if rec["id"] in by_id:
                assert by_id[rec["id"]]["title"] == rec["title"] and by_id[rec["id"]]["url"] == rec["url"]


def test_page_source_has_no_live_markup_from_articles(hostile_build):
    page = (hostile_build / "footprint.html").read_text(encoding="utf-8")
    block = data_block(page)
    assert "<" not in block and ">" not in block and "&" not in block  # escaped as \u003c, \u003e, \u0026
    for markup in ("<script>window", "<b onmouseover", "<svg onload", "<iframe", "<img src=x", "<style>*", '<a href="javascript'):
        assert markup not in page, markup  # article markup never appears unescaped
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    directives = dict((d.split(" ", 1) + [""])[:2] for d in (d.strip() for d in csp.split(";")) if d)
    assert directives["default-src"] == "'none'" and directives["connect-src"] == "'none'"
    assert "http" not in csp and "*" not in csp  # no tiles asked for: nowhere to connect or load from
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert re.fullmatch(r"('sha256-[A-Za-z0-9+/]+=*' ?)+", directives["script-src"])  # only the page's own scripts
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and "&lt;/title&gt;" in title


def popup_quotes(page) -> list[str]:
    """The quotes of the open popup, once it is open (a closed one fades out for 200 ms)."""
    return wait_until(page, """() => { const open = [...document.querySelectorAll('.leaflet-popup')]
            .filter(p => p.style.opacity !== '0');
        const qs = open.length === 1 ? [...open[0].querySelectorAll('.leaflet-popup-content q')] : [];
        return qs.length ? qs.map(q => q.textContent) : null; }""", timeout=5000)


@pytest.mark.browser
def test_nothing_executes_and_everything_reads_as_written(hostile_build):
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, chromium_path

    html_file = hostile_build / "footprint.html"
    raw = html_file.read_text(encoding="utf-8")
    facilities = json.loads((hostile_build / "facilities.geojson").read_text(encoding="utf-8"))["features"]
    quoted = "".join(e["quote"] for f in facilities for e in f["properties"]["evidence"])
    for payload in ("<b onmouseover", "</script><script>", RLO, ZWSP, LRI, "<svg onload", "<iframe", "<a href=", "onerror="):
        assert payload in quoted, payload  # the popups clicked below show every kind of payload
    dialogs, requests, errors, failed = [], [], [], {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                          else route.abort())
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda req: requests.append(req.url))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("requestfailed", lambda req: failed.__setitem__(req.url, req.failure))
            page.goto(html_file.resolve().as_uri(), wait_until="load")
            wait_until(page, "window.geomap !== undefined && window.geomap.ready", timeout=15000)

            # Every facility popup, opened by a real click, quotes the articles as text (link popups
            # build their evidence with the same code).
            for feat in facilities:
                point = page.evaluate("""(id) => { const f = window.geomap.data.facilities.find(x => x.id === id);
                    window.geomap.map.closePopup(); window.geomap.map.setView([f.lat, f.lon], 12, {animate: false});
                    return window.geomap.facilityPoint(id); }""", feat["id"])
                page.wait_for_timeout(100)
                page.mouse.click(point["x"], point["y"])
                shown = popup_quotes(page)
                assert shown == [e["quote"] for e in feat["properties"]["evidence"]], feat["id"]
            page.evaluate("() => { window.geomap.map.closePopup(); }")
            wait_until(page, "() => !document.querySelector('.leaflet-popup')", timeout=5000)  # faded out

            # The sources list: each article's title, date and id exactly as given; links only to http(s).
            items = page.locator(".gm-sources > div").evaluate_all("ds => ds.map(d => d.textContent)")
            expected = sorted(HOSTILE, key=lambda r: r["id"])
            assert items == [r["title"] + (f" ({r['published']})" if r.get("published") else "") + " — " + r["id"]
                             for r in expected]
            hrefs = page.locator(".gm-sources a, .leaflet-popup-content a").evaluate_all(
                "as => as.map(a => [a.protocol, a.textContent])")
            assert sorted(hrefs) == sorted([["https:", HOSTILE[1]["title"]], ["https:", HOSTILE[5]["title"]]])
            # An unterminated bidi override stays inside its own text: the ids after the titles
            # still read left to right.
            page.locator(".gm-sources summary").click()
            in_order = page.evaluate("""() => [...document.querySelectorAll('.gm-sources > div > span.gm-muted')].map(s => {
                const t = s.firstChild, r = document.createRange(), xs = [];
                for (let i = 0; i < t.length; i++) { r.setStart(t, i); r.setEnd(t, i + 1); xs.push(r.getBoundingClientRect().x); }
                return xs.every((x, i) => i === 0 || x > xs[i - 1]); })""")
            assert in_order == [True] * len(HOSTILE)
            assert page.evaluate("() => document.querySelector('.gm-maptitle').textContent") == TITLE
            assert page.title() == TITLE

            # Nothing ran: no global set, no dialog, no element or handler made from article text.
            state = page.evaluate("""() => ({
                pwned: window.__pwned === undefined ? null : String(window.__pwned),
                scripts: document.scripts.length,
                handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(
                    a => a.name.toLowerCase().startsWith('on'))).map(e => e.outerHTML.slice(0, 80)),
                foreign: document.querySelectorAll('img, iframe, object, embed, style:not(head style)').length,
                badLinks: [...document.querySelectorAll('a[href]')].filter(a => !/^(https?|file):$/.test(a.protocol)).length})""")
            assert state == {"pwned": None, "scripts": raw.count("<script"), "handlers": [], "foreign": 0,
                             "badLinks": 0}, state
            assert dialogs == [] and errors == []

            # The Content-Security-Policy is enforced: no connection and no remote image may start.
            violations = page.evaluate("""() => new Promise(resolve => {
                const seen = [];
                document.addEventListener('securitypolicyviolation', e => seen.push(e.effectiveDirective));
                fetch('http://127.0.0.1:9/leak').catch(() => {});
                new Image().src = 'https://example.org/leak.png';
                const s = document.createElement('script');  // an inline script the page did not ship
                s.textContent = 'window.__injected = 1';
                document.body.appendChild(s);
                const div = document.createElement('div');   // an inline event handler
                div.innerHTML = '<img src="data:," onload="window.__injected = 2">';
                document.body.appendChild(div);
                setTimeout(() => resolve(seen.sort().concat(String(window.__injected))), 500);
            })""")
            assert violations == ["connect-src", "img-src", "script-src-attr", "script-src-elem", "undefined"]
            remote = [u for u in requests if not u.startswith(("file:", "data:"))]
            assert remote == ["https://example.org/leak.png"]  # announced to DevTools, then blocked
            assert failed == {"https://example.org/leak.png": "csp"}, failed  # blocked by the policy
        finally:
            browser.close()


# ---------------------------------------------------------------- broken input

def bad_folder(folder: Path) -> dict[str, str]:
    """One good seed article and one of each kind of bad input; returns file -> expected problem."""
    folder.mkdir()
    (folder / "good.txt").write_bytes(SEEDS[1].read_bytes())
    (folder / "crlf.txt").write_bytes(SEEDS[3].read_bytes().replace(b"\n", b"\r\n"))
    (folder / "utf16.txt").write_bytes(SEEDS[4].read_text(encoding="utf-8").encode("utf-16"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "nul.txt").write_bytes(b"Peru\x00Russia")
    (folder / "latin1.txt").write_bytes("Peru and Russia, caf\u00e9".encode("latin-1"))
    (folder / "feed.jsonl").write_text(json.dumps({"id": "feed-ok", "text": "Russia and Peru signed a deal."})
                                       + "\n{not json\n", encoding="utf-8")
    (folder / "loop.txt").symlink_to("loop.txt")
    os.mkfifo(folder / "pipe.md")
    return {"empty.txt": "empty file", "nul.txt": "binary file", "latin1.txt": "not UTF-8 text",
            "feed.jsonl:2": "malformed JSON line", "loop.txt": "symbolic link loop", "pipe.md": "a named pipe"}


def test_bad_input_is_skipped_with_one_warning_each_or_stops_when_strict(tmp_path):
    problems = bad_folder(tmp_path / "in")
    out = tmp_path / "out"
    res = geomap("build", tmp_path / "in", "--out", out)
    no_traceback(res)
    assert res.returncode == 3, res.stderr
    warnings = [ln for ln in res.stderr.splitlines() if ln.endswith("; skipped")]
    assert len(warnings) == len(problems), res.stderr
    for where, problem in problems.items():
        assert any(ln.startswith(f"geomap: {tmp_path / 'in' / where}: {problem}") for ln in warnings), (where, warnings)
    check_outputs_parse(out)
    facilities = json.loads((out / "facilities.geojson").read_text(encoding="utf-8"))
    read = {ev["article"] for f in facilities["features"] for ev in f["properties"]["evidence"]}
    assert {"crlf.txt", "utf16.txt"} & read  # CRLF and UTF-16 articles are read like any other
    before = snapshot(out)

    strict = geomap("build", tmp_path / "in", "--out", out, "--strict")
    no_traceback(strict)
    assert strict.returncode == 1
    assert strict.stderr.count("\n") == 1 and strict.stderr.startswith(f"geomap: error: {tmp_path / 'in'}/")
    assert snapshot(out) == before


def test_geoparse_skips_or_stops_on_a_bad_jsonl_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"doc_id": "a", "text": "Lima, Peru"}\n{"doc_id": "b", "text": 7}\n'
                    '{"doc_id": "c", "text": "Jakarta"}\n', encoding="utf-8")
    res = geomap("geoparse", "--jsonl", feed)
    assert res.returncode == 3 and [json.loads(ln)["doc_id"] for ln in res.stdout.splitlines()] == ["a", "c"]
    assert res.stderr.splitlines() == [f"geomap: {feed}:2: not a JSON object with 'text' ('text' is not a string); skipped"]
    strict = geomap("geoparse", "--strict", "--jsonl", feed)
    assert strict.returncode == 1 and strict.stdout == ""
    assert strict.stderr.splitlines() == [f"geomap: error: {feed}:2: not a JSON object with 'text' ('text' is not a string)"]


def test_file_names_cannot_forge_terminal_lines(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(SEEDS[1].read_bytes())
    (folder / "x\ngeomap: all good\x1b[2J.txt").write_bytes(b"")
    res = geomap("build", folder, "--out", tmp_path / "out")
    assert res.returncode == 3
    warning = [ln for ln in res.stderr.splitlines() if "skipped" in ln]
    assert warning == [f"geomap: {folder}/x\\ngeomap: all good\\x1b[2J.txt: empty file; skipped"], res.stderr
    assert not any(ln.startswith("geomap: all good") for ln in res.stderr.splitlines())


def test_fifty_megabyte_single_line_file_is_refused_quickly(tmp_path):
    """A 50 MB file with no line break: refused with one warning, without hanging. The peak
    memory of the process is measured with getrusage in a wrapper process of its own."""
    big = tmp_path / "big.txt"
    sentence = SEEDS[2].read_text(encoding="utf-8").replace("\n", " ")
    with big.open("w", encoding="utf-8") as f:
        while f.tell() < 50 * 2**20:
            f.write(sentence)
    feed = tmp_path / "big.jsonl"
    feed.write_text(json.dumps({"id": "big", "text": big.read_text(encoding="utf-8")}) + "\n", encoding="utf-8")
    measure = ("import resource, subprocess, sys, time; t = time.time(); "
               "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(r.returncode, round(time.time() - t, 2), "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); sys.stderr.write(r.stderr)")
    for source in (big, feed):
        res = subprocess.run([sys.executable, "-c", measure, str(GEOMAP), "build", str(source), str(SEEDS[1]),
                              "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
        status, seconds, peak_mb = res.stdout.split()
        print(f"{source.name}: exit {status}, {seconds} s, peak {peak_mb} MB")
        assert status == "3", res.stderr
        (warning,) = [ln for ln in res.stderr.splitlines() if ln.endswith("skipped")]
        if source == big:  # refused from its size alone, before decoding
            assert warning.startswith(f"geomap: {big}: {big.stat().st_size:,} bytes, more than the limit of ")
        else:
            assert re.fullmatch(rf"geomap: {re.escape(str(feed))}:1: article of [\d,]+ characters, over the limit "
                                r"of [\d,]+; skipped", warning), warning
        assert int(peak_mb) < 1500


def test_unreadable_file(tmp_path):
    """chmod 000 does not stop root (and root's interpreter is out of other users' reach), so as
    root the unreadable file is one whose read fails: a link to the reader's own memory at
    address 0, which the kernel answers with an I/O error."""
    folder = tmp_path / "in"
    folder.mkdir()
    secret = folder / "secret.txt"
    if os.geteuid() == 0:
        secret.symlink_to("/proc/self/mem")
        reason = "Input/output error"
    else:
        secret.write_bytes(SEEDS[1].read_bytes())
        secret.chmod(0)
        reason = "Permission denied"
    res = geomap("build", folder, "--out", tmp_path / "out")
    no_traceback(res)
    assert res.returncode == 1, res.stderr
    assert res.stderr.splitlines() == [
        f"geomap: {secret}: cannot read ({reason}); skipped",
        f"geomap: error: {folder}: no article could be read (1 skipped, see the warnings)"]
    assert not (tmp_path / "out").exists()


def test_output_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "report.txt"
    blocker.write_text("a file, not a folder")
    res = geomap("build", SEEDS[1], "--out", blocker / "out")
    no_traceback(res)
    assert res.returncode == 1
    assert res.stderr.splitlines() == [f"geomap: error: {blocker / 'out'}: cannot create output folder (Not a directory)"]
    assert blocker.read_text() == "a file, not a folder"


# ---------------------------------------------------------------- nothing lost

@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Two complete builds into their own folders: the 'old' outputs and the 'new' ones."""
    base = tmp_path_factory.mktemp("versions")
    old, new = base / "old", base / "new"
    procs = [subprocess.Popen([str(GEOMAP), "-q", "build", str(SEEDS[0]), "--out", str(old)]),
             subprocess.Popen([str(GEOMAP), "-q", "build", str(SEEDS[1]), str(SEEDS[2]), "--out", str(new)])]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    return snapshot(old), snapshot(new), base


def fresh_out(versions, name: str) -> Path:
    old, _new, base = versions
    out = base / name
    out.mkdir()
    for file, data in old.items():
        (out / file).write_bytes(data)
    return out


def assert_old_or_new(out: Path, versions) -> None:
    old, new, _base = versions
    for name in OUTPUTS:
        data = (out / name).read_bytes()
        assert data in (old[name], new[name]), f"{name} is neither the old nor the new version"
    check_outputs_parse(out)


KILL_AT = """
import os, signal, sys
from pathlib import Path
out, point, count = Path(sys.argv[1]).resolve(), sys.argv[2], int(sys.argv[3])
seen = {"replace": 0, "fsync": 0}
real = {"replace": os.replace, "fsync": os.fsync}
def hook(kind):
    def call(*args):
        if kind == "fsync" or Path(args[1]).resolve().parent == out:
            if kind == point and seen[kind] == count:
                os.kill(os.getpid(), signal.SIGKILL)
            seen[kind] += 1
        return real[kind](*args)
    return call
os.replace, os.fsync = hook("replace"), hook("fsync")
sys.argv = ["geomap", "-q", "build", *sys.argv[4:], "--out", str(out)]
from geomap.cli.main import main
main()
"""


@pytest.mark.parametrize("point, count", [("fsync", 0), ("replace", 0), ("replace", 2)])
def test_sigkill_while_writing_leaves_whole_files(versions, point, count):
    """SIGKILL with a temporary file written but not renamed, and between the renames: each
    output is the old or the new complete file, and the next build clears the leftovers."""
    out = fresh_out(versions, f"killed-{point}-{count}")
    res = subprocess.run([sys.executable, "-c", KILL_AT, str(out), point, str(count), str(SEEDS[1]), str(SEEDS[2])],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert_old_or_new(out, versions)
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "the kill should have left a temporary file"
    again = geomap("-q", "build", SEEDS[1], SEEDS[2], "--out", out)
    assert again.returncode == 0, again.stderr
    assert snapshot(out) == versions[1]
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_sigint_and_sigkill_at_real_moments(versions):
    """A user's Ctrl-C while reading, and a SIGKILL the moment a temporary file appears."""
    out = fresh_out(versions, "interrupted")
    cache = out.parent / "interrupted-readings.sqlite"  # empty: the articles must really be read
    # Ctrl-C as a terminal delivers it, even when this suite runs as a background job (whose
    # children inherit SIGINT ignored, and Python then leaves it ignored).
    proc = subprocess.Popen([str(GEOMAP), "-v", "build", str(SEEDS[1]), str(SEEDS[2]), "--out", str(out),
                             "--cache", str(cache)], stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    while not any("from the readings cache" in ln for ln in lines):  # the articles are being read now
        lines.append(proc.stderr.readline())
        assert lines[-1], "the build ended before reading"
    proc.send_signal(signal.SIGINT)
    _stdout, rest = proc.communicate(timeout=120)
    stderr = "".join(lines) + rest
    assert proc.returncode == 130 and stderr.strip().splitlines()[-1].startswith("geomap: interrupted"), stderr
    assert "Traceback" not in stderr
    assert snapshot(out) == versions[0]

    proc = subprocess.Popen([str(GEOMAP), "-q", "build", str(SEEDS[1]), str(SEEDS[2]), "--out", str(out)])
    deadline = time.time() + 120
    while proc.poll() is None and time.time() < deadline:
        if any(name.endswith(".tmp") for name in os.listdir(out)):
            proc.kill()
            break
        time.sleep(0.001)
    proc.wait(timeout=60)
    assert_old_or_new(out, versions)


def test_a_second_writer_is_refused_while_the_folder_is_locked(versions):
    import fcntl

    out = fresh_out(versions, "locked")
    with open(out / ".geomap.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        res = geomap("build", SEEDS[1], SEEDS[2], "--out", out)
    no_traceback(res)
    assert res.returncode == 1
    assert res.stderr.splitlines()[-1] == (f"geomap: error: {out}: another geomap build is writing to this folder; "
                                           "nothing was written")
    assert snapshot(out) == versions[0]


def test_two_builds_at_once_leave_one_complete_set(versions):
    old, new, _base = versions
    out = fresh_out(versions, "race")
    procs = [subprocess.Popen([str(GEOMAP), "-q", "build", *map(str, args), "--out", str(out)],
                              stderr=subprocess.PIPE, text=True)
             for args in ((SEEDS[0],), (SEEDS[1], SEEDS[2]))]
    results = [(p.returncode, stderr) for p, (_out, stderr) in ((p, p.communicate(timeout=300)) for p in procs)]
    for status, stderr in results:
        assert status == 0 or (status == 1 and "another geomap build is writing to this folder" in stderr), stderr
    assert any(status == 0 for status, _ in results)
    assert snapshot(out) in (old, new), "the outputs mix two builds"
    check_outputs_parse(out)
