"""Bulk admission through the services: the issue's checks, as a registrar and a county officer meet them."""

from datetime import date

import pytest

from tests import factories as f
from tests.intake.conftest import csv_bytes, pupil, upload_file, xls_bytes, xlsx_bytes
from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict, Forbidden, NotFound
from xueji.intake import services
from xueji.intake.models import DuplicateCase, ImportBatch
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student

pytestmark = pytest.mark.django_db


def check(world, rows, *, content=None, name="新生.xlsx", actor=None, school=None):
    content = content if content is not None else xlsx_bytes(rows)
    return services.import_file(actor or world.registrar_a, school or world.school_a, upload_file(content, name))


def commit(world, batch, mode="valid_only", *, actor=None, submit=False):
    services.request_commit(actor or world.registrar_a, batch, mode=mode, submit_registration=submit)
    return services.run_commit(batch.pk)


def codes_by_row(batch) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for e in batch.errors:
        found.setdefault(e["row"], []).append(e["code"])
    return found


# ------------------------------------------------------------------------------ files from other programs


@pytest.mark.parametrize("make, name", [
    (xlsx_bytes, "新生.xlsx"),
    (lambda rows: csv_bytes(rows, encoding="gb18030"), "新生.csv"),
    (lambda rows: csv_bytes(rows, encoding="utf-8"), "新生.csv"),
    (lambda rows: csv_bytes(rows, encoding="utf-8-sig"), "新生.csv"),
    (xls_bytes, "新生.xls"),
])
def test_a_template_filled_by_another_program_imports(world, make, name):
    rows = [pupil(1, gender="男", ethnicity="汉族", name="𠮷祥"), pupil(2, ethnicity="03", hmt_overseas="否")]
    batch = check(world, rows, content=make(rows), name=name)
    assert (batch.status, batch.rows_total, batch.rows_ok, batch.errors) == ("validated", 2, 2, [])
    assert Student.objects.filter(school=world.school_a).count() == 0  # checking writes nothing
    batch = commit(world, batch)
    assert batch.status == "committed" and batch.rows_new == 2
    first = Student.objects.get(name="𠮷祥")
    assert (first.gender, first.ethnicity, first.status, first.school_id) == ("1", "01", "待注册", world.school_a.pk)
    assert FamilyMember.objects.filter(student=first).count() == 1
    assert Enrolment.objects.get(student=first).entry_reason == "新建学籍"
    event = StatusEvent.objects.get(student=first)
    assert event.kind == "建档" and event.changes["batch"] == batch.pk and f"#{batch.pk}" in event.note
    assert AuditEvent.objects.filter(action="intake.commit", object_id=str(batch.pk)).count() == 1


def test_four_classic_mistakes_are_all_reported_and_nothing_is_written(world):
    good = pupil(1)
    bad_check = pupil(2)
    bad_check["身份证件号"] = bad_check["身份证件号"][:17] + ("0" if bad_check["身份证件号"][17] != "0" else "1")
    wrong_birth = pupil(3)
    wrong_birth["出生日期"] = "2019-01-01"
    as_number = pupil(4)
    as_number["身份证件号"] = float(as_number["身份证件号"][:17] + "0")
    bad_ethnicity = pupil(5, ethnicity="77")
    batch = check(world, [good, bad_check, wrong_birth, as_number, bad_ethnicity])
    assert batch.rows_total == 5 and batch.rows_ok == 1
    found = {(e["row"], e["column"], e["code"]) for e in batch.errors}
    assert found == {(3, "身份证件号", "id_check_digit"), (4, "出生日期", "id_birth_mismatch"),
                     (5, "身份证件号", "id_excel_float"), (6, "民族", "invalid_code")}
    assert all(e["message"] for e in batch.errors)
    batch = commit(world, batch, "all_or_nothing")
    assert batch.status == "validated" and "未写入任何数据" in batch.message
    assert not Student.objects.filter(school=world.school_a).exists()


