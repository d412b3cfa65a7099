"""Korean particles by the final sound of the word before them (core.korean)."""

import pytest

from core import korean


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("회사은(는) 승인을 기다립니다", "회사는 승인을 기다립니다"),
        ("울산광역시은(는) 승인을 기다립니다", "울산광역시는 승인을 기다립니다"),
        ("한빛이차전지소재 주식회사이(가) 등록되었습니다", "한빛이차전지소재 주식회사가 등록되었습니다"),
        ("충청북도청이(가) 등록되었습니다", "충청북도청이 등록되었습니다"),
        ("제7차 회의(으)로 돌아가기", "제7차 회의로 돌아가기"),
        ("서울(으)로", "서울로"),  # ㄹ takes 로
        ("세종청사(으)로 이전", "세종청사로 이전"),
        ("본관(으)로", "본관으로"),
        ("버전 1에서 2(으)로", "버전 1에서 2로"),
        ("버전 2에서 3(으)로", "버전 2에서 3으로"),  # 삼
        ("통지서 첨단산업정책과-0001을(를) 생성", "통지서 첨단산업정책과-0001을 생성"),  # 일
        ("통지서 첨단산업정책과-0002을(를) 생성", "통지서 첨단산업정책과-0002를 생성"),  # 이
        ("10을(를)", "10을"),  # 십
        ("300 MB을(를)", "300 MB를"),  # 비
        ("KIAT은(는)", "KIAT는"),  # 티
        ("URL은(는)", "URL은"),  # 엘
        ("“울산 온산 특화단지”을(를) 평가", "“울산 온산 특화단지”를 평가"),  # quotes are not read
        ("“계획”을(를) 평가", "“계획”을 평가"),
        ("위원회와(과) 사무국", "위원회와 사무국"),
        ("사무국와(과) 위원회", "사무국과 위원회"),
        ("no markers here (in brackets)", "no markers here (in brackets)"),
        ("—은(는)", "—은(는)"),  # cannot be told: the marker stays
        ("은(는)", "은(는)"),
    ],
)
def test_markers_become_the_particle_the_word_takes(text, expected):
    assert korean.resolve(text) == expected


def test_the_final_sound_of_words_digits_and_letters():
    assert korean.final_consonant("회사") == 0
    assert korean.final_consonant("회의실") == 8  # ㄹ
    assert korean.final_consonant("0") == 21  # 영
    assert korean.final_consonant("100") == 1  # 백
    assert korean.final_consonant("1,000") == 4  # 천
    assert korean.final_consonant("M") == 16  # 엠
    assert korean.final_consonant("") is None
    assert korean.particle("서울", "(으)로") == "로" and korean.particle("부산", "(으)로") == "으로"


def test_the_template_filter_keeps_escaping():
    from django.template import Context, Template

    template = Template("{% load portal %}{{ text|particles }}")
    assert template.render(Context({"text": "<b>회사은(는)</b>"})) == "&lt;b&gt;회사는&lt;/b&gt;"
    assert template.render(Context({"text": "회사은(는)"})) == "회사는"


@pytest.mark.django_db
def test_pages_and_messages_resolve_the_markers(client, pending_organization):
    pending_organization.name_ko = "한빛소재 주식회사"
    pending_organization.save()
    client.force_login(pending_organization.memberships.get().user)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "한빛소재 주식회사는 산업부 담당자의 승인을 기다리고 있습니다" in page
    assert "은(는)" not in page


@pytest.mark.django_db
def test_e_mails_resolve_the_markers(settings, tmp_path):
    from django.template import engines

    from core.models import OutboxMessage
    from core.outbox import queue_email

    folder = tmp_path / "templates"
    (folder / "t").mkdir(parents=True)
    (folder / "t" / "m_subject.txt").write_text("{{ name }}이(가) 답변했습니다", encoding="utf-8")
    (folder / "t" / "m_body.txt").write_text("제{{ n }}차 회의(으)로 오십시오", encoding="utf-8")
    settings.TEMPLATES = [{**t, "DIRS": [folder, *t["DIRS"]]} for t in settings.TEMPLATES]
    engines._engines = {}
    engines.__dict__.pop("templates", None)
    try:
        queue_email(to=["a@example.kr"], template="t/m", context={"name": "김담당", "n": 7}, reference="t:1")
    finally:
        engines.__dict__.pop("templates", None)
        engines._engines = {}
    message = OutboxMessage.objects.get(reference="t:1")
    assert message.subject == "김담당이 답변했습니다" and message.body == "제7차 회의로 오십시오"


@pytest.mark.django_db
def test_the_missing_files_are_asked_for_with_the_right_particle():
    from django.utils import translation

    from applications.sections import attachments_missing
    from tests.factories import ApplicationFactory

    with translation.override("ko"):
        asked = attachments_missing(ApplicationFactory())
    assert asked == ["육성계획서(PDF)를 올려 주세요.", "투자협약서(MOU)를 올려 주세요.", "부지 위치도를 올려 주세요."]
