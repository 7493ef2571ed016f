#!/usr/bin/env python3
"""Held-out real PDFs: the same comparison as ../shared/corpus/realworld, on files that were
never used to tune glyphmend (issue 13, "the same rules hold on real PDFs you have not seen").

Two sets, built from clones of public repositories (their PDFs are third-party test data:
they stay in OUT, never in this repository):

* `mhlw`: the MHLW clinic lists of ryosuke-betw/opendata-pdf-to-csv that ../shared does not
  hold (36 files), with the facility-name column of the peer's tabula CSV as snippets;
* `pdfjs`: every PDF in mozilla/pdf.js's test/pdfs that ../shared does not hold (~950);
* `tensuhyo`: MHLW fee-schedule notices and forms (Word/Ichitaro/Excel exports) from
  saka1029/Tensuhyo's data/in, distinct files, a seeded sample of SAMPLE (default 300);
* `yakusyo`: MHLW pharmacy lists by prefecture (Excel exports) from mima3/yakusyopdf, every
  distinct file;
* `nankoku`: Nankoku City (Kochi) council bills, budgets and reports (Ichitaro, Word, Excel,
  InDesign/iText exports) from yamahiro1960/gikai_nankokushi_portal, every distinct PDF of its
  history (its current tree holds none);
* `camelot`: MHLW COVID-19 daily reports and Tokyo Metropolitan medical-capacity sheets (Excel,
  PowerPoint, PyPDF2 page cuts, JUST PDF) from oktopus1959/camelot-mhlw, a seeded sample of
  SAMPLE (default 300) of the distinct PDFs of its history;
* `fuji`: the Fuji City budget book cut of plural-reality/fujishi_ippannkaikei_yosansho that its
  snapshot holds (DocuWorks);
* `calico`: prefectural and city COVID-19 case lists (Hokkaido, Gunma, Saitama, Chiba, Niigata,
  Nagano, Gifu, Aichi, Kyoto, Yamaguchi, Nagasaki; Excel, Word, Ichitaro and other exports) from
  CalicoKater/covid-19's work/, a seeded sample of SAMPLE (default 300) of the distinct PDFs of
  its history;
* `sakaiminato`: Sakaiminato City (Tottori) council vote tables from AmashimaCreate/yonago-gikai,
  every distinct PDF of its history;
* `mhlw2`: the later MHLW clinic lists of hello112334/opendata-pdf-to-csv (a continuation of the
  `mhlw` set's repository, 2023-2025 Excel exports): every distinct PDF of its history that is
  neither in the `mhlw` set's repository (the clone named by EARLIER_CLONE, when set) nor in
  ../shared;
* `hakusho`: MEXT's 2024 white paper on science, technology and innovation, chapters 1-5, from
  triera4123/hakusho-RAG-chat (every distinct PDF of its history);
* `moj`: Ministry of Justice Legislative Council (commercial-law subcommittee) materials,
  minutes and member lists 2022-2025 (JUST PDF, Word, PowerPoint, Antenna House exports) and a
  private study group's Word papers, from youkiti/i-1-grand-prix, every distinct PDF of its
  history;
* `cio`: the Government CIO advisers' discussion papers 2020-2021 (JUST PDF, Word PDFMaker)
  from code4fukui/cio-jp, every distinct PDF of its history;
* `okinawa`: Okinawa Prefecture's daily COVID-19 case sheets (Excel, JUST PDF; long tables)
  from Code-for-OKINAWA/covid19-pdf-parser's pdf/NNN_NNNN.pdf, a seeded sample of SAMPLE
  (default 40);
* `tokyo`: the Tokyo Metropolitan Government's daily case-count sheets (Excel, WPS Office)
  from smatsumt/parse-tokyo-covid-report-pdf, a seeded sample of SAMPLE (default 60);
* `hojyokin`: subsidy programmes' guidelines, rules and leaflets (METI, MHLW, SMRJ; Word,
  InDesign, Excel) collected in matiuskuma2/hojyokin, every distinct PDF of its history;
* `nepp`: Otoineppu village (Hokkaido) newsletters (Illustrator), hazard maps, plans and
  guides collected in kayac/nepp-chan, every distinct PDF of its history;
* `kuma`: calls, grant rules, FAQs and guidebooks of three small-business subsidy programmes
  (IT導入, 持続化, ものづくり) collected in KUMA-Kg/Claude-Code-Communication, every distinct PDF;
* `aichi`: Aichi Prefecture's COVID-19 patient lists (March-April 2020) from
  code4nagoya/covid19-scrape, every distinct blob named .pdf that is a PDF;
* `hanrei`: Supreme Court and lower-court judgments (courts.go.jp; FPDF with non-embedded
  `MS-Mincho-90msp-RKSJ-H`, Distiller, easyPDF) from Asano-Naoki/shihoushiken's docs/pdf, a
  seeded sample of SAMPLE (default 300) of the ~88,000 distinct PDFs of its current tree;
* `kanpo`: issues of the official gazette (官報) from testkun08080/action-kanpo, every distinct
  PDF of its history;
* `pdfplumber`, `pdfbox`: every distinct PDF in the history of jsvine/pdfplumber and of
  apache/pdfbox (library test files, mostly not Japanese: the never-worse rule holds for
  every file).
`--set history:TAG=CLONE` takes every distinct PDF of any other repository's history (the
tenth round's `setagaya`, `mf`, `minutes`, `yaizu`, `kodaira`: a ward's budget book, MHLW drug
master file notices, two national councils' minutes, a city's open-data papers, a council's
scanned papers with an OCR layer).
The last twenty-one have no truth: the comparison is suspicious-character share against pdftotext,
plus (every set) the files where glyphmend prints under 90 % of pdftotext's non-space
characters. NO_PYMUPDF=1 leaves PyMuPDF out of the run (it is not compared here).

usage: scripts/heldout_realworld.py GLYPHMEND_BIN OUT MHLW_CLONE [PDFJS_CLONE]
       scripts/heldout_realworld.py GLYPHMEND_BIN OUT --set NAME=CLONE [--set NAME=CLONE...]

For each set it writes OUT/SET/pdf/, runs ../shared/corpus/realworld/run.sh (pdftotext -raw
vs glyphmend) and compare.py, and prints the summary; snippets are also scored with NFKC on
both sides (the peer's CSV folds widths).
"""
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REALWORLD = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "corpus", "realworld"))


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=True).stdout