@pytest.mark.parametrize("make, name", [(xlsx_bytes, "新生.xlsx"), (csv_bytes, "新生.csv")])
def test_an_id_typed_as_text_with_a_bad_check_digit_is_not_called_a_spreadsheet_number(world, make, name):
    """Eighteen digits ending in 000 typed as text: the check digit is wrong, and that is what the report says;
    only a number cell or a number's notation is reported as converted by the spreadsheet."""
    typed = pupil(1)
    number = typed["身份证件号"][:15] + "000"
    assert not number.endswith(typed["身份证件号"][15:])  # the test needs an ID whose check digit is now wrong
    typed["身份证件号"] = number
    batch = check(world, [typed], content=make([typed]), name=name)
    [error] = batch.errors
    assert (error["column"], error["code"]) == ("身份证件号", "id_check_digit")
    assert "校验位" in error["message"] and "表格软件" not in error["message"]


def test_every_bad_field_of_a_row_is_listed(world):
    row = pupil(1, ethnicity="77", phone="abc", postcode="12")
    row["成员1姓名"] = ""
    batch = check(world, [row])
    assert {e["column"] for e in batch.errors} == {"民族", "联系电话", "邮政编码", "成员1姓名"}


def test_keep_the_good_rows_lists_the_skipped_ones(world):
    batch = check(world, [pupil(1), pupil(2, ethnicity="77"), pupil(3)])
    batch = commit(world, batch)
    assert batch.status == "committed" and batch.rows_new == 2 and batch.skipped_rows == [3]
    assert Student.objects.filter(school=world.school_a).count() == 2
    assert "1行有错误未导入" in batch.message


def test_same_id_twice_in_one_file_refuses_the_second_row(world):
    twin = pupil(1)
    batch = check(world, [twin, dict(twin, 姓名="李四")])
    assert codes_by_row(batch) == {3: ["duplicate_in_file"]}
    assert "第2行" in batch.errors[0]["message"]


def test_uploading_the_same_file_twice_creates_nothing_new(world):
    content = xlsx_bytes([pupil(1), pupil(2)])
    commit(world, check(world, [], content=content))
    batches, students = ImportBatch.objects.count(), Student.objects.count()
    with pytest.raises(Conflict) as caught:
        check(world, [], content=content)
    assert caught.value.violations[0].code == "already_imported" and "未重复写入" in caught.value.message
    assert (ImportBatch.objects.count(), Student.objects.count()) == (batches, students)


def test_the_same_file_checked_twice_commits_once(world):
    content = xlsx_bytes([pupil(1)])
    first, second = check(world, [], content=content), check(world, [], content=content)
    commit(world, first)
    with pytest.raises(Conflict):
        commit(world, second)
    assert Student.objects.filter(school=world.school_a).count() == 1


def test_header_problems_are_reported_before_any_row(world):
    header = ["姓名", "性别", "民族", "血型"]
    batch = check(world, [], content=xlsx_bytes([{"姓名": "王小明", "性别": "1"}], header=header))
    assert batch.status == "failed"
    assert {e["code"] for e in batch.errors} == {"unknown_columns", "missing_columns"}
    assert "血型" in batch.errors[0]["message"]


# ------------------------------------------------------------------------------ the registry (第十四条)


def test_a_student_registered_elsewhere_is_refused_without_naming_the_school(world, make_student):
    elsewhere = make_student(school=world.school_b)
    row = pupil(1, id_number=elsewhere.id_number, birth=elsewhere.birth_date, gender=elsewhere.gender)
    batch = check(world, [row])
    [error] = batch.errors
    assert (error["code"], error["article"], error["column"]) == ("registered_elsewhere", "第十四条", "身份证件号")
    assert "请办理转学手续" in error["message"] and "省内其他学校" in error["message"]
    assert world.school_b.name not in error["message"]
    assert commit(world, batch).status == "validated"
    assert Student.objects.filter(id_number=elsewhere.id_number).count() == 1


def test_a_student_already_at_this_school_is_refused(world, make_student):
    here = make_student()
    batch = check(world, [pupil(1, id_number=here.id_number, birth=here.birth_date, gender=here.gender)])
    assert codes_by_row(batch) == {2: ["already_in_school"]}


def test_a_child_without_id_matching_another_without_id_is_refused(world, make_student):
    guardian = {"成员1身份证件类型": "1", "成员1身份证件号": f.make_id(birth=date(1985, 6, 1), seq=77),
                "成员1是否监护人": "是"}
    make_student(school=world.school_b, id_type="Z", id_number="", name="张无证", birth=date(2019, 4, 4))
    row = pupil(1, id_type="Z", id_number="", name="张无证", birth=date(2019, 4, 4), gender="1") | guardian
    batch = check(world, [row])
    assert codes_by_row(batch) == {2: ["duplicate_unidentified"]}


