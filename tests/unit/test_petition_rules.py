"""Rules of what the public may send as a petition, and of the codes they get back."""

from __future__ import annotations

import datetime as dt
import math
import uuid

import pytest
from pydantic import ValidationError

from functions.domain.case import public_status
from functions.domain.codes import (
    ALPHABET,
    QUERY_CODE_LENGTH,
    hash_query_code,
    new_query_code,
    new_reference,
    normalize_reference,
    query_code_matches,
)
from functions.domain.identity import mask, validate_id_number
from functions.domain.petitions import PetitionIn, initial_case

BODY = "我村党支部换届选举程序不规范，请予核查处理。"


def petition(**changes):
    data = {"kind": "suggestion", "unit": "130100", "subject": "关于换届选举的建议", "body": BODY,
            "contact": {"name": "张三", "mobile": "13800138000"}}
    data.update(changes)
    return PetitionIn.model_validate(data)


def messages(exc: ValidationError) -> str:
    return " ".join(e["msg"] for e in exc.errors())


def test_a_named_petition_is_accepted():
    assert petition().contact.mobile == "13800138000"


def test_only_an_accusation_may_be_anonymous():
    assert petition(kind="accusation", contact={}).contact.name is None
    for kind in ("suggestion", "appeal", "inquiry"):
        with pytest.raises(ValidationError) as exc:
            petition(kind=kind, contact={})
        assert "姓名和手机号码" in messages(exc.value) and "只有检举控告可以匿名" in messages(exc.value)


@pytest.mark.parametrize("mobile", ["12800138000", "1380013800", "138001380001", "abc"])
def test_a_wrong_mobile_number_is_refused(mobile):
    with pytest.raises(ValidationError) as exc:
        petition(contact={"name": "张三", "mobile": mobile})
    assert "手机号码应为 11 位数字" in messages(exc.value)


def test_an_id_number_must_carry_the_right_check_digit():
    assert validate_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValueError, match="校验位"):
        validate_id_number("110105194912310021")
    with pytest.raises(ValueError, match="出生日期"):
        validate_id_number("110105194913310027")


def test_limits_count_characters_not_bytes():
    assert len(petition(subject="字" * 100).subject) == 100  # 300 bytes in UTF-8
    with pytest.raises(ValidationError):
        petition(subject="字" * 101)
    with pytest.raises(ValidationError):
        petition(body="字" * 5001)


@pytest.mark.parametrize("field, value", [("subject", "标题\x07"), ("body", BODY + "\x00"), ("subject", "两行\n标题")])
def test_control_characters_are_refused(field, value):
    with pytest.raises(ValidationError):
        petition(**{field: value})


def test_markup_is_kept_exactly_as_typed():
    text = '<script>alert(1)</script><img src=x onerror="alert(2)"> \u202e反转'
    assert petition(body=text).body == text


def test_unknown_fields_and_too_many_attachments_are_refused():
    with pytest.raises(ValidationError, match="extra"):
        petition(priority="high")
    with pytest.raises(ValidationError):
        petition(attachments=[f"{uuid.uuid4()}.pdf" for _ in range(6)])
    with pytest.raises(ValidationError):
        petition(attachments=["../../etc/passwd"])


def test_query_codes_are_random_unambiguous_and_long_enough():
    codes = {new_query_code() for _ in range(2000)}
    assert len(codes) == 2000
    raw = next(iter(codes)).replace("-", "")
    assert len(raw) * math.log2(len(ALPHABET)) >= 50 and len(raw) == QUERY_CODE_LENGTH
    assert not set("01OIL") & set("".join(codes))


def test_references_are_readable_and_not_sequential():
    refs = [new_reference(dt.date(2026, 11, 27)) for _ in range(50)]
    assert all(r.startswith("XF261127-") and len(r) == 14 for r in refs)
    assert len(set(refs)) == 50 and refs != sorted(refs)
    assert normalize_reference(" xf261127 7k3qm".replace(" ", "")) == "XF261127-7K3QM"


def test_a_query_code_matches_only_its_own_hash_and_forgives_typing():
    key = b"k" * 32
    code = new_query_code()
    stored = hash_query_code(code, key)
    assert query_code_matches(code.lower().replace("-", " "), stored, key)
    assert not query_code_matches(new_query_code(), stored, key)
    assert not query_code_matches(code, None, key)
    assert code not in stored


def test_the_public_status_leaves_out_contact_data_and_the_code_hash():
    received = dt.datetime(2026, 11, 27, 20, 30, tzinfo=dt.timezone.utc)  # already the 28th in China
    sent = petition(contact={"name": "张三", "mobile": "13800138000", "id_number": "11010519491231002X"})
    case = initial_case(sent, "XF261128-7K3QM", "h" * 64, received)
    assert {k.value: v.isoformat() for k, v in case.deadlines.items()} == {"assign": "2026-12-13",
                                                                         "accept_decision": "2026-12-13"}
    status = public_status(case, {"130100": "石家庄市"})
    text = status.model_dump_json()
    for secret in ("张三", "13800138000", "11010519491231002X", "h" * 64, BODY):
        assert secret not in text
    assert status.stage_label == "已登记" and status.handling_unit == "石家庄市"
    assert status.received.isoformat() == "2026-11-28T04:30:00+08:00"  # China time, the reference's date


def test_masking_keeps_only_the_ends():
    assert mask("13800138000") == "138****8000"
    assert mask("11010519491231002X") == "110***********002X"
