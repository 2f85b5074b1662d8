"""The set-based statements of the annual promotion, the same text on SQLite and PostgreSQL.

Each chunk of student ids runs these in one transaction (services.run_chunk): count what the chunk holds, record
the promotions (INSERT … SELECT), hold back the students with a pending application, move the promoted students'
grade, append their status events and move their open 借读 stays — never a Python loop over students.
"""

from django.db import connection

from xueji.applications.models import Application
from xueji.orgs.models import School, SchoolClass
from xueji.policy.promotion import promotion_plan
from xueji.students.models import StatusEvent, Student
from xueji.visiting.models import VisitingStay

from .models import ClassMove, Hold, Promotion

STUDENT = Student._meta.db_table
CLASS = SchoolClass._meta.db_table
SCHOOL = School._meta.db_table
APPLICATION = Application._meta.db_table
EVENT = StatusEvent._meta.db_table
STAY = VisitingStay._meta.db_table
PROMOTION = Promotion._meta.db_table
CLASS_MOVE = ClassMove._meta.db_table
HOLD = Hold._meta.db_table

ENROLLED, SUSPENDED = "在籍", "休学"
PENDING = Application.Status.PENDING.value


def _grades(grades) -> str:
    # Grades are the policy's small integers, never user input: written into the statement as literals.
    return ", ".join(str(int(g)) for g in sorted(grades)) or "NULL"


def grade_condition(alias: str) -> tuple[str, list]:
    """Whether the row `alias` (a student or a class, both with grade and school_id) is in a promoted grade."""
    everywhere, by_type = promotion_plan()
    parts, params = [f"{alias}.grade IN ({_grades(everywhere)})"], []
    for grade, types in by_type.items():
        marks = ", ".join(["%s"] * len(types))
        parts.append(f"({alias}.grade = {int(grade)} AND {alias}.school_id IN "
                     f"(SELECT code FROM {SCHOOL} WHERE school_type IN ({marks})))")
        params += sorted(types)
    return "(" + " OR ".join(parts) + ")", params


def eligible_condition(year: int) -> tuple[str, list]:
    """A 在籍 student of a promoted grade who is not a new entrant of `year` (entered that summer or autumn, or
    placed in a class of that year's intake)."""
    grade_sql, params = grade_condition("s")
    sql = (f"s.status = %s AND {grade_sql} AND s.entry_month < %s "
           f"AND (s.school_class_id IS NULL OR s.school_class_id NOT IN "
           f"(SELECT id FROM {CLASS} WHERE entry_year >= %s))")
    return sql, [ENROLLED, *params, f"{year}07", year]


def _pending(lo: int, hi: int) -> tuple[str, list]:
    return (f"(SELECT student_id FROM {APPLICATION} WHERE status = %s AND student_id > %s AND student_id <= %s)",
            [PENDING, lo, hi])


def count_chunk(cursor, year: int, lo: int, hi: int) -> dict:
    """Before anything moves: the active students of the chunk, the suspended ones and the 在籍 ones in a grade
    that is not promoted (六年级, 初三, 高三)."""
    grade_sql, params = grade_condition("s")
    cursor.execute(
        f"SELECT COUNT(*), SUM(CASE WHEN s.status = %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN s.status = %s AND NOT {grade_sql} THEN 1 ELSE 0 END) "
        f"FROM {STUDENT} s WHERE s.id > %s AND s.id <= %s AND s.status IN (%s, %s)",
        [SUSPENDED, ENROLLED, *params, lo, hi, ENROLLED, SUSPENDED])
    active, suspended, final = cursor.fetchone()
    return {"active": active or 0, "suspended": suspended or 0, "final": final or 0}


def _to_promote(year: int, lo: int, hi: int) -> tuple[str, list]:
    """The chunk's students to promote: eligible, no pending application, not promoted this year already."""
    eligible, params = eligible_condition(year)
    pending, pending_params = _pending(lo, hi)
    return (f"s.id > %s AND s.id <= %s AND {eligible} AND s.id NOT IN {pending} "
            f"AND s.id NOT IN (SELECT student_id FROM {PROMOTION} WHERE school_year = %s "
            f"AND student_id > %s AND student_id <= %s)", [lo, hi, *params, *pending_params, year, lo, hi])


def promote_chunk(cursor, year: int, lo: int, hi: int, *, now, actor_id, note: str) -> int:
    """Promote the chunk: Promotion rows, the grade, the status events. Returns how many were promoted."""
    if connection.vendor == "postgresql":
        return _promote_in_one_pass(cursor, year, lo, hi, now=now, actor_id=actor_id, note=note)
    promoted = insert_promotions(cursor, year, lo, hi)
    move_students(cursor, year, lo, hi, now)
    insert_events(cursor, year, lo, hi, now=now, actor_id=actor_id, note=note)
    return promoted


def _promote_in_one_pass(cursor, year: int, lo: int, hi: int, *, now, actor_id, note: str) -> int:
    """PostgreSQL: one statement reads each student once; the UPDATE's RETURNING feeds both INSERTs, so the
    promotion costs the grade UPDATE plus the two narrow inserts (the benchmark's floor is that UPDATE alone)."""
    chosen, params = _to_promote(year, lo, hi)
    cursor.execute(
        f"WITH moved AS (UPDATE {STUDENT} s SET grade = s.grade + 1, updated_at = %s WHERE {chosen} "
        f"RETURNING s.id, s.grade, s.school_id), "
        f"recorded AS (INSERT INTO {PROMOTION} (student_id, school_year, from_grade, to_grade, late) "
        f"SELECT id, %s, grade - 1, grade, %s FROM moved) "
        f"INSERT INTO {EVENT} (student_id, at, kind, from_status, to_status, school_id, actor_id, note, changes) "
        f"SELECT id, %s, %s, %s, %s, school_id, %s, %s, jsonb_build_object('grade', jsonb_build_array(grade - 1, grade)) "
        f"FROM moved",
        [now, *params, year, False, now, "升级", ENROLLED, ENROLLED, actor_id, note])
    return cursor.rowcount