# ------------------------------------------------------------------------------ continuation (第四条, 第十二条)


def _registered(world, make_student, **overrides):
    student = make_student(**overrides)
    app = applications.submit(world.registrar_a, "registration", student)
    applications.approve(world.leader_a, app.pk)
    applications.approve(world.county_xd, app.pk)
    student.refresh_from_db()
    return student


def _junior_row(student, **overrides):
    return pupil(1, name=student.name, id_number=student.id_number, birth=student.birth_date,
                 gender=student.gender, grade="初一", **overrides)


@pytest.mark.parametrize("status", ["毕业", "在籍"])
def test_a_primary_graduate_entering_junior_high_keeps_record_and_number(world, make_student, stage_over, status):
    student = _registered(world, make_student, grade=6, birth=date(2013, 5, 6), entry_month="202009")
    Student.objects.filter(pk=student.pk).update(status=status)
    number = student.student_number
    row = _junior_row(student, entry_month="202609", current_address="山西省太原市小店区长治路211号8号楼1单元302室")
    batch = commit(world, check(world, [row], actor=world.registrar_a2, school=world.school_a2),
                   actor=world.registrar_a2)
    assert (batch.status, batch.rows_continued, batch.rows_new) == ("committed", 1, 0)
    student.refresh_from_db()
    assert Student.objects.filter(id_number=student.id_number).count() == 1
    assert (student.school_id, student.grade, student.student_number) == (world.school_a2.pk, 7, number)
    assert student.status == "在籍" and student.photo_retake_needed
    assert student.current_address.startswith("山西省太原市小店区长治路")
    assert student.school_class is None
    stays = list(Enrolment.objects.filter(student=student).order_by("id"))
    assert [(e.school_id, e.ended_on is None) for e in stays] == [(world.school_a.pk, False), (world.school_a2.pk, True)]
    assert stays[0].exit_reason == "升学" and stays[1].entry_reason == "升学接续"
    # The primary school keeps reading the record as it stood when the pupil left (第十八条 备份).
    assert stays[0].snapshot["school_id"] == world.school_a.pk and stays[0].snapshot["grade"] == 6
    assert stays[0].snapshot["current_address"] != student.current_address
    event = StatusEvent.objects.get(student=student, kind="接续")
    assert event.from_status == status and event.to_status == "在籍"
    assert event.changes["school"] == [world.school_a.pk, world.school_a2.pk]


def test_continuation_by_student_number_for_a_child_without_id(world, make_student):
    guardian_id = f.make_id(birth=date(1985, 6, 1), seq=61)
    guardian = {"id_type": "1", "id_number": guardian_id, "is_guardian": "1", "name": "张父", "relation": "51",
                "phone": "13900000001"}
    student = make_student(grade=6, id_type="Z", id_number="", name="张无证", birth=date(2013, 4, 4),
                           entry_month="202009", family=[guardian])
    app = applications.submit(world.registrar_a, "registration", student)
    applications.approve(world.leader_a, app.pk)
    applications.approve(world.county_xd, app.pk)
    student.refresh_from_db()
    Student.objects.filter(pk=student.pk).update(status="毕业")
    row = pupil(1, id_type="Z", id_number="", name="张无证", birth=date(2013, 4, 4), gender="1", grade="初一",
                entry_month="202609") | {"学籍号": student.student_number, "成员1身份证件号": guardian_id,
                                         "成员1是否监护人": "是"}
    header = [*__import__("tests.intake.conftest", fromlist=["HEADER"]).HEADER, "学籍号"]
    batch = check(world, [row], content=xlsx_bytes([row], header=header), actor=world.registrar_a2,
                  school=world.school_a2)
    assert batch.errors == [] and batch.rows_continued == 1


def test_a_name_that_differs_from_the_record_stops_continuation(world, make_student):
    student = _registered(world, make_student, grade=6, birth=date(2013, 5, 6), entry_month="202009")
    Student.objects.filter(pk=student.pk).update(status="毕业")
    row = _junior_row(student) | {"姓名": "王大明"}
    batch = check(world, [row], actor=world.registrar_a2, school=world.school_a2)
    assert codes_by_row(batch) == {2: ["continuation_name_mismatch"]}


