"""委员履职 in the demo (issue 24): the activities and attendance of the 4th term, inserted with bulk_create.

From 四届一次会议 (January 2022) to the report's date (May 2024) the figures are the source's exactly: 26
专题调研视察 and 对口协商 activities with 236 opinions and 10 research reports, 330 界别 activities with 1,180
member participations, 150 visits to members by the 主席会议成员, 9 “书香政协” reading activities. After May
2024 they go on at the same monthly pace up to today. Plenary, standing-committee and special-committee
meetings are added around them (the source does not count those). The 常委 submit their yearly reports
(a few late or missing), and the completed years are assessed through ``duty.services`` (audited).
Every member's points follow from these records and the cases the seeder filed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict

from core import clock
from demo import names as N
from duty import services
from duty.models import Activity, ActivityKind, Opinion, Participation, SelfReport

PLACES = list(N.OFFICIAL_PLACES)
SEED_START, SEED_END = dt.date(2022, 1, 6), dt.date(2024, 5, 31)
SEED_MONTHS = 29  # January 2022 – May 2024
SEED = {"study": 26, "opinions": 236, "reports": 10, "sector": 330, "sector_present": 1180, "visits": 150, "reading": 9}

# (topic, organising committee index in demo.names.COMMITTEES, opinions — {p} a town or street)
TOPICS = [
    (
        "优化职业技术教育人才培养结构",
        2,
        [
            "建议区职业教育中心围绕{p}先进制造业企业用工需求，增设数控技术、工业机器人运维专业。",
            "建议推行“订单班”培养模式，由企业与学校共同制定课程，毕业生优先在{p}园区就业。",
            "建议设立职业教育实训基地建设专项资金，三年内更新老化实训设备。",
            "建议落实“双师型”教师企业实践制度，每名专业课教师每年到企业实践不少于一个月。",
            "建议对在{p}企业稳定就业满两年的职校毕业生给予技能提升补贴。",
        ],
    ),
    (
        "高质高效现代农业赋能乡村振兴",
        1,
        [
            "建议在{p}集中连片建设高标准农田，配套完善灌溉和机耕道路。",
            "建议扶持{p}猕猴桃、辣椒等特色产业合作社建设冷链仓储设施。",
            "建议整合涉农资金，对新型农业经营主体贷款给予贴息。",
            "建议在{p}建设农产品电商服务站，培训本地带货主播。",
            "建议建立农技人员包村联户制度，推广测土配方施肥。",
        ],
    ),
    (
        "城区供暖设施建设及资源配置情况",
        3,
        [
            "建议对{p}老旧供热管网逐段排查，分年度实施更新改造。",
            "建议在末端小区加装换热站和管网平衡阀，解决暖气不热问题。",
            "建议公开供热投诉电话，实行限时办结和回访制度。",
            "建议将{p}新建小区供热配套纳入规划审批前置条件。",
            "建议探索清洁能源供暖，在{p}试点空气源热泵集中供热。",
        ],
    ),
    (
        "专精特新企业培育",
        1,
        [
            "建议建立专精特新企业培育库，对入库企业实行一企一策跟踪服务。",
            "建议设立中小企业技术改造贷款风险补偿资金，缓解{p}企业融资难。",
            "建议组织{p}企业与西安、宝鸡高校院所开展产学研对接。",
            "建议对首次认定为省级专精特新企业的给予一次性奖励。",
            "建议在蔡家坡经开区建设标准化厂房，降低中小企业用地成本。",
        ],
    ),
    (
        "城镇生活污水处理",
        3,
        [
            "建议加快{p}雨污分流改造，优先解决管网混接错接问题。",
            "建议对{p}污水处理厂实行进出水水质月报公开制度。",
            "建议将镇区污水处理设施运行经费纳入区级财政预算。",
            "建议在{p}人口集中的村组建设小型污水处理站。",
            "建议加强排水户排污许可管理，严查餐饮企业直排。",
        ],
    ),
    (
        "公益诉讼实施情况",
        3,
        [
            "建议检察机关与{p}加强生态环境领域线索移送协作。",
            "建议建立公益诉讼诉前磋商结果向社会公开制度。",
            "建议在{p}聘请公益诉讼观察员，拓宽线索来源。",
            "建议加强食品药品安全领域公益诉讼宣传，提升群众知晓率。",
        ],
    ),
    (
        "打击与治理电信网络诈骗",
        3,
        [
            "建议在{p}各村（社区）设立反诈宣传员，重点面向老年人开展宣传。",
            "建议银行网点对大额转账实行柜面提醒和延时到账。",
            "建议将反诈知识纳入{p}中小学安全教育课程。",
            "建议公安机关与电信运营商建立涉诈号码快速处置机制。",
            "建议对电诈被害群众开展回访，帮助追赃挽损。",
        ],
    ),
    (
        "基础教育“双减”工作",
        2,
        [
            "建议丰富{p}中小学课后服务内容，引入体育、艺术类社团。",
            "建议加强校外培训机构常态化巡查，防止隐形变异培训。",
            "建议对承担课后服务的教师给予合理补助。",
            "建议在{p}学校推行分层作业设计，控制书面作业总量。",
            "建议建立家校协同机制，指导家长科学安排孩子课余时间。",
        ],
    ),
    (
        "省级公共文化示范区创建",
        4,
        [
            "建议提升{p}综合文化站设施水平，延长免费开放时间。",
            "建议在{p}建设城市书房，纳入全区图书馆总分馆体系。",
            "建议扶持本地秦腔、社火等群众文艺团队，每年开展文化惠民演出。",
            "建议建立公共文化服务群众评价和反馈机制。",
        ],
    ),
    (
        "医疗卫生服务能力提升",
        2,
        [
            "建议推进区人民医院与{p}卫生院组建紧密型医共体。",
            "建议为{p}村卫生室配备远程会诊设备。",
            "建议提高乡村医生补助标准，稳定基层医疗队伍。",
            "建议在{p}开展家庭医生签约服务提质行动。",
        ],
    ),
    (
        "养老服务体系建设",
        3,
        [
            "建议在{p}建设社区嵌入式养老服务站，提供助餐、助浴服务。",
            "建议对农村互助幸福院运营给予稳定补贴。",
            "建议开展老旧小区适老化改造，加装扶手和坡道。",
            "建议培育专业养老护理员队伍，开展免费技能培训。",
        ],
    ),
    (
        "优化营商环境",
        1,
        [
            "建议在政务服务中心推行“一件事一次办”，压缩{p}企业开办时间。",
            "建议建立涉企政策统一发布平台，政策兑现实行免申即享。",
            "建议规范涉企检查，推行“综合查一次”。",
            "建议建立政企常态化沟通机制，定期召开企业家座谈会。",
        ],
    ),
    (
        "渭河生态保护和高质量发展",
        1,
        [
            "建议加强{p}渭河沿岸生态修复，严查非法采砂。",
            "建议完善河长制巡河记录和问题整改销号制度。",
            "建议在{p}建设湿地公园，兼顾生态保护和群众休闲。",
            "建议加大农业面源污染治理，减少化肥农药使用量。",
        ],
    ),
    (
        "历史文化资源保护利用",
        4,
        [
            "建议对{p}境内文物保护单位开展全面普查建档。",
            "建议挖掘陈仓历史文化资源，打造文旅融合精品线路。",
            "建议加强非物质文化遗产传承人培养，给予传习补助。",
            "建议在{p}建设乡村记忆馆，留存传统村落风貌。",
        ],
    ),
]
STUDY_FORMS = [  # (kind, title pattern, weight)
    (ActivityKind.RESEARCH, "关于{t}的专题调研", 5),
    (ActivityKind.INSPECTION, "{t}专题视察", 3),
    (ActivityKind.CONSULTATION, "{t}对口协商会", 2),
]
SECTOR_FORMS = [
    "{s}界别委员“{m}”座谈会",
    "{s}界别委员赴{p}开展“{m}”调研",
    "{s}界别委员“{m}”进{p}活动",
    "{s}界别委员学习交流会",
    "{s}界别委员履职能力提升培训",
]
SECTOR_MATTERS = [
    "助企纾困",
    "送医下乡",
    "科技助农",
    "法律服务进社区",
    "关爱留守儿童",
    "乡村振兴",
    "民生实事",
    "文化惠民",
]
VISIT_MATTERS = [
    "了解委员履职和企业经营情况",
    "听取委员对政协工作的意见建议",
    "了解委员企业融资贷款困难，协调区金融办对接",
    "了解委员子女入学问题，协调区教育局解决",
    "了解委员企业用工需求，协调区人社局开展专场招聘",
    "走访慰问委员，了解工作和生活情况",
]
BOOKS = [
    "《习近平谈治国理政》第四卷",
    "《人民政协重要文献选编》",
    "《乡土中国》",
    "《之江新语》",
    "《中国共产党简史》",
    "《平凡的世界》",
    "《习近平关于加强和改进人民政协工作的重要思想学习读本》",
    "《陈仓文史》",
    "《苏东坡传》",
    "《白鹿原》",
    "《红星照耀中国》",
    "《长安的荔枝》",
]
LEAVE_REASONS = ["出差在外", "单位有紧急工作任务", "身体不适", "参加上级会议", "家中有事", "外出学习培训"]
REPORT_PARAGRAPHS = [
    "{y}年，本人认真履行政协委员职责，按时参加全体会议、常委会议和{c}组织的各项活动，积极参与{s}界别活动。",
    "围绕全区中心工作和群众关切，本人参加专题调研视察和对口协商，结合本职工作提出意见建议，领衔或联名提交提案。",
    "本人注重联系{s}界别群众，深入基层了解社情民意，及时反映群众的急难愁盼问题。",
    "存在的不足：调查研究还不够深入，提案质量有待提高。今后将加强学习，提高履职能力，更好地发挥委员作用。",
]


class _Dates:
    """Random working-day dates in a span, deterministic by the rng."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        for _ in range(20):
            day = start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))
            if day.weekday() < 5:
                return day
        return day


