"""The pre-submission check (预审, issue 22): advice to a member before submitting, and to staff and
reviewers at review — never a refusal. The member may submit anyway; what the check said when the case
was submitted is kept (``PrecheckRecord``).

The rules read the text as the office reads it (DOMAIN.md's review and its not-filed grounds):

- ``title``: the title's form — 关于……的提案 / 关于……的建议, of a readable length;
- ``parts``: the parts a case needs — the situation or problem, its analysis (why), the concrete suggestions;
- ``suggestion``: suggestions that only urge or hope (重视、加大力度、引起关注) and say nothing to do;
- ``length``: a body shorter or longer than the settings (``precheck_body_min_chars`` / ``_max_chars``);
- ``multiple``: signs of several matters in one case (一事一案);
- ``personal``, ``litigation``, ``promotion``, ``accusation``, ``academic``: signs of a not-filed ground;
- ``repeat``: the same matter as a case of an earlier session (with that case's accepted reply).

Each rule weighs several signals (a phrase, its context, the absence of the opposite), so a single common
word never fires one. Measured on bench/assist/precheck.jsonl by ``assist_eval --precheck``: each rule fires
on ≥ 80 % of its examples, advice on ≤ 10 % of the clean cases, in ≤ 100 ms a case.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

RULES: dict[str, str] = {
    "title": "案由格式",
    "parts": "内容要素",
    "suggestion": "具体建议",
    "length": "篇幅",
    "multiple": "一事一案",
    "personal": "个人或家庭事务",
    "litigation": "涉诉涉仲裁事项",
    "promotion": "产品推介",
    "accusation": "针对具体人员的检举",
    "academic": "学术讨论",
    "repeat": "往届同类提案",
}
# The not-filed grounds among the rules (DOMAIN.md's list), shown as the stronger warning.
GROUNDS = frozenset({"personal", "litigation", "promotion", "accusation", "academic"})
TITLE_MIN, TITLE_MAX = 8, 40
DEFAULT_BODY_MIN, DEFAULT_BODY_MAX = 120, 5000


@dataclass
class Advice:
    rule: str
    message: str
    # For ``repeat``: the earlier case (id, title, number, session, reply) as shown.
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return RULES[self.rule]

    @property
    def is_ground(self) -> bool:
        return self.rule in GROUNDS

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(patterns: list[re.Pattern[str]], text: str) -> int:
    return sum(1 for p in patterns if p.search(text))


def _rx(*patterns: str) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


# --- The title --------------------------------------------------------------------------------------

_TITLE_END = re.compile(r"的(提案|建议)$")


def check_title(title: str) -> Advice | None:
    title = re.sub(r"\s+", "", title or "")
    problems = []
    if not title.startswith("关于"):
        problems.append("以“关于”开头")
    if not _TITLE_END.search(title):
        problems.append("以“的提案”或“的建议”结尾")
    if re.search(r"[？?！!——]|调研报告|思考与对策|浅谈|浅议", title):
        problems.append("不用问句、感叹句、副标题或论文式题目")
    if len(title) > TITLE_MAX:
        problems.append(f"控制在 {TITLE_MAX} 字以内（现 {len(title)} 字）")
    elif len(title) < TITLE_MIN:
        problems.append(f"不少于 {TITLE_MIN} 字，写明所提事项（现 {len(title)} 字）")
    if not problems:
        return None
    return Advice("title", f"案由一般写作“关于……的提案（建议）”，请{'，'.join(problems)}。")


# --- The parts: situation, analysis, suggestions ---------------------------------------------------------

_ANALYSIS = _rx(
    r"原因|由于|因为|导致|造成|致使|究其|根源|在于|制约|瓶颈|短板|受制",
    r"主要是|一方面|另一方面|问题是|困难是|症结",
    r"不足|不够|不强|不高|偏低|偏高|缺乏|缺少|薄弱|滞后|不健全|不完善|不到位|不畅|老化|短缺|难以|无法|不便|隐患|风险"
    r"|不及时|未能|不对等|矛盾|频发|拥挤|重复率",
    r"\d+(\.\d+)?\s*(%|％|万|亿|余|多|个|家|人|名|户|公里|吨|元|张|所|辆|起)",
)


def check_parts(facts: str) -> Advice | None:
    facts = (facts or "").strip()
    missing = []
    if len(facts) < 40:
        missing.append("情况或问题的陈述")
    # A page of facts that never says why or how much is a situation without its analysis.
    if len(facts) < 40 or _count(_ANALYSIS, facts) == 0:
        missing.append("对原因和影响的分析")
    if not missing:
        return None
    return Advice(
        "parts",
        f"提案一般包括情况（问题）、分析和具体建议三部分，“情况分析”中似乎缺少{'和'.join(missing)}，"
        "写清楚问题是什么、为什么会这样，便于承办单位对症办理。",
    )


# --- Concrete suggestions ------------------------------------------------------------------------------

_ENUMERATION = re.compile(r"(一是|二是|第一|第二|首先|其次|[（(][一二三四1-4][)）]|(^|[。；;\s])[1-4][.．、])")
_CONCRETE = _rx(
    r"设立|设置|增设|建设|新建|改建|改造|修建|修复|配备|配套|安装|铺设|施划|开通|开设|增开|延伸|覆盖",
    r"出台|制定|修订|编制|明确|建立|推行|实行|实施|纳入|列入|设立|组建",
    r"补助|补贴|奖励|资金|经费|预算|投资|减免|优惠|标准|编制|岗位",
    r"培训|招聘|选派|引进|组织|开展|排查|清理|整治|检修|更换|考核|公示|监测|吸纳|充实|推出|利用|整合|畅通|压缩",
    r"\d+\s*(%|％|万|亿|元|个|人|名|所|天|日|个工作日|年|张|吨|公里|班)",
)
_VAGUE = re.compile(
    r"高度重视|引起重视|给予(高度)?关注|引起.{0,6}关注|加大.{0,4}力度|提高.{0,4}认识|综合施策|标本兼治|形成.{0,2}合力|"
    r"想方设法|履职尽责|营造.{0,6}氛围|持之以恒|认真研究|保驾护航|承担起责任|增强.{0,8}意识"
)


def check_suggestion(suggestions: str) -> Advice | None:
    text = (suggestions or "").strip()
    concrete = _count(_CONCRETE, text)
    enumerated = bool(_ENUMERATION.search(text))
    vague = len(_VAGUE.findall(text))
    if len(_items(text)) >= 3 and vague <= 1:  # three measures or more, each its own item
        return None
    if text and (concrete >= 3 or (enumerated and concrete >= 2)) and vague <= concrete:
        return None
    if len(text) >= 60 and concrete >= 2 and not vague:
        return None
    return Advice(
        "suggestion",
        "“办法建议”中没有看到具体、可操作的措施（做什么、谁来做、要多少钱或多长时间）。"
        "只有“高度重视”“加大力度”之类的呼吁，可能被认为“没有具体建议”而不予立案。",
    )


# --- Length -------------------------------------------------------------------------------------------


def body_bounds() -> tuple[int, int]:
    """The settings (业务设置), falling back to the defaults when the registry has no such key."""
    try:
        from proposals import settings_registry

        return (
            int(settings_registry.get("precheck_body_min_chars")),
            int(settings_registry.get("precheck_body_max_chars")),
        )
    except (KeyError, ImportError):  # pragma: no cover - registry without the keys
        return DEFAULT_BODY_MIN, DEFAULT_BODY_MAX


def check_length(facts: str, suggestions: str, bounds: tuple[int, int]) -> Advice | None:
    n = len(re.sub(r"\s+", "", f"{facts or ''}{suggestions or ''}"))
    low, high = bounds
    if n < low:
        return Advice(
            "length", f"正文（情况分析和办法建议）只有 {n} 字，少于 {low} 字，恐难以说清问题和建议，建议充实。"
        )
    if n > high:
        return Advice("length", f"正文有 {n} 字，超过 {high} 字。提案宜简明扼要，调研材料可作为附件上传。")
    return None


# --- Several matters in one case ------------------------------------------------------------------------

# Fields of public work; a case whose parts each belong to another field likely holds several matters.
FIELDS: dict[str, re.Pattern[str]] = {
    name: re.compile(words)
    for name, words in {
        "交通": r"停车|车位|公交|客运|班线|道路|村道|路段|交通|拥堵|非机动车|减速带",
        "教育": r"学校|教师|学生|课后|幼儿园|学位|大班额|教育|校园|食堂",
        "医疗": r"医院|卫生院|医疗|挂号|就诊|医生|彩超|医保",
        "养老": r"养老|老人|老年|助餐",
        "环境": r"河道|污水|排污|垃圾|水质|河长|环境",
        "经济": r"企业|招工|用工|营商|审批|一网通办|开办|融资",
        "文旅": r"旅游|民宿|送戏|文艺|电影下乡|文化",
        "市政": r"路灯|菜市场|占道|摊贩|市容",
    }.items()
}
_SEVERAL_TITLE = re.compile(r"若干|几点|几项|几个|多项|一些问题|等问题|民生实事|[和与及].{1,12}(的提案|的建议)$")


def _fields(text: str) -> set[str]:
    return {name for name, rx in FIELDS.items() if rx.search(text)}


def _items(suggestions: str) -> list[str]:
    parts = re.split(
        r"[一二三四五六七八九][是、]|[（(][一二三四五六七八九1-9][)）]|(?:^|[。；;\s])[1-9][.．、]", suggestions
    )
    return [p for p in parts if len(p.strip()) >= 6]


def check_multiple(title: str, facts: str, suggestions: str) -> Advice | None:
    items = _items(suggestions or "")
    fields_per_item = [_fields(item) for item in items]
    # Each item in its own field, and together at least two fields no item shares: several matters.
    distinct = set()
    for found in fields_per_item:
        if len(found) == 1:
            distinct |= found
    title_fields = _fields(title or "")
    several_title = bool(_SEVERAL_TITLE.search(title or ""))
    score = 0
    if len(distinct) >= 3:
        score += 2
    elif len(distinct) == 2:
        score += 1
    if several_title:
        score += 1
    if len(title_fields) >= 2 and re.search(r"[和与及、]", title or ""):
        score += 1
    if len(_fields(facts or "")) >= 3 and len(distinct) >= 2:
        score += 1
    if score < 2:
        return None
    return Advice(
        "multiple",
        "这件提案似乎包含几件不同的事项。按照“一事一案”，建议每件提案只提一个事项，其他事项另行提出，便于交办和答复。",
    )


# --- Not-filed grounds ---------------------------------------------------------------------------------

_PERSONAL = _rx(
    r"我家|我们家|本人|我的(父亲|母亲|儿子|女儿|孩子|弟弟|妹妹|哥哥|姐姐|亲属|工龄|工作经历)",
    r"我(父亲|母亲|儿子|女儿|弟弟|妹妹|哥哥|姐姐|爱人|妻子|丈夫)",
    r"(为|给)(我|本人)|我的|我作为委员",
    r"(宅基地|工龄|养老金|退休待遇|调动|报销|安置|低保).{0,20}(我|本人)|(我|本人).{0,20}(宅基地|工龄|养老金|调动|报销|安置|低保)",
)


def _ground_personal(text: str) -> bool:
    return _count(_PERSONAL, text) >= 2


_LITIGATION = _rx(
    r"诉讼|起诉|上诉|一审|二审|再审|判决|裁定|审理",
    r"仲裁",
    r"法院|仲裁委",
    r"案件|立案|受理|执行|胜诉",
)


def _ground_litigation(text: str) -> bool:
    return _count(_LITIGATION, text) >= 2 and bool(re.search(r"诉讼|起诉|上诉|审理|判决|仲裁|法院", text))


_PROMOTION = _rx(
    r"(某|本|我)(公司|企业|厂)|我所在的企业|有限公司|科技公司|粮油企业",
    r"牌|品牌|产品|设备|系统",
    r"研发|生产的|自主研发|性价比|口碑|国内领先|价格(实惠|低)|优于同类|成功应用|销售",
    r"(统一|优先|指定)(采购|选用|使用)|推广使用|直供|免费提供试点|采购优惠|采购安装",
)


def _ground_promotion(text: str) -> bool:
    return _count(_PROMOTION, text) >= 3


_NAMED = re.compile(
    r"[\u4e00-\u9fff]某某?(?![\u4e00-\u9fff]{0,1}(小区|企业|公司|村|镇|学校|中学|小学|局|项目|医院|单位))"
)
_MISCONDUCT = re.compile(
    r"贪污|受贿|收受|侵吞|侵占|挪用|回扣|包庇|纵容|通风报信|优亲厚友|以权谋私|利用职务|失职|渎职|乱收费|违纪|作风"
)
_PROBE = re.compile(r"立案调查|调查|查处|追责|撤销.{0,3}职务|举报|检举|严肃处理|依纪依法")


def _ground_accusation(text: str) -> bool:
    return bool(_NAMED.search(text)) and bool(_MISCONDUCT.search(text)) and bool(_PROBE.search(text))


_ACADEMIC = _rx(
    r"学术|学界|学者|理论界|理论逻辑|理论研究|学术研究",
    r"观点|看法分歧|争论|争鸣|商榷|辨析|探讨|阐释|考证|断代|内涵|外延|概念",
    r"笔者|本文",
    r"文献|《[^》]+》|考古",
)


def _ground_academic(text: str, title: str) -> bool:
    signals = _count(_ACADEMIC, text)
    if re.search(r"学术|探讨|商榷|辨析|理论思考|源流", title):
        signals += 1
    return signals >= 3


GROUND_MESSAGES = {
    "personal": "内容似乎涉及个人或家庭的具体事务。个人诉求一般不作为提案立案，可通过信访、12345 热线或有关部门反映。",
    "litigation": "内容似乎涉及正在诉讼、仲裁或执行中的案件。此类事项依法由司法、仲裁程序解决，一般不作为提案立案。",
    "promotion": "内容似乎在推介某一企业或品牌的产品。为具体企业或产品作宣传推广的，一般不予立案。",
    "accusation": "内容似乎是对具体人员的检举或控告。检举控告请向纪检监察机关反映，一般不作为提案立案。",
    "academic": "内容似乎是学术或理论问题的探讨。提案应针对实际工作提出建议，学术讨论一般不予立案。",
}


def check_grounds(title: str, facts: str, suggestions: str) -> list[Advice]:
    text = f"{title}\n{facts}\n{suggestions}"
    found = []
    for rule, hit in (
        ("personal", _ground_personal(text)),
        ("litigation", _ground_litigation(text)),
        ("promotion", _ground_promotion(text)),
        ("accusation", _ground_accusation(text)),
        ("academic", _ground_academic(text, title or "")),
    ):
        if hit:
            found.append(Advice(rule, GROUND_MESSAGES[rule]))
    return found


# --- Repeat of an earlier session's case ---------------------------------------------------------------

# Cosine (assist.engine) from which a case of an earlier session counts as the same matter.
REPEAT_THRESHOLD = 0.35


def repeat_advice(hit_score: float, detail: dict[str, Any]) -> Advice:
    reply = detail.get("reply") or {}
    where = detail.get("number") or detail.get("session") or ""
    text = f"往届已有内容相近的提案《{detail.get('title', '')}》（{where}，相似度 {hit_score:.2f}）"
    text += (
        f"，{reply.get('unit', '承办单位')}已答复"
        + (f"（{reply['reply_class']}类）" if reply.get("reply_class") else "")
        if reply
        else ""
    )
    text += "。请先看看当时的办理情况，提出新的情况和建议，避免重复提案。"
    return Advice("repeat", text, detail)


# --- The whole check ----------------------------------------------------------------------------------


def check_text(
    title: str,
    facts: str,
    suggestions: str,
    *,
    bounds: tuple[int, int] | None = None,
) -> list[Advice]:
    """Every rule but ``repeat`` (which needs the earlier cases: ``assist.selectors.precheck``)."""
    out: list[Advice] = []
    bounds = bounds or body_bounds()
    for advice in (
        check_title(title),
        check_parts(facts),
        check_suggestion(suggestions),
        check_length(facts, suggestions, bounds),
        check_multiple(title, facts, suggestions),
    ):
        if advice is not None:
            out.append(advice)
    out += check_grounds(title, facts, suggestions)
    return out