def insert_promotions(cursor, year: int, lo: int, hi: int) -> int:
    chosen, params = _to_promote(year, lo, hi)
    cursor.execute(
        f"INSERT INTO {PROMOTION} (student_id, school_year, from_grade, to_grade, late) "
        f"SELECT s.id, %s, s.grade, s.grade + 1, %s FROM {STUDENT} s WHERE {chosen}", [year, False, *params])
    return cursor.rowcount


def insert_holds(cursor, year: int, lo: int, hi: int) -> int:
    eligible, params = eligible_condition(year)
    pending, pending_params = _pending(lo, hi)
    cursor.execute(
        f"INSERT INTO {HOLD} (student_id, school_year, grade) SELECT s.id, %s, s.grade FROM {STUDENT} s "
        f"WHERE s.id > %s AND s.id <= %s AND {eligible} AND s.id IN {pending} "
        f"AND s.id NOT IN (SELECT student_id FROM {HOLD} WHERE school_year = %s)",
        [year, lo, hi, *params, *pending_params, year])
    return cursor.rowcount


def _promoted_here(year: int, lo: int, hi: int) -> tuple[str, list]:
    return (f"(SELECT student_id FROM {PROMOTION} WHERE school_year = %s AND late = %s "
            f"AND student_id > %s AND student_id <= %s)", [year, False, lo, hi])


def move_students(cursor, year: int, lo: int, hi: int, now) -> int:
    promoted, params = _promoted_here(year, lo, hi)
    cursor.execute(f"UPDATE {STUDENT} SET grade = grade + 1, updated_at = %s "
                   f"WHERE id > %s AND id <= %s AND id IN {promoted}", [now, lo, hi, *params])
    return cursor.rowcount


def _changes_json() -> str:
    if connection.vendor == "postgresql":
        return "jsonb_build_object('grade', jsonb_build_array(p.from_grade, p.to_grade))"
    return "json_object('grade', json_array(p.from_grade, p.to_grade))"


def insert_events(cursor, year: int, lo: int, hi: int, *, now, actor_id, note: str) -> int:
    cursor.execute(
        f"INSERT INTO {EVENT} (student_id, at, kind, from_status, to_status, school_id, actor_id, note, changes) "
        f"SELECT p.student_id, %s, %s, %s, %s, s.school_id, %s, %s, {_changes_json()} "
        f"FROM {PROMOTION} p JOIN {STUDENT} s ON s.id = p.student_id "
        f"WHERE p.school_year = %s AND p.late = %s AND p.student_id > %s AND p.student_id <= %s",
        [now, "升级", ENROLLED, ENROLLED, actor_id, note, year, False, lo, hi])
    return cursor.rowcount


def move_stays(cursor, year: int, lo: int, hi: int) -> int:
    """借读 stays follow the student (第二十七条: the record stays home; the stay is in the student's grade)."""
    promoted, params = _promoted_here(year, lo, hi)
    cursor.execute(f"UPDATE {STAY} SET grade = grade + 1 WHERE ended_on IS NULL "
                   f"AND student_id > %s AND student_id <= %s AND student_id IN {promoted}", [lo, hi, *params])
    return cursor.rowcount


def move_classes(cursor, year: int) -> int:
    """Every class of a promoted grade, except the new year's intake, moves up with its cohort: same id, name and
    entry year, the next grade (三年级1班 becomes 四年级1班)."""
    grade_sql, params = grade_condition("c")
    cursor.execute(
        f"INSERT INTO {CLASS_MOVE} (school_class_id, school_year, from_grade, to_grade) "
        f"SELECT c.id, %s, c.grade, c.grade + 1 FROM {CLASS} c WHERE {grade_sql} AND c.entry_year < %s "
        f"AND c.id NOT IN (SELECT school_class_id FROM {CLASS_MOVE} WHERE school_year = %s)",
        [year, *params, year, year])
    # Every move of the year was inserted just now: the classes phase is one transaction with the job's move to
    # the next phase, so a move on file means its class already moved (services._move_classes).
    cursor.execute(f"UPDATE {CLASS} SET grade = grade + 1 WHERE id IN "
                   f"(SELECT school_class_id FROM {CLASS_MOVE} WHERE school_year = %s)", [year])
    return cursor.rowcount


def promotion_rows(cursor, year: int, after: int, limit: int) -> list[tuple[int, int, int]]:
    """The rollover's promotions in student order, `limit` at a time (the digest reads them all)."""
    cursor.execute(f"SELECT student_id, from_grade, to_grade FROM {PROMOTION} WHERE school_year = %s AND late = %s "
                   f"AND student_id > %s ORDER BY student_id LIMIT %s", [year, False, after, limit])
    return cursor.fetchall()


def digest_in_database(cursor, year: int) -> tuple[str, int] | None:
    """On PostgreSQL the server hashes the same lines itself (no row leaves it); None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    cursor.execute(
        f"SELECT encode(sha256(convert_to(COALESCE(string_agg(student_id || ',' || from_grade || ',' || to_grade "
        f"|| E'\\n', '' ORDER BY student_id), ''), 'UTF8')), 'hex'), COUNT(*) "
        f"FROM {PROMOTION} WHERE school_year = %s AND late = %s", [year, False])
    digest, count = cursor.fetchone()
    return digest, count