def _split(total: int, parts: int, low: int, high: int, rng: random.Random) -> list[int]:
    """``parts`` integers in [low, high] summing exactly to ``total``."""
    counts = [low] * parts
    for _ in range(total - low * parts):
        i = rng.choice([i for i, c in enumerate(counts) if c < high])
        counts[i] += 1
    return counts


def _months(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


def build(seeder, out=None) -> dict:
    """Insert the duty records for the seeder's term and people; returns the figures of the seed period."""
    started = time.monotonic()
    rng = random.Random(seeder.rng.getrandbits(32))
    dates = _Dates(rng)
    term, today = seeder.term, seeder.today
    ms = [seeder.membership[u.pk] for u in seeder.members]
    by_committee, by_sector = defaultdict(list), defaultdict(list)
    for m in ms:
        by_committee[m.committee_id].append(m.user_id)
        by_sector[m.sector_id].append(m.user_id)
    standing = [m.user_id for m in ms if m.is_standing]
    staff = seeder.staff[0]
    visitors = [u.display_name for u in seeder.leaders[:4]]
    now = clock.now()
    activities: list[Activity] = []
    invited: list[list[tuple[int, str]]] = []  # per activity: (user id, status)
    opinions: list[list[tuple[int | None, str]]] = []

    def add(kind, title, day, people: list[tuple[int, str]], texts=(), **extra) -> Activity:
        entered = dt.datetime.combine(day, dt.time(17, 30), tzinfo=clock.LOCAL)  # registered the same afternoon
        a = Activity(term=term, kind=kind, title=title, date=day, created_by=staff, created_at=entered, **extra)
        activities.append(a)
        invited.append(people)
        opinions.append(list(texts))
        return a

    def attendance(ids: list[int], present_share: float) -> list[tuple[int, str]]:
        rows = []
        for uid in ids:
            r = rng.random()
            rows.append((uid, "present" if r < present_share else "absent" if r > 0.985 else "leave"))
        return rows

    # Periods: the seed's (exact figures), then each later stretch at the same monthly pace.
    later_end = today
    scale = max(_months(SEED_END, later_end), 0) / SEED_MONTHS
    periods = [(SEED_START, SEED_END, SEED)]
    if later_end > SEED_END:
        periods.append((SEED_END + dt.timedelta(days=1), later_end, {k: round(v * scale) for k, v in SEED.items()}))
    topics_used: dict[str, int] = defaultdict(int)
    for start, end, figures in periods:
        # 专题调研视察 and 对口协商, with their opinions and reports.
        n_study = figures["study"]
        per_activity = _split(figures["opinions"], n_study, 4, 16, rng) if n_study else []
        with_report = set(rng.sample(range(n_study), min(figures["reports"], n_study)))
        for i in range(n_study):
            topic, committee_i, templates = TOPICS[(i + len(activities)) % len(TOPICS)]
            kind, pattern, _w = rng.choices(STUDY_FORMS, weights=[w for *_x, w in STUDY_FORMS])[0]
            day = dates.between(start, end)
            title = pattern.format(t=topic)
            topics_used[title] += 1
            if topics_used[title] > 1:
                title = f"{day.year}年{title}"
            committee = seeder.committees[committee_i]
            pool = by_committee[committee.pk]
            people = attendance(sorted(rng.sample(pool, min(len(pool), rng.randint(8, 13)))), 0.86)
            present = [uid for uid, s in people if s == "present"] or [people[0][0]]
            places = rng.sample(PLACES, 6)
            pairs = [(t, p) for t in templates for p in places]
            rng.shuffle(pairs)
            texts = []
            for j in range(per_activity[i]):
                t, p = pairs[j % len(pairs)]
                texts.append((rng.choice(present) if rng.random() < 0.9 else None, t.format(p=p)))
            extra = {
                "committee": committee,
                "place": rng.choice(places),
                "summary": f"由{committee.name}组织，{len(present)}名委员参加。",
            }
            if i in with_report:
                extra |= {"report_title": f"关于{topic}情况的调研报告", "report_author_id": rng.choice(present)}
            add(kind, title, day, people, texts, **extra)
        # 界别活动: the participations (present) sum exactly to the figure.
        n_sector = figures["sector"]
        sectors = sorted(by_sector, key=lambda s: -len(by_sector[s]))
        weights = [len(by_sector[s]) for s in sectors]
        organisers = rng.choices(sectors, weights=weights, k=n_sector)
        sizes = [min(len(by_sector[s]), 12) for s in organisers]
        present_counts = [2] * n_sector
        for _ in range(figures["sector_present"] - 2 * n_sector):
            i = rng.choice([i for i in range(n_sector) if present_counts[i] < sizes[i]])
            present_counts[i] += 1
        sector_names = {s.pk: s.name for s in seeder.sectors.values()}
        for sector_id, n_present in zip(organisers, present_counts):
            pool = by_sector[sector_id]
            chosen = rng.sample(pool, min(len(pool), n_present + rng.choice((0, 0, 1, 2))))
            people = [(uid, "present" if k < n_present else "leave") for k, uid in enumerate(chosen)]
            place = rng.choice(PLACES)
            title = rng.choice(SECTOR_FORMS).format(s=sector_names[sector_id], m=rng.choice(SECTOR_MATTERS), p=place)
            add(ActivityKind.SECTOR, title, dates.between(start, end), people, sector_id=sector_id, place=place)
        # 走访委员: one member visited by a 主席会议成员.
        for _ in range(figures["visits"]):
            uid = rng.choice(ms).user_id
            name = seeder.member_by_id[uid].display_name
            visitor = rng.choice(visitors)
            add(
                ActivityKind.VISIT,
                f"走访{name}委员",
                dates.between(start, end),
                [(uid, "present")],
                organiser="主席会议",
                summary=f"{visitor}走访{name}委员，{rng.choice(VISIT_MATTERS)}。",
            )
        # “书香政协”读书活动.
        for _ in range(figures["reading"]):
            book = rng.choice(BOOKS)
            pool = sorted(rng.sample([m.user_id for m in ms], 30))
            add(
                ActivityKind.READING,
                f"“书香政协”委员读书活动：共读{book}",
                dates.between(start, end),
                attendance(pool, 0.75),
                organiser="区政协办公室",
                committee=seeder.committees[4],
            )
    # Meetings: the plenary of each session, four standing-committee meetings a year, two per special committee.
    everyone = sorted(m.user_id for m in ms)
    for session in seeder.sessions:
        if session.opens <= today:
            add(
                ActivityKind.PLENARY,
                f"{session.name}",
                session.opens,
                attendance(everyone, 0.93),
                place="区会议中心",
                organiser="区政协",
            )
    for year in range(SEED_START.year, today.year + 1):
        for month, n in ((3, 1), (6, 2), (9, 3), (12, 4)):
            day = dates.between(dt.date(year, month, 1), dt.date(year, month, 28))
            if day <= today:
                add(
                    ActivityKind.STANDING,
                    f"四届区政协常委会第{n}次会议（{year}年）",
                    day,
                    attendance(standing, 0.9),
                    organiser="区政协常委会",
                )
        for committee in seeder.committees:
            for month in (4, 10):
                day = dates.between(dt.date(year, month, 1), dt.date(year, month, 28))
                if day <= today:
                    title = f"{committee.name}{year}年{'上' if month == 4 else '下'}半年工作会议"
                    add(
                        ActivityKind.COMMITTEE,
                        title,
                        day,
                        attendance(by_committee[committee.pk], 0.88),
                        committee=committee,
                    )
    Activity.objects.bulk_create(activities)
    rows, opinion_rows = [], []
    for a, people, texts in zip(activities, invited, opinions):
        for uid, status in people:
            reason = rng.choice(LEAVE_REASONS) if status == "leave" else ""
            confirmed = (
                a.created_at + dt.timedelta(days=rng.randint(1, 9))
                if status != "invited" and rng.random() < 0.8
                else None
            )
            if confirmed and confirmed > now:
                confirmed = None
            rows.append(
                Participation(activity=a, user_id=uid, status=status, leave_reason=reason, confirmed_at=confirmed)
            )
        opinion_rows += [Opinion(activity=a, author_id=uid, text=text, created_at=a.created_at) for uid, text in texts]
    Participation.objects.bulk_create(rows, batch_size=2000)
    Opinion.objects.bulk_create(opinion_rows, batch_size=2000)
    # The 常委's yearly reports (January of the next year; a few missing), then the completed years' assessment.
    reports = []
    committees = {c.pk: c.name for c in seeder.committees}
    sector_names = {s.pk: s.name for s in seeder.sectors.values()}
    for year in range(SEED_START.year, today.year):
        for m in ms:
            if m.is_standing and rng.random() < 0.94:
                text = "\n".join(
                    p.format(y=year, c=committees[m.committee_id], s=sector_names[m.sector_id])
                    for p in REPORT_PARAGRAPHS
                )
                day = dt.datetime(year + 1, 1, rng.randint(5, 28), 10, tzinfo=clock.LOCAL)
                reports.append(SelfReport(user_id=m.user_id, year=year, text=text, submitted_at=day))
    SelfReport.objects.bulk_create(reports)
    for year in range(SEED_START.year, today.year):
        services.run_assessment(staff, year)
    seed = figures_between(SEED_START, SEED_END)
    if out:
        out(
            f"  委员履职：活动 {len(activities)} 项，出席记录 {len(rows)} 条，意见建议 {len(opinion_rows)} 条；"
            f"至2024年5月：调研视察协商 {seed['study']} 次、意见建议 {seed['opinions']} 条、调研报告 {seed['reports']} 篇、"
            f"界别活动 {seed['sector']} 场次 {seed['sector_present']} 人次、走访委员 {seed['visits']} 人次、读书活动 {seed['reading']} 次（用时 {time.monotonic() - started:.1f} 秒）"
        )
    return seed


def figures_between(start: dt.date, end: dt.date) -> dict[str, int]:
    """The source's figures as the records give them, for any span."""
    acts = Activity.objects.filter(date__range=(start, end))
    study = acts.filter(kind__in=["research", "inspection", "consultation"])
    sector = acts.filter(kind=ActivityKind.SECTOR)
    return {
        "study": study.count(),
        "opinions": Opinion.objects.filter(activity__in=study).count(),
        "reports": study.exclude(report_title="").count(),
        "sector": sector.count(),
        "sector_present": Participation.objects.filter(activity__in=sector, status="present").count(),
        "visits": acts.filter(kind=ActivityKind.VISIT).count(),
        "reading": acts.filter(kind=ActivityKind.READING).count(),
    }
