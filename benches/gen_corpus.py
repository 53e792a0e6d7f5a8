#!/usr/bin/env python3
"""Synthetic People's Daily archive files for the linking benchmark (benches/link-scale.sh).

    benches/gen_corpus.py OUT_DIR --first K --count N [--seed S] [--sentences M] [--date-index D]

Writes documents K .. K+N-1 (one archive file each, in the archive's YYYY/MM/DD layout) to
OUT_DIR. Document k depends only on (seed, k), so a store can be grown batch by batch and
the benchmark's probe documents (a far-away range of k) are new to any store. With the
defaults a document has 52 sentences (plus the opening and signature), about 67 units.

Each document is made from the sentences of the two seed joint statements
(examples/corpus/*.txt, 121 sentences besides the openings), used as templates:

* The partner state (Kazakhstan in the seeds) is replaced by a state of lexicon/parties.toml,
  drawn Zipf-like per document, in all its forms (full name, usual name, X方, 中X).
* Every token that the linker could use as a *channel* is redrawn: a content word (jieba
  tag n*, v, vd, vn, l, i, j) that is not a stop word, actor or boilerplate word, and whose
  weight `ln(N / suggest_freq) - idf_base` reaches `channel_min_weight` (frequency <= ~7,400
  of jieba's 60M), or that holds a dictionary word rare enough to be a channel at half
  weight (<= ~2,700), or that jieba does not know. Templates are cut as jieba-rs cuts them
  (dictionary route, then its HMM on runs of single characters, which is where unknown
  words such as 商签 or 并愿 come from), so what is redrawn is what the linker would see.
  The replacement is a word of the same coarse part of speech drawn from jieba's dictionary
  with probability proportional to its dictionary frequency, among channel-grade words. So
  the number of channel words per sentence is the seeds' own, and how often each recurs
  across the corpus follows jieba's reference corpus (Zipf-like: most rare, a few common).
  Common words (合作, 发展, 双方将 ...) are kept, so extraction finds the same kinds of units.
* Organisation names (lexicon/organisations.toml, with their aliases) stay organisations
  (keys) with probability --org-share, drawn Zipf-like (--org-zipf); the others become an
  unknown organisation (a drawn word + 委员会/组织/中心/机构). Titles in 《》 and names in “”
  get words drawn from a generator seeded by the partner and the five-year period, so the
  same treaty is named the same way in the documents of one partner and period.
* Years are shifted to the document's year (1990-2021, dates drawn uniformly; or, with
  --date-index N, one document a day from 1990-01-01 + N days, so that each new batch comes
  after the store, as news does), amounts
  before 亿/万 are drawn, and the signature block carries the document's date.

What this corpus does *not* model: the templates' common words are shared by every document
that uses a template (each template is in ~43% of the documents), so two units that share a
redrawn word by chance often also share a sentence frame, and link; links are therefore
denser than in a corpus of independently written texts (about 1.5 links per unit at 10k
units, 14 at 100k).

Needs jieba-rs's dict.txt and jieba-macros's hmm.model from ~/.cargo/registry (present after
a build; or --jieba-dict / --hmm-model). Standard library only; deterministic for a seed.
"""

import argparse
import datetime
import bisect
import glob
import math
import os
import random
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# jieba's reference total and the linker's similarity rules (lexicon/links.toml): a word is
# a channel when ln(TOTAL / f) - idf_base >= channel_min_weight.
TOTAL = 60_101_967.0
CHANNEL_MAX_FREQ = TOTAL / math.exp(8.0 + 1.0)  # ~7,417
# Dictionary words inside a longer token count at half weight (sub_word_share = 0.5).
SUB_WORD_CHANNEL_MAX_FREQ = TOTAL / math.exp(8.0 + 2.0)  # ~2,728
MAX_SUB_WORD_SOURCE = 16

# Content tags (src/extract/units.rs, Pos::is_content) and the pool each one draws from.
POOL_OF_TAG = {
    "n": "n", "ng": "n", "nz": "n", "nt": "n", "nrt": "nr",
    "ns": "ns", "nr": "nr", "nrfg": "nr",
    "v": "v", "vd": "v", "vn": "vn",
    "l": "l", "i": "l", "j": "l",
}
POOL_TAGS = {"n": {"n", "nz"}, "ns": {"ns"}, "nr": {"nr"}, "v": {"v"}, "vn": {"vn"},
             "l": {"l", "i"}}