def files(repo):
    return [f for f in git(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD").decode().split("\0") if f]


def shared_names():
    return set(os.listdir(os.path.join(REALWORLD, "pdf")))


def build_mhlw(repo, out):
    os.makedirs(out, exist_ok=True)
    shared = shared_names()
    all_files = files(repo)
    csvs = {
        int(os.path.basename(f)[:2]): f
        for f in all_files
        if f.startswith("output_files/") and f.endswith(".csv")
    }
    n = 0
    for f in all_files:
        m = re.match(r"data_files/shinryoujo_(\d+)/(\d+)\.pdf$", f)
        if not m:
            continue
        k = int(m.group(1))
        name = f"jp-mhlw-shinryoujo{k}-{m.group(2)}"
        if f"{name}.pdf" in shared or k not in csvs:
            continue
        data = git(repo, "show", f"HEAD:{f}")
        if not data.startswith(b"%PDF"):
            continue  # a Git LFS pointer or a broken file
        open(os.path.join(out, f"{name}.pdf"), "wb").write(data)
        rows = list(csv.reader(io.StringIO(git(repo, "show", f"HEAD:{csvs[k]}").decode("utf-8-sig"))))
        names = [r[0].strip() for r in rows[1:] if r and r[0].strip()]
        open(os.path.join(out, f"{name}.expected-snippets.txt"), "w").write("\n".join(names) + "\n")
        n += 1
    return n


def build_pdfjs(repo, out):
    os.makedirs(out, exist_ok=True)
    shared = shared_names()
    n = 0
    for f in files(repo):
        if not (f.startswith("test/pdfs/") and f.lower().endswith(".pdf")):
            continue
        name = "pdfjs-" + os.path.basename(f)
        if name in shared:
            continue
        try:
            data = git(repo, "show", f"HEAD:{f}")
        except subprocess.CalledProcessError:
            continue
        open(os.path.join(out, name), "wb").write(data)
        n += 1
    return n


def distinct_pdfs(repo, prefix=""):
    """(path, blob) of every distinct PDF blob under prefix, in path order (first path wins)."""
    out = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "-z", "HEAD"], capture_output=True,
                         check=True).stdout.decode()
    seen, rows = set(), []
    for entry in out.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        blob = meta.split()[2]
        if path.startswith(prefix) and path.lower().endswith(".pdf") and blob not in seen:
            seen.add(blob)
            rows.append((path, blob))
    return sorted(rows)


