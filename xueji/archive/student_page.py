"""A student's archive page (第十一条 学籍档案): awards, discipline, filed items with the paper folder's place, and
certificates, each the section its capability renders, under the record's head.

They were panels of the record page itself: six queries and nearly half its time on every read of a record, for
what a reader opens far less often than the record (issue #15: a record page in a handful of queries). The
archive's forms come back here."""

from django.shortcuts import redirect, render
from django.urls import reverse

from xueji.students.selectors import find_student
from xueji.web.pages import org_crumbs, page


def back_to_archive(student, anchor: str):
    """Where a form of the archive returns: its own section of this page."""
    return redirect(reverse("web:archive:student", args=[student.key]) + f"#{anchor}")


@page
def student_archive_page(request, key: str):
    student = find_student(request.user, key)
    crumbs = org_crumbs(request.user, school=student.school, school_class=student.school_class)
    crumbs += [{"label": student.name, "url": reverse("web:students:detail", args=[student.key])},
               {"label": "学籍档案", "url": None}]
    return render(request, "archive/student.html", {"student": student, "crumbs": crumbs})