# Organisations that are not in organisations.toml: a drawn word and one of these.
# Common words, never channels themselves.
ORG_SUFFIXES = ["委员会", "组织", "中心", "机构"]

CJK = re.compile(r"^[\u4e00-\u9fff]+$")
CN_DIGITS = "○一二三四五六七八九"


def find_jieba_dict():
    home = os.path.expanduser("~")
    hits = sorted(glob.glob(os.path.join(
        home, ".cargo/registry/src/*/jieba-rs-*/src/data/dict.txt")))
    if not hits:
        sys.exit("gen_corpus: jieba-rs's dict.txt not found under ~/.cargo/registry "
                 "(build the project first, or pass --jieba-dict)")
    return hits[-1]


def find_hmm_model():
    home = os.path.expanduser("~")
    hits = sorted(glob.glob(os.path.join(
        home, ".cargo/registry/src/*/jieba-macros-*/src/hmm.model")))
    if not hits:
        sys.exit("gen_corpus: jieba-macros's hmm.model not found under ~/.cargo/registry")
    return hits[-1]


def is_block_char(c):
    """jieba's RE_HAN_DEFAULT class: CJK, ASCII alphanumerics and +#&._%-."""
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or \
        (c.isascii() and (c.isalnum() or c in "+#&._%-"))


def is_hmm_han(c):
    return "\u4e00" <= c <= "\u9fd5"


MIN_FLOAT = -3.14e100
B, E, M, S = 0, 1, 2, 3
PREV = {B: (E, S), E: (B, M), M: (B, M), S: (E, S)}


class Segmenter:
    """jieba-rs's `cut(text, hmm = true)`: the dictionary route (DAG, maximum probability),
    with runs of single characters that are no dictionary word cut again by the HMM (which
    is how new words such as 商签 or 并愿 appear)."""

    def __init__(self, freqs, hmm_model):
        self.freq = freqs
        self.max_len = max(len(w) for w in freqs)
        self.log_total = math.log(sum(freqs.values()))
        lines = [l.strip() for l in open(hmm_model, encoding="utf-8")
                 if l.strip() and not l.startswith("#")]
        self.start = [float(x) for x in lines[0].split()]
        self.trans = [[float(x) for x in lines[1 + i].split()] for i in range(4)]
        self.emit = [{} for _ in range(4)]
        for i in range(4):
            for pair in lines[5 + i].split(","):
                ch, prob = pair.rsplit(":", 1)
                self.emit[i][ch] = float(prob)

    def cut(self, text, hmm=True):
        out, i = [], 0
        while i < len(text):
            j = i + 1
            block = is_block_char(text[i])
            while j < len(text) and is_block_char(text[j]) == block:
                j += 1
            if block:
                self.cut_block(text[i:j], out, hmm)
            else:
                out.extend(text[i:j])
            i = j
        return out

    def cut_block(self, s, out, hmm=True):
        n = len(s)
        route = [(0.0, 0)] * (n + 1)
        for i in range(n - 1, -1, -1):
            best = None
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                f = self.freq.get(s[i:j])
                if not f:
                    if j > i + 1:
                        continue
                    f = 1
                score = math.log(f) - self.log_total + route[j][0]
                if best is None or score >= best[0]:
                    best = (score, j)
            route[i] = best
        i, left = 0, None
        while i < n:
            j = route[i][1]
            if j - i == 1 and (hmm or s[i].isascii() and s[i].isalnum()):
                if left is None:
                    left = i
            else:
                if left is not None:
                    self.cut_run(s[left:i], out, hmm)
                    left = None
                out.append(s[i:j])
            i = j
        if left is not None:
            self.cut_run(s[left:], out, hmm)

    def cut_run(self, run, out, hmm=True):
        if not hmm:  # a run of ASCII alphanumerics: one word
            out.append(run)
            return
        if len(run) == 1 or self.freq.get(run):
            out.extend(run)
            return
        i = 0
        while i < len(run):
            j = i + 1
            han = is_hmm_han(run[i])
            while j < len(run) and is_hmm_han(run[j]) == han:
                j += 1
            part = run[i:j]
            if han and len(part) > 1:
                self.viterbi(part, out)
            elif han:
                out.append(part)
            else:
                out.extend(re.findall(r"[a-zA-Z0-9]+(?:\.\d+)?%?|.", part, re.S))
            i = j

    def viterbi(self, run, out):
        emit = lambda c: [self.emit[k].get(c, MIN_FLOAT) for k in range(4)]
        e = emit(run[0])
        v = [self.start[y] + e[y] for y in range(4)]
        prev = []
        for c in run[1:]:
            e = emit(c)
            cur, back = [0.0] * 4, [0] * 4
            for y in range(4):
                y0, y1 = PREV[y]
                p0 = v[y0] + self.trans[y0][y] + e[y]
                p1 = v[y1] + self.trans[y1][y] + e[y]
                cur[y], back[y] = (p0, y0) if p0 > p1 else (p1, y1)
            v = cur
            prev.append(back)
        state = E if v[E] > v[S] else S
        path = [state]
        for back in reversed(prev):
            state = back[state]
            path.append(state)
        path.reverse()
        begin = 0
        for i, st in enumerate(path):
            if st == B:
                begin = i
            elif st == E:
                out.append(run[begin:i + 1])
                begin = i + 1
            elif st == S:
                out.append(run[i])
                begin = i + 1
        if begin < len(run) and path[-1] not in (E, S):
            out.append(run[begin:])


    def suggest_freq(self, word):
        """jieba's `suggest_freq`: the frequency of a word as its dictionary cut puts it
        (what src/extract/words.rs weighs words by)."""
        f = 1.0
        total = math.exp(self.log_total)
        for piece in self.cut(word, hmm=False):
            f *= self.freq.get(piece, 1) / total
        return max(int(f * total) + 1, self.freq.get(word, 1))