def history_pdfs(repo):
    """(path, blob) of every distinct PDF blob in any commit of the repository (first path in
    `rev-list` order wins): some repositories delete their PDFs after parsing them."""
    out = subprocess.run(["git", "-C", repo, "rev-list", "--all", "--objects",
                          "--missing=allow-any"], capture_output=True,
                         check=True).stdout.decode()
    seen, rows = set(), []
    for line in out.splitlines():
        blob, _, path = line.partition(" ")
        if path.lower().endswith(".pdf") and blob not in seen:
            seen.add(blob)
            rows.append((path, blob))
    return sorted(rows)


def write_sample(repo, rows, out, tag, sample=None):
    import hashlib
    os.makedirs(out, exist_ok=True)
    if sample is not None and len(rows) > sample:
        # A seeded sample that does not depend on Python's hash or the listing order.
        rows = sorted(rows, key=lambda r: hashlib.sha256(b"seed1" + r[1].encode()).hexdigest())[:sample]
    n = 0
    for path, blob in rows:
        data = subprocess.run(["git", "-C", repo, "cat-file", "blob", blob], capture_output=True).stdout
        if not data.startswith(b"%PDF"):
            continue  # a Git LFS pointer or a broken file
        name = f"{tag}-{blob[:10]}-" + re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(path))[-40:]
        open(os.path.join(out, name if name.endswith(".pdf") else name + ".pdf"), "wb").write(data)
        n += 1
    return n


def build_tensuhyo(repo, out):
    return write_sample(repo, distinct_pdfs(repo, "data/in/"), out, "tensuhyo",
                        int(os.environ.get("SAMPLE", "300")))


def build_yakusyo(repo, out):
    return write_sample(repo, distinct_pdfs(repo), out, "yakusyo")


def build_nankoku(repo, out):
    return write_sample(repo, history_pdfs(repo), out, "nankoku")


def build_camelot(repo, out):
    return write_sample(repo, history_pdfs(repo), out, "camelot", int(os.environ.get("SAMPLE", "300")))


def build_fuji(repo, out):
    return write_sample(repo, history_pdfs(repo), out, "fuji")


def build_calico(repo, out):
    return write_sample(repo, history_pdfs(repo), out, "calico", int(os.environ.get("SAMPLE", "300")))


def build_sakaiminato(repo, out):
    return write_sample(repo, history_pdfs(repo), out, "sakaiminato")


def build_mhlw2(repo, out):
    earlier = set()
    if os.environ.get("EARLIER_CLONE"):
        earlier = {blob for _, blob in history_pdfs(os.environ["EARLIER_CLONE"])}
    shared = {hashlib_sha256(os.path.join(REALWORLD, "pdf", f))
              for f in shared_names() if f.endswith(".pdf")}
    rows = []
    for path, blob in history_pdfs(repo):
        if blob in earlier:
            continue
        data = subprocess.run(["git", "-C", repo, "cat-file", "blob", blob], capture_output=True).stdout
        if hashlib_bytes(data) not in shared:
            rows.append((path, blob))
    return write_sample(repo, rows, out, "mhlw2")


