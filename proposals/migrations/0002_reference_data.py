"""Reference data: categories, not-filed grounds, and the holiday calendar from chinese-calendar."""

from django.db import migrations

CATEGORIES = ["经济", "政治", "文化", "社会", "生态文明", "城乡建设", "农业农村", "教育", "医疗卫生", "其他"]

GROUNDS = [
    "涉及党和国家秘密的",
    "涉及党派内部事务或人事问题的",
    "涉及民事、刑事、行政诉讼或仲裁案件的",
    "属于学术探讨的",
    "属于个人或家庭事务的",
    "宣传推介具体产品的",
    "指名道姓检举控告他人的",
    "没有具体建议或建议不可行的",
    "内容超出本级政协职权范围的",
    "其他不宜作为提案的",
]


def load(apps, schema_editor):
    Category = apps.get_model("proposals", "Category")
    RejectionGround = apps.get_model("proposals", "RejectionGround")
    CalendarDay = apps.get_model("proposals", "CalendarDay")
    for order, name in enumerate(CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"order": order})
    for order, name in enumerate(GROUNDS):
        RejectionGround.objects.get_or_create(name=name, defaults={"order": order})

    import chinese_calendar
    from chinese_calendar import constants

    rows = []
    for day, name in constants.holidays.items():
        if day.year >= 2020 and day.weekday() < 5:
            rows.append(CalendarDay(date=day, is_workday=False, name=_chinese(name)))
    for day, name in constants.workdays.items():
        if day.year >= 2020 and day.weekday() >= 5:
            rows.append(CalendarDay(date=day, is_workday=True, name=f"{_chinese(name)}调休上班"))
    # Weekends inside a holiday are days off anyway; only years present in the package get rows.
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    del chinese_calendar


def _chinese(english: str) -> str:
    from chinese_calendar.constants import Holiday

    for holiday in Holiday:
        if holiday.value == english:
            return holiday.chinese
    return english


def unload(apps, schema_editor):
    apps.get_model("proposals", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