class Pool:
    """Words drawn with probability proportional to a weight."""

    def __init__(self, items):
        self.words = [w for w, _ in items]
        self.cum = []
        total = 0.0
        for _, weight in items:
            total += weight
            self.cum.append(total)
        self.total = total

    def draw(self, rng):
        return self.words[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf_pool(words, rng, s=1.0):
    order = list(words)
    rng.shuffle(order)
    return Pool([(w, 1.0 / (rank + 1) ** s) for rank, w in enumerate(order)])


def lexicon_words(lexicon, files):
    """Every Chinese string of some lexicon files."""
    out = set()
    for name in files:
        text = open(os.path.join(lexicon, name), encoding="utf-8").read()
        out.update(re.findall(r"[\u4e00-\u9fff]{2,}", text))
    return out


def stopwords(lexicon):
    out = set()
    for line in open(os.path.join(lexicon, "stopwords.txt"), encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            out.add(line)
    return out


def load(args):
    lexicon = os.path.join(ROOT, "lexicon")
    jieba = {}
    tags = {}
    for line in open(args.jieba_dict or find_jieba_dict(), encoding="utf-8"):
        p = line.split()
        if len(p) >= 2:
            jieba[p[0]] = int(p[1])
            if len(p) >= 3:
                tags[p[0]] = p[2]
    # The project's own dictionary words, as the extractor adds them to jieba.
    domain = {}
    for line in open(os.path.join(lexicon, "dict.txt"), encoding="utf-8"):
        p = line.split()
        if len(p) >= 3 and not line.startswith("#"):
            domain[p[0]] = int(p[1])
            tags.setdefault(p[0], p[2])
    parties = tomllib.load(open(os.path.join(lexicon, "parties.toml"), "rb"))["party"]
    orgs = tomllib.load(open(os.path.join(lexicon, "organisations.toml"), "rb"))["organisation"]
    org_names = {}
    for o in orgs:
        for name in [o["zh"]] + o.get("aliases", []):
            if re.search(r"[\u4e00-\u9fff]", name):
                org_names[name] = o["zh"]
    seg_freqs = dict(jieba)
    seg_freqs.update(domain)
    kz = next(p for p in parties if p["code"] == "KZ")
    party_words = set()
    for p in parties:
        party_words.update(p["names"])
        party_words.add(p["zh"])
    for w in sorted(party_words) + ["中" + kz["short"]]:
        seg_freqs[w] = max(seg_freqs.get(w, 0), 50_000)  # one token each
    # Words that never weigh anything for the linker: stop words, actor and party words,
    # boilerplate (src/link/mod.rs, Linker::analyse).
    silent = stopwords(lexicon) | lexicon_words(lexicon, ["actors.toml", "parties.toml"]) \
        | party_words
    silent |= set(tomllib.load(open(os.path.join(lexicon, "links.toml"), "rb"))["boilerplate"])
    # Never drawn as replacements: the lexicon's own vocabulary (cues, topics, ...).
    avoid = lexicon_words(lexicon, ["cues.toml", "actors.toml", "clutter.toml", "topics.toml",
                                    "links.toml", "organisations.toml", "parties.toml"]) \
        | silent | set(org_names)
    pools = {}
    for name, wanted in POOL_TAGS.items():
        items = [(w, f) for w, f in jieba.items()
                 if tags.get(w) in wanted and 2 <= len(w) <= 4 and f <= CHANNEL_MAX_FREQ
                 and CJK.match(w) and w not in avoid and w not in domain]
        pools[name] = Pool(items)
    return {
        "seg": Segmenter(seg_freqs, args.hmm_model or find_hmm_model()),
        "freq": seg_freqs,
        "tags": tags,
        "pools": pools,
        "orgs": org_names,
        "org_re": re.compile("|".join(re.escape(n) for n in sorted(org_names, key=len,
                                                                    reverse=True))),
        "org_pool": zipf_pool(sorted({o["zh"] for o in orgs if CJK.match(o["zh"])}),
                              random.Random(args.seed + 1), s=args.org_zipf),
        "partners": [p for p in parties if p["code"] not in ("CN", "KZ")] + [kz],
        "kz": kz,
        "party_words": party_words,
        "silent": silent,
    }


def seed_templates(args):
    """Sentences of the seed bodies (openings apart), the openings, and the seed titles."""
    sentences, openings, titles = [], [], []
    for path in sorted(glob.glob(os.path.join(ROOT, "examples/corpus/*.txt"))):
        text = open(path, encoding="utf-8").read()
        titles.append(re.search(r"〖BT/标题〗(.*?)〖-BT/标题〗", text).group(1))
        body = re.search(r"〖ZW/正文〗(.*?)〖-ZW/正文〗", text, re.S).group(1)
        paragraphs = [p.strip() for p in body.split("\n") if "。" in p]
        for k, p in enumerate(paragraphs):
            parts = re.findall(r"[^。；！？]*[。；！？]|[^。；！？]+$", p)
            parts = [s.strip() for s in parts if len(s.strip()) >= 6]
            if k == 0:
                openings.append(parts)
            else:
                sentences.extend(parts)
    return sentences, openings, titles


class Generator:
    def __init__(self, args):
        self.args = args
        self.lx = load(args)
        self.sentences, self.openings, self.titles = seed_templates(args)
        self.cut_cache = {}
        self.channel_cache = {}
        kz = self.lx["kz"]
        # Kazakhstan's forms, longest first.
        self.kz_forms = sorted(set(kz["names"]) | {kz["zh"]}, key=len, reverse=True)
        self.partner_pool = zipf_pool(range(len(self.lx["partners"])),
                                      random.Random(args.seed + 2), s=0.8)

    def tokens(self, sentence):
        """The sentence's tokens: organisation names whole, the rest as jieba cuts it."""
        t = self.cut_cache.get(sentence)
        if t is None:
            t, at = [], 0
            for m in self.lx["org_re"].finditer(sentence):
                t += self.lx["seg"].cut(sentence[at:m.start()]) + [m.group(0)]
                at = m.end()
            t += self.lx["seg"].cut(sentence[at:])
            self.cut_cache[sentence] = t
        return t

    def partner_forms(self, p):
        full = p["names"][0]
        # X方 where the lexicon has one (哈方), else the usual name (乌拉圭愿…): an unknown
        # 乌拉圭方 would be cut 乌拉圭 / 方愿.
        side = next((n for n in p["names"] if n.endswith("方") and len(n) == 2), p["zh"])
        out = {}
        for form in self.kz_forms:
            if form.endswith("方") and len(form) == 2:
                out[form] = side
            elif form.endswith("政府"):
                out[form] = full + "政府"
            elif form.endswith("共和国"):
                out[form] = full
            else:
                out[form] = p["zh"]
        out["中" + self.lx["kz"]["short"]] = "中" + (p.get("short") or p["zh"])
        return out

    def channel_pool(self, word):
        pool = self.channel_cache.get(word, 0)
        if pool == 0:
            pool = self.channel_cache[word] = self.is_channel(word)
        return pool

    def is_channel(self, word):
        """The pool to redraw this token from when the linker could make it a channel (src/link/mod.rs, analyse and
        profile_of; src/extract/words.rs): a content word of two or more characters, not
        silent, rare enough, or holding a rare enough dictionary word."""
        lx = self.lx
        if len(word) < 2 or not CJK.match(word) or word in lx["silent"]:
            return None
        seg = lx["seg"]
        # Its part of speech: its own tag when jieba cuts it alone as one word, else a noun.
        alone = word in lx["freq"] and seg.cut(word) == [word]
        tag = lx["tags"].get(word, "n") if alone else "n"
        pool = POOL_OF_TAG.get(tag)
        if pool is None:
            return None
        if seg.suggest_freq(word) <= CHANNEL_MAX_FREQ:
            return pool
        if len(word) > MAX_SUB_WORD_SOURCE:
            return None
        for n in range(2, len(word)):
            for i in range(0, len(word) - n + 1):
                sub = word[i:i + n]
                if sub in lx["freq"] and sub not in lx["silent"] \
                        and seg.suggest_freq(sub) <= SUB_WORD_CHANNEL_MAX_FREQ:
                    return pool
        return None

    def replace(self, word, rng):
        """A channel word of the template redrawn, or the word itself."""
        lx = self.lx
        if word in lx["orgs"]:
            if rng.random() < self.args.org_share:
                return lx["org_pool"].draw(rng)
            return lx["pools"]["n"].draw(rng) + rng.choice(ORG_SUFFIXES)
        pool = None if word in lx["party_words"] else self.channel_pool(word)
        return word if pool is None else lx["pools"][pool].draw(rng)

    def render(self, sentence, rng, name_rng, forms):
        out = []
        depth = 0
        changed_inside = False
        for t in self.tokens(sentence):
            if t in ("《", "“"):
                depth += 1
                changed_inside = False
            if t in forms:
                out.append(forms[t])
                continue
            if self.lx["kz"]["zh"] in t:  # a longer name holding the partner's (哈萨克斯坦国家银行)
                out.append(t.replace(self.lx["kz"]["zh"], forms[self.lx["kz"]["zh"]]))
                continue
            if depth and t in ("》", "”"):
                if not changed_inside:
                    out.insert(len(out) - 1 if len(out) > 1 else len(out),
                               self.lx["pools"]["n"].draw(name_rng))
                depth -= 1
                out.append(t)
                continue
            r = self.replace(t, name_rng if depth else rng)
            if depth and r != t:
                changed_inside = True
            out.append(r)
        return "".join(out)

    def document(self, k):
        args = self.args
        rng = random.Random(args.seed * 1_000_003 + k)
        partner = self.lx["partners"][self.partner_pool.draw(rng)]
        forms = self.partner_forms(partner)
        year = rng.randint(1990, 2021)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        if args.date_index is not None:
            # One document a day from 1990-01-01, in the order of the date index.
            d = datetime.date(1990, 1, 1) + datetime.timedelta(days=args.date_index + k - args.first)
            year, month, day = d.year, d.month, d.day
        # Titles and names: the same for one partner, template and five-year period.
        name_seed = args.seed * 7919 + hash_str(partner["code"]) * 10 + year // 5
        opening_idx = rng.randrange(len(self.openings))
        seed_year = 2012 if opening_idx == 0 else 2011

        def fix(text):
            text = re.sub(r"((?:19|20)\d\d)(?=年)",
                          lambda m: str(int(m.group(1)) - seed_year + year), text)
            text = re.sub(r"\d+(?=(?:亿|万))", lambda m: str(rng.randint(2, 999)), text)
            return text

        def line(tpl, idx):
            name_rng = random.Random(name_seed * 1009 + idx)
            return fix(self.render(tpl, rng, name_rng, forms))

        paragraphs = ["".join(line(s, -1 - i) for i, s in enumerate(self.openings[opening_idx]))]
        count = max(1, args.sentences - len(self.openings[opening_idx]))
        picks = rng.sample(range(len(self.sentences)), min(count, len(self.sentences)))
        while len(picks) < count:  # more sentences asked for than templates: repeat some
            picks.append(rng.randrange(len(self.sentences)))
        i, section = 0, 0
        while i < len(picks):
            if rng.random() < 0.15:
                section += 1
                paragraphs.append(cn_number(section))
            n = rng.choice((1, 1, 2, 2, 3))
            paragraphs.append("".join(line(self.sentences[j], j) for j in picks[i:i + n]))
            i += n
        # Signature block: the partner, the date (the signing date the extractor reads).
        paragraphs += [
            "中华人民共和国 " + partner["names"][0],
            "（签字） （签字）",
            cn_date(year, month, day) + "于北京",
            "（新华社北京%d月%d日电）" % (month, day),
        ]
        title_tpl = self.titles[opening_idx]
        title = fix(self.render(title_tpl, random.Random(name_seed), random.Random(name_seed),
                                forms))
        text = (
            "〖ZQ/总期〗%d〖-ZQ/总期〗\n"
            "〖RQ/日期〗%04d%02d%02d〖-RQ/日期〗\n"
            "〖BH/版号〗%02d〖-BH/版号〗\n"
            "〖TH/条号〗%d〖-TH/条号〗\n"
            "〖BT/标题〗%s〖-BT/标题〗\n"
            "〖FL/分类〗D822〖-FL/分类〗\n"
            "〖BM/版名〗国际新闻〖-BM/版名〗\n"
            "〖TC/体裁〗公报、公告〖-TC/体裁〗\n"
            "〖ZW/正文〗\n%s\n〖-ZW/正文〗\n"
        ) % (100_000 + k, year, month, day, rng.randint(1, 24), rng.randint(1, 9), title,
             "\n".join("    " + p for p in paragraphs))
        return (year, month, day), text


def hash_str(s):
    h = 0
    for c in s:
        h = (h * 131 + ord(c)) % 1_000_000_007
    return h


def cn_number(n):
    units = "一二三四五六七八九"
    if n <= 9:
        return units[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else units[tens - 1]) + "十" + (units[ones - 1] if ones else "")


def cn_date(y, m, d):
    return "".join(CN_DIGITS[int(c)] for c in str(y)) + "年" + cn_number(m) + "月" + \
        cn_number(d) + "日"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--first", type=int, default=0, help="index of the first document")
    ap.add_argument("--count", type=int, required=True, help="how many documents")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--date-index", type=int, default=None,
                    help="date the documents one a day from 1990-01-01 + this many days, in "
                         "order (default: dates drawn over 1990-2021)")
    ap.add_argument("--sentences", type=int, default=52,
                    help="sentences per document (about 1.3 units each)")
    ap.add_argument("--org-share", type=float, default=0.1,
                    help="share of organisation mentions that stay organisations of "
                         "lexicon/organisations.toml (keys); the others become unknown ones")
    ap.add_argument("--org-zipf", type=float, default=0.7,
                    help="Zipf exponent of the organisations drawn (by a fixed random rank)")
    ap.add_argument("--jieba-dict", help="jieba's dict.txt (default: from ~/.cargo/registry)")
    ap.add_argument("--hmm-model", help="jieba's hmm.model (default: from ~/.cargo/registry)")
    args = ap.parse_args()
    gen = Generator(args)
    for k in range(args.first, args.first + args.count):
        (y, m, d), text = gen.document(k)
        folder = os.path.join(args.out, "%04d" % y, "%02d" % m, "%02d" % d)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "g%08d.txt" % k), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