def build_hakusho(repo, out):
    return write_sample(repo, history_pdfs(repo), out, "hakusho")


def hashlib_bytes(data):
    import hashlib
    return hashlib.sha256(data).hexdigest()


def hashlib_sha256(path):
    return hashlib_bytes(open(path, "rb").read())


def build_okinawa(repo, out):
    # Only the prefecture's own sheets: processed_latest.pdf and the rest are the repository's
    # PyPDF2 rewrites and a graphic.
    rows = [r for r in history_pdfs(repo) if re.fullmatch(r"pdf/\d+_\d+\.pdf", r[0])]
    return write_sample(repo, rows, out, "okinawa", int(os.environ.get("SAMPLE", "40")))


BUILDERS = {"mhlw": None, "pdfjs": None, "tensuhyo": build_tensuhyo, "yakusyo": build_yakusyo,
            "nankoku": build_nankoku, "camelot": build_camelot, "fuji": build_fuji,
            "calico": build_calico, "sakaiminato": build_sakaiminato, "mhlw2": build_mhlw2,
            "hakusho": build_hakusho,
            "moj": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "moj"),
            "cio": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "cio"),
            "okinawa": build_okinawa,
            "tokyo": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "tokyo",
                                                    int(os.environ.get("SAMPLE", "60"))),
            "hojyokin": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "hojyokin"),
            "nepp": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "nepp"),
            "kuma": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "kuma"),
            "aichi": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "aichi"),
            "hanrei": lambda repo, out: write_sample(repo, distinct_pdfs(repo, "docs/pdf/"), out, "hanrei",
                                                     int(os.environ.get("SAMPLE", "300"))),
            "kanpo": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "kanpo"),
            "pdfplumber": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "pdfplumber"),
            "pdfbox": lambda repo, out: write_sample(repo, history_pdfs(repo), out, "pdfbox")}


