"""The formats legacy catalogues use for numbers, proposers, units, classes and columns."""

import pytest

from imports.catalogue import (
    ParsedNumber,
    decode_csv,
    map_headers,
    parse_number,
    parse_proposers,
    parse_reply_class,
    parse_status,
    split_list,
)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("第〔27〕号", ParsedNumber(27)),
        ("第27号", ParsedNumber(27)),
        ("〔2023〕27号", ParsedNumber(27, 2023)),
        ("27", ParsedNumber(27)),
        (27, ParsedNumber(27)),
        (27.0, ParsedNumber(27)),
        ("027", ParsedNumber(27)),
        (" 第 27 号 ", ParsedNumber(27)),
        ("[2023]27号", ParsedNumber(27, 2023)),
        ("四届三次会议第027号", ParsedNumber(27)),
        ("建议第5号", ParsedNumber(5)),
    ],
)
def test_it_reads_every_number_format(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "第号", "二十七", "0", "27.5", "abc"])
def test_it_rejects_unreadable_numbers(raw):
    with pytest.raises(ValueError):
        parse_number(raw)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("张三", ["张三"]),
        ("张三、李四", ["张三", "李四"]),
        ("张三，李四,王五", ["张三", "李四", "王五"]),
        ("张三（联名人：李四）", ["张三", "李四"]),
        ("张三(联名人:李四、王五)", ["张三", "李四", "王五"]),
        ("张三（附议人：李四）", ["张三", "李四"]),
        ("民进陈仓区委会", ["民进陈仓区委会"]),
        ("十里铺学联组", ["十里铺学联组"]),
        ("张三、张三", ["张三"]),
    ],
)
def test_it_reads_every_proposer_format(raw, expected):
    assert parse_proposers(raw) == expected


def test_it_splits_co_units_on_the_enumeration_comma():
    assert split_list("区教育局、区卫健局、 千河镇") == ["区教育局", "区卫健局", "千河镇"]
    assert split_list(None) == []


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("A", "A"),
        ("a类", "A"),
        ("B类（正在解决或列入计划）", "B"),
        ("留作参考", "C"),
        ("已解决或采纳", "A"),
        ("", ""),
    ],
)
def test_it_reads_reply_classes(raw, expected):
    assert parse_reply_class(raw) == expected


def test_it_rejects_an_unknown_reply_class():
    with pytest.raises(ValueError):
        parse_reply_class("D类")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("已办结", "closed"),
        ("办理中", "handling"),
        ("已答复", "replied"),
        ("已交办", "assigned"),
        ("已立案", "filed"),
    ],
)
def test_it_reads_handling_states(raw, expected):
    assert parse_status(raw) == expected


def test_it_maps_chinese_headers_in_any_order_with_synonyms():
    mapping = map_headers(["序号", "标题", "领衔人", "编号", "承办单位", "会办单位", " 类 别 ", "办理状态", "答复类别"])
    assert mapping == {
        1: "title",
        2: "proposers",
        3: "number",
        4: "lead_units",
        5: "co_units",
        6: "category",
        7: "status",
        8: "reply_class",
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_detects_the_csv_encoding(encoding):
    assert decode_csv("案号,案由\n1,关于城区供暖设施的提案\n".encode(encoding)).startswith("案号,案由")
