"""Reference data: the metropolitan-level governments (dated) and the staff-side role groups."""

import datetime

from django.db import migrations

D = datetime.date
# code, Korean, English, kind, valid_from, valid_to, successor code
REGIONS = [
    ("11", "서울특별시", "Seoul Metropolitan City", "special_city", D(1995, 1, 1), None, None),
    ("26", "부산광역시", "Busan Metropolitan City", "metropolitan_city", D(1995, 1, 1), None, None),
    ("27", "대구광역시", "Daegu Metropolitan City", "metropolitan_city", D(1995, 1, 1), None, None),
    ("28", "인천광역시", "Incheon Metropolitan City", "metropolitan_city", D(1995, 1, 1), None, None),
    ("29", "광주광역시", "Gwangju Metropolitan City", "metropolitan_city", D(1995, 1, 1), None, None),
    ("30", "대전광역시", "Daejeon Metropolitan City", "metropolitan_city", D(1995, 1, 1), None, None),
    ("31", "울산광역시", "Ulsan Metropolitan City", "metropolitan_city", D(1997, 7, 15), None, None),
    ("36", "세종특별자치시", "Sejong Special Self-Governing City", "special_self_governing_city", D(2012, 7, 1), None, None),
    ("41", "경기도", "Gyeonggi-do", "province", D(1995, 1, 1), None, None),
    ("51", "강원특별자치도", "Gangwon State", "province", D(2023, 6, 11), None, None),
    ("42", "강원도", "Gangwon-do", "province", D(1995, 1, 1), D(2023, 6, 10), "51"),
    ("43", "충청북도", "Chungcheongbuk-do", "province", D(1995, 1, 1), None, None),
    ("44", "충청남도", "Chungcheongnam-do", "province", D(1995, 1, 1), None, None),
    ("52", "전북특별자치도", "Jeonbuk State", "province", D(2024, 1, 18), None, None),
    ("45", "전라북도", "Jeollabuk-do", "province", D(1995, 1, 1), D(2024, 1, 17), "52"),
    ("46", "전라남도", "Jeollanam-do", "province", D(1995, 1, 1), None, None),
    ("47", "경상북도", "Gyeongsangbuk-do", "province", D(1995, 1, 1), None, None),
    ("48", "경상남도", "Gyeongsangnam-do", "province", D(1995, 1, 1), None, None),
    ("50", "제주특별자치도", "Jeju Special Self-Governing Province", "special_self_governing_province", D(2006, 7, 1), None, None),
]
ROLES = [
    "ministry_staff",
    "advisory_expert",
    "subcommittee_member",
    "subcommittee_chair",
    "committee_secretariat",
    "committee_member",
]


def forwards(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    Group = apps.get_model("auth", "Group")
    for order, (code, ko, en, kind, start, end, _successor) in enumerate(REGIONS):
        Region.objects.update_or_create(
            code=code,
            defaults={"name_ko": ko, "name_en": en, "kind": kind, "valid_from": start, "valid_to": end,
                      "sort_order": order},
        )
    for code, *_rest, successor in REGIONS:
        if successor:
            Region.objects.filter(code=code).update(successor=Region.objects.get(code=successor))
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def backwards(apps, schema_editor):
    apps.get_model("accounts", "Region").objects.filter(code__in=[r[0] for r in REGIONS]).update(successor=None)
    apps.get_model("accounts", "Region").objects.filter(code__in=[r[0] for r in REGIONS]).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, backwards)]