def test_an_active_junior_pupil_elsewhere_is_not_taken_over(world, make_student):
    student = make_student(school=world.school_a2, grade=8, birth=date(2012, 5, 6), entry_month="202409")
    row = pupil(1, name=student.name, id_number=student.id_number, birth=student.birth_date, gender=student.gender,
                grade="高一", entry_mode="21")
    batch = check(world, [row], actor=world.registrar_high, school=world.high)
    assert codes_by_row(batch) == {2: ["registered_elsewhere"]}


# ------------------------------------------------------------------------------ suspected duplicates


def _homophone_case(world, make_student):
    existing = make_student(school=world.school_b, name="王小明", birth=date(2019, 7, 7), gender="1",
                            id_number=f.make_id(birth=date(2019, 7, 7), gender="1", seq=91))
    row = pupil(9, name="王晓明", birth=date(2019, 7, 7), gender="1")
    batch = commit(world, check(world, [row]))
    return existing, batch


def test_a_homophone_with_the_same_birth_date_is_admitted_and_sent_to_the_county(world, make_student):
    existing, batch = _homophone_case(world, make_student)
    assert batch.status == "committed" and batch.rows_new == 1 and batch.suspected == 1
    case = DuplicateCase.objects.get()
    assert (case.existing_id, case.reasons, case.authority_id, case.status) == (
        existing.pk, ["pinyin"], world.xiaodian.pk, "open")
    assert case.student.name == "王晓明" and case.student.status == "待注册"


def test_keep_both_is_recorded_and_audited(world, make_student):
    _homophone_case(world, make_student)
    case = DuplicateCase.objects.get()
    services.decide_case(world.county_xd, case.pk, "keep_both", "家长户口簿核实,不是同一人")
    case.refresh_from_db()
    assert case.status == "kept_both" and case.decided_by == world.county_xd and case.decided_at
    assert case.student.status == "待注册"
    audit = AuditEvent.objects.get(action="duplicate.decide")
    assert audit.details["decision"] == "keep_both" and audit.reason.startswith("家长户口簿")
    with pytest.raises(Conflict):
        services.decide_case(world.county_xd, case.pk, "merge")


def test_merge_cancels_the_new_record_with_a_link_and_deletes_nothing(world, make_student):
    existing, batch = _homophone_case(world, make_student)
    case = DuplicateCase.objects.get()
    # A registration filed before the case was opened (registration is held while a case is open, 第十四条).
    services.submit_registrations(world.registrar_a, batch, {case.student_id: case.student.grade})
    app = Application.objects.get(student=case.student, type="registration")
    services.decide_case(world.county_xd, case.pk, "merge", "同一人")
    new = Student.objects.get(pk=case.student_id)
    assert new.status == "注销"
    event = StatusEvent.objects.get(student=new, kind="重复学籍合并")
    assert (event.from_status, event.to_status, event.changes["merged_into"]) == ("待注册", "注销", existing.pk)
    assert Enrolment.objects.get(student=new).exit_reason == "重复学籍合并"
    assert Application.objects.get(pk=app.pk).status == "cancelled"
    assert Student.objects.filter(pk__in=[new.pk, existing.pk]).count() == 2


def test_only_the_competent_county_decides(world, make_student):
    _homophone_case(world, make_student)
    case = DuplicateCase.objects.get()
    with pytest.raises(NotFound):
        services.decide_case(world.county_yz, case.pk, "merge")
    with pytest.raises(Forbidden):
        services.decide_case(world.city_ty, case.pk, "merge")  # the city sees its counties' cases, does not decide
    with pytest.raises(NotFound):
        services.decide_case(world.registrar_a, case.pk, "merge")
    assert DuplicateCase.objects.get().status == "open"


def test_an_id_two_transposed_digits_away_is_suspected(world, make_student):
    from xueji.intake.importer import swapped_ids

    original = next(n for s in range(100) if swapped_ids(n := f.make_id(birth=date(2019, 8, 8), seq=s)))
    make_student(school=world.school_b, id_number=original, birth=date(2019, 8, 8), name="周甲")
    twin = swapped_ids(original)[0]
    row = pupil(1, id_number=twin, birth=date(int(twin[6:10]), int(twin[10:12]), int(twin[12:14])), name="吴乙",
                gender="1" if int(twin[16]) % 2 else "2")
    batch = commit(world, check(world, [row]))
    assert batch.errors == [] and batch.rows_new == 1
    assert DuplicateCase.objects.get().reasons == ["transposed_id"]