def run(binary, set_dir):
    for s in ("run.sh", "metrics.py", "compare.py"):
        shutil.copy(os.path.join(REALWORLD, s), set_dir)
    if os.environ.get("NO_PYMUPDF") == "1":
        # PyMuPDF is not part of the comparison and costs most of the time on long documents.
        script = os.path.join(set_dir, "run.sh")
        text = open(script).read().replace("python3 -c 'import fitz' 2>/dev/null && HAVE_FITZ=1", "")
        open(script, "w").write(text)
    # metrics.py finds ../../tools/pdfcer.py relative to its folder.
    tools = os.path.join(set_dir, "..", "..", "tools")
    if not os.path.exists(tools):
        os.symlink(os.path.join(REALWORLD, "..", "..", "tools"), tools)
    env = dict(os.environ, TIMEOUT=os.environ.get("TIMEOUT", "20"))
    subprocess.run(["bash", "run.sh", binary, "out"], cwd=set_dir, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    out = subprocess.run(["python3", "compare.py", "out/metrics.json"], cwd=set_dir,
                         capture_output=True, text=True).stdout
    return out


def text_volume(set_dir, floor=0.9):
    """Files where glyphmend prints under `floor` of pdftotext's non-space characters
    (U+FFFD counts as printed: it is reported text loss, which the moj share already counts)."""
    out = os.path.join(set_dir, "out")
    low = []
    for f in sorted(os.listdir(os.path.join(out, "pdftotext"))):
        if not f.endswith(".txt"):
            continue
        count = lambda tool: len(re.sub(r"\s", "", open(os.path.join(out, tool, f), errors="replace").read()))
        p, g = count("pdftotext"), count("glyphmend")
        if p >= 200 and g < floor * p:
            low.append((f[:-4], g, p))
    return low


def lines_found(set_dir, least=8):
    """pdftotext's lines of at least `least` non-space characters, and how many of them occur
    in glyphmend's output (whitespace removed on both sides): what a reader of pdftotext's
    text would find in ours, whatever the order of the lines."""
    out = os.path.join(set_dir, "out")
    total = found = 0
    for f in sorted(os.listdir(os.path.join(out, "pdftotext"))):
        if not f.endswith(".txt"):
            continue
        flat = lambda t: re.sub(r"\s", "", t)
        ours = flat(open(os.path.join(out, "glyphmend", f), errors="replace").read())
        for line in open(os.path.join(out, "pdftotext", f), errors="replace").read().splitlines():
            line = flat(line)
            if len(line) >= least:
                total += 1
                found += line in ours
    return found, total


def nfkc_snippets(set_dir):
    found = {"glyphmend": 0, "pdftotext": 0}
    total, worst = 0, 1.0
    pdf = os.path.join(set_dir, "pdf")
    for f in sorted(os.listdir(pdf)):
        if not f.endswith(".expected-snippets.txt"):
            continue
        name = f[: -len(".expected-snippets.txt")]
        want = [s for s in open(os.path.join(pdf, f)).read().split("\n") if s.strip()]
        norm = lambda s: unicodedata.normalize("NFKC", re.sub(r"\s", "", s))
        total += len(want)
        for tool in found:
            got = norm(open(os.path.join(set_dir, "out", tool, f"{name}.txt")).read())
            k = sum(1 for s in want if norm(s) in got)
            found[tool] += k
            if tool == "glyphmend":
                worst = min(worst, k / len(want))
    return found, total, worst


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    binary, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    BUILDERS["mhlw"], BUILDERS["pdfjs"] = build_mhlw, build_pdfjs
    if sys.argv[3] == "--set":
        sets = []
        args = sys.argv[3:]
        while args:
            if args[0] != "--set" or len(args) < 2 or "=" not in args[1]:
                sys.exit(__doc__)
            name, repo = args[1].split("=", 1)
            if name.startswith("history:"):
                # Any other repository: every distinct PDF of its history, named by the tag.
                name = name.split(":", 1)[1]
                sets.append((name, lambda repo, out, tag=name: write_sample(
                    repo, history_pdfs(repo), out, tag), repo))
                args = args[2:]
                continue
            if name not in BUILDERS:
                sys.exit(f"unknown set {name}: one of {', '.join(BUILDERS)}")
            sets.append((name, BUILDERS[name], repo))
            args = args[2:]
    else:
        mhlw = sys.argv[3]
        pdfjs = sys.argv[4] if len(sys.argv) > 4 else None
        sets = [("mhlw", build_mhlw, mhlw)] + ([("pdfjs", build_pdfjs, pdfjs)] if pdfjs else [])
    for name, build, repo in sets:
        set_dir = os.path.join(out, "corpus", name)
        n = build(repo, os.path.join(set_dir, "pdf"))
        print(f"== {name}: {n} PDFs")
        summary = run(binary, set_dir)
        print("\n".join(summary.strip().split("\n")[-40:]))
        low = text_volume(set_dir)
        for name_, g, p in low:
            print(f"less text {name_}: {g} vs pdftotext {p} non-space characters")
        print(f"files printing < 90 % of pdftotext's non-space characters: {len(low)}")
        found, total = lines_found(set_dir)
        print(f"pdftotext's lines of >= 8 non-space characters found in ours: {found}/{total}")
        if name == "mhlw":
            found, total, worst = nfkc_snippets(set_dir)
            print(f"facility names (NFKC): glyphmend {found['glyphmend']}/{total}, "
                  f"pdftotext {found['pdftotext']}/{total}, worst file {worst:.1%}")


if __name__ == "__main__":
    main()
