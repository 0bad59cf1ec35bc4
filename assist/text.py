"""From a case's title and body to the terms the similarity is computed on.

Three kinds of term, each prefixed so they never collide:

- ``w:`` words from rjieba (jieba-rs, which ships its dictionary; nothing is downloaded), in search mode so
  a long word also yields its parts (停车难 → 停车, 停车难);
- ``s:`` one term per synonym group the text mentions (停车位 and 停车场 both give ``s:停车难``), so two
  members who name the same matter differently still meet;
- ``c:`` CJK character bigrams inside the runs of content words, which catch what the segmenter splits
  differently (寄递物流 / 物流寄递) and names it does not know.

Stop words are the field's boilerplate (关于, 建议, 进一步, 加强, 我区 …): they say nothing about the matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import rjieba

# The field's boilerplate: verbs of urging, the names of the document and of the place, filler. Words that
# are merely common (教育, 医疗) stay: TF-IDF weighs them down by itself.
STOP_WORDS = frozenset(
    """
    关于 建议 提案 意见 议案 对策 思考 探索 研究 调研 报告 浅谈 浅议 几点 一些 有关 相关 方面 问题 工作 情况
    进一步 加强 加快 加大 推进 推动 促进 提升 提高 完善 优化 强化 深化 做好 抓好 抓紧 着力 切实 全面 大力 积极
    持续 不断 尽快 有效 扎实 健全 规范 落实 实施 开展 实现 解决 破解 建立 构建 打造 形成 发挥 助力 助推 赋能
    力度 水平 能力 质量 高质量 发展 体系 机制 措施 举措 途径 路径 建设 管理 服务 保障 支持 引导 鼓励
    我区 全区 本区 区委 区政府 陈仓 陈仓区 宝鸡 宝鸡市 我市 全市 我县 我省 全省 地方 当地 辖区 区域
    的 了 和 与 及 以及 或 等 对 对于 为 为了 在 中 上 下 里 是 将 把 被 让 使 由 从 向 以 之 其 这 那 该 各 各类
    一 二 三 四 五 个 项 条 年 月 日 我们 他们 目前 当前 现在 近年来 近年 今年 去年 存在 主要 重要 一定 有关部门
    部门 单位 政府 群众 百姓 老百姓 市民 居民 人民 社会 新 加以 予以 进行 通过 需要 必要 应当 应该 建议 希望
    呼吁 恳请 要求 确保 保证 有序 合理 科学 逐步 尽早 及时 统筹 协调 多措并举 提质 增效 提质增效 专项 综合 整体
    """.split()
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORDISH = re.compile(r"^[\w\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")


def normalise(text: str) -> str:
    """Full-width to half-width (ＡＥＤ → aed), lower case, one kind of space."""
    return unicodedata.normalize("NFKC", text or "").lower()


@dataclass(frozen=True)
class Synonyms:
    """The synonym groups in force: phrase → the group's canonical term (its first word)."""

    groups: tuple[tuple[str, ...], ...] = ()
    _canon: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _pattern: re.Pattern | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, groups: Iterable[Sequence[str]]) -> Synonyms:
        clean: list[tuple[str, ...]] = []
        canon: dict[str, str] = {}
        for group in groups:
            words = tuple(dict.fromkeys(normalise(w).strip() for w in group if normalise(w).strip()))
            if len(words) < 2:
                continue
            clean.append(words)
            for word in words:
                canon.setdefault(word, words[0])
                if _CJK.search(word) and not rjieba.has_word(word):
                    # So the segmenter keeps the phrase whole (快递进村 stays one word, beside its parts).
                    rjieba.add_word(word, None, None)
        phrases = sorted(canon, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(p) for p in phrases)) if phrases else None
        return cls(tuple(clean), canon, pattern)

    def groups_in(self, text: str) -> list[str]:
        """The canonical term of every group a phrase of ``text`` belongs to (longest phrases first)."""
        if self._pattern is None:
            return []
        return [self._canon[m.group(0)] for m in self._pattern.finditer(text)]

    def phrases_of(self, canonical: str) -> tuple[str, ...]:
        for words in self.groups:
            if words[0] == canonical:
                return words
        return ()


NO_SYNONYMS = Synonyms.of(())


def _content_runs(text: str) -> list[list[str]]:
    """Runs of consecutive content words (stop words and punctuation cut a run)."""
    runs: list[list[str]] = [[]]
    for token in rjieba.cut(text):
        token = token.strip()
        if not token or token in STOP_WORDS or not _WORDISH.match(token):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(token)
    return [r for r in runs if r]


def terms(text: str, synonyms: Synonyms = NO_SYNONYMS) -> list[str]:
    """The prefixed terms of one piece of text, with repeats (their counts are the term frequencies)."""
    text = normalise(text)
    if not text.strip():
        return []
    out: list[str] = []
    for token in rjieba.cut_for_search(text):
        token = token.strip()
        if not 2 <= len(token) <= 30 or token in STOP_WORDS or not _WORDISH.match(token) or token.isdigit():
            continue
        out.append("w:" + token)
    out.extend("s:" + canonical for canonical in synonyms.groups_in(text))
    for run in _content_runs(text):
        chars = "".join(t for t in run if _CJK.match(t[0]))
        out.extend("c:" + chars[i : i + 2] for i in range(len(chars) - 1))
    return out


def display(term: str) -> str:
    """A term as people read it (``w:停车`` → 停车; ``s:停车难`` → 停车难(同义))."""
    kind, _, word = term.partition(":")
    return f"{word}（同义）" if kind == "s" else word