def test_two_rows_of_one_file_with_transposed_ids_are_suspected(world):
    from xueji.intake.importer import swapped_ids

    original = next(n for s in range(100) if swapped_ids(n := f.make_id(birth=date(2019, 8, 8), seq=s)))
    twin = swapped_ids(original)[0]

    def row(seq, number, name):
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        return pupil(seq, id_number=number, birth=born, name=name, gender="1" if int(number[16]) % 2 else "2")

    batch = commit(world, check(world, [row(1, original, "周甲"), row(2, twin, "吴乙")]))
    assert batch.errors == [] and batch.rows_new == 2 and batch.suspected == 1
    case = DuplicateCase.objects.get()
    assert (case.student.name, case.existing.name, case.reasons) == ("吴乙", "周甲", ["transposed_id"])


def test_two_rows_of_one_file_with_unrelated_ids_are_not_suspected(world):
    # The same birth date, different names and ID numbers that are not each other's transposed twins.
    born = date(2019, 8, 8)
    first, second = f.make_id(birth=born, gender="1", seq=11), f.make_id(birth=born, gender="1", seq=12)
    from xueji.intake.importer import swapped_ids

    assert second not in swapped_ids(first)
    rows = [pupil(1, id_number=first, birth=born, name="周甲", gender="1"),
            pupil(2, id_number=second, birth=born, name="吴乙", gender="1")]
    batch = commit(world, check(world, rows))
    assert batch.errors == [] and batch.rows_new == 2 and batch.suspected == 0
    assert not DuplicateCase.objects.exists()


def test_same_guardian_and_birth_date_is_suspected_also_within_one_file(world, make_student):
    existing = make_student(school=world.school_b, name="刘一", birth=date(2019, 9, 9),
                            id_number=f.make_id(birth=date(2019, 9, 9), seq=92))
    guardian_id = existing.family.get().id_number
    twin_a = pupil(1, name="刘二", birth=date(2019, 9, 9)) | {"成员1身份证件号": guardian_id}
    twin_b = pupil(2, name="刘三", birth=date(2019, 9, 9)) | {"成员1身份证件号": guardian_id}
    batch = commit(world, check(world, [twin_a, twin_b]))
    assert batch.rows_new == 2 and batch.suspected == 2
    pairs = {(c.student.name, c.existing.name): c.reasons for c in DuplicateCase.objects.all()}
    assert pairs == {("刘二", "刘一"): ["guardian"], ("刘三", "刘一"): ["guardian"], ("刘三", "刘二"): ["guardian"]}


def test_migrant_children_go_through_the_same_path(world, make_student):
    existing = make_student(school=world.school_b, name="马小龙", birth=date(2019, 2, 2), gender="1",
                            id_number=f.make_id(birth=date(2019, 2, 2), gender="1", seq=93))
    migrant = {"是否进城务工人员随迁子女": "是", "户口所在地": "410102", "籍贯": "410102", "出生地": "410102",
               "户口性质": "农业户口"}
    refused = pupil(1, id_number=existing.id_number, birth=date(2019, 2, 2), gender="1") | migrant
    admitted = pupil(3, name="马晓龙", birth=date(2019, 2, 2), gender="1") | migrant
    batch = commit(world, check(world, [refused, admitted]))
    assert codes_by_row(batch) == {2: ["registered_elsewhere"]}
    new = Student.objects.get(name="马晓龙")
    assert new.migrant_child is True and new.hukou_location == "410102" and new.status == "待注册"
    assert DuplicateCase.objects.get().student_id == new.pk


# ------------------------------------------------------------------------------ classes and registration


def test_a_named_class_places_the_pupil_and_an_unknown_one_is_an_error(world):
    batch = commit(world, check(world, [pupil(1, school_class="1班"), pupil(2, school_class="9班")]))
    assert batch.skipped_rows == [3] and batch.errors[0]["code"] == "unknown_class"
    assert Student.objects.get(school=world.school_a).school_class == world.class_a1


def test_a_class_over_its_normal_cap_refuses_the_extra_rows_and_points_to_placement(world):
    # 第十三条: past 45 a 小学 class needs a written reason; the file has no column for one, so the message sends
    # the registrar to placement instead of asking for a reason he cannot give here.
    rows = [pupil(i, school_class="1班") for i in range(1, 53)]
    batch = check(world, rows)
    assert batch.rows_ok == 45
    assert {e["code"] for e in batch.errors} == {"class_over_normal_cap_needs_reason"}
    first = batch.errors[0]
    assert (first["row"], first["article"], first["column"]) == (47, "第十三条", "班级")
    assert "编班" in first["message"] and "留空" in first["message"] and "该班将达46人" in first["message"]
    assert "请填写理由" not in first["message"]


def _seat_a_visitor(world, school_class, make_student):
    """A 借读 guest sitting in the class; his record stays at his home school (第二十七条)."""
    from xueji.applications.models import Application
    from xueji.visiting.models import VisitingStay

    guest = make_student(school=world.school_b, name="借读生")
    application = Application.objects.create(type="visiting", student=guest, school=world.school_a,
                                             status="approved", created_by=world.registrar_a)
    VisitingStay.objects.create(student=guest, home_school=world.school_b, host_school=world.school_a,
                                host_class=school_class, grade=school_class.grade, reason="parents_field_work",
                                started_on=date.today(), application=application)


def test_the_class_count_includes_visiting_guests_and_held_placements(world, make_student):
    # Counted as placement counts (第十三条): 42 seated + 1 借读 guest + 1 seat held by a plan awaiting approval,
    # so the file's first pupil is the 45th and its second the 46th.
    from tests.placement.conftest import pupils
    from xueji.placement import services as placement

    pupils(world.school_a, 1, 42, school_class=world.class_a1)
    _seat_a_visitor(world, world.class_a1, make_student)
    [late] = pupils(world.school_a, 1, 1)
    placement.place_student(world.registrar_a, late, world.class_a1)
    batch = check(world, [pupil(1, school_class="1班"), pupil(2, school_class="1班")])
    assert batch.rows_ok == 1 and codes_by_row(batch) == {3: ["class_over_normal_cap_needs_reason"]}
    assert "该班将达46人" in batch.errors[0]["message"]


def test_a_senior_grade_one_class_takes_its_50th_row_and_refuses_the_51st(world):
    # 第十三条 "高一年级班容量限定在50人以内": no reason would pass it, and the message does not ask for one.
    from tests.placement.conftest import pupils

    senior = f.school_class(world.high, grade=10, name="高一1班")
    pupils(world.high, 10, 49, school_class=senior)
    rows = [pupil(i, grade=10, entry_mode="21", school_class="高一1班") for i in (1, 2)]
    batch = check(world, rows, actor=world.registrar_high, school=world.high)
    assert batch.rows_ok == 1 and codes_by_row(batch) == {3: ["class_over_hard_cap"]}
    message = batch.errors[0]["message"]
    assert message.startswith("普通高中高一年级班额不得超过50人(第十三条)") and "没有例外" in message


def test_commit_can_file_the_registrations_at_once(world):
    batch = commit(world, check(world, [pupil(1), pupil(2)]), submit=True)
    assert batch.applications_submitted == 2
    apps = Application.objects.filter(type="registration", batch=f"import-{batch.pk}")
    assert apps.count() == 2
    app = apps.first()
    steps = [(s.order, s.role, s.org_code, s.status) for s in app.steps.order_by("order")]
    assert steps == [(1, "leader", world.school_a.pk, "pending"), (2, "county", "140105", "waiting")]
    assert app.due_date == date.today().fromordinal(date.today().toordinal() + 15)
    applications.approve(world.leader_a, app.pk)
    applications.approve(world.county_xd, app.pk)
    student = Student.objects.get(pk=app.student_id)
    assert student.status == "在籍" and student.student_number == "G" + student.id_number


# ------------------------------------------------------------------------------ who may import


def test_only_the_schools_registrar_imports(world):
    content = upload_file(xlsx_bytes([pupil(1)]))
    with pytest.raises(Forbidden):
        services.upload(world.leader_a, world.school_a, content)
    with pytest.raises(Forbidden):
        services.upload(world.county_xd, world.school_a, content)
    with pytest.raises(NotFound):
        services.upload(world.registrar_b, world.school_a, content)
    assert not ImportBatch.objects.exists()


def test_another_registrar_cannot_commit_the_batch(world):
    batch = check(world, [pupil(1)])
    with pytest.raises(NotFound):
        services.request_commit(world.registrar_b, batch, mode="valid_only")
    with pytest.raises(Forbidden):
        services.request_commit(world.leader_a, batch, mode="valid_only")
