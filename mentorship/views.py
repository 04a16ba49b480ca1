import calendar as calendar_module
from datetime import date, datetime, time, timedelta
from itertools import groupby
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.services import invite_user
from civportal.access import require
from civportal.confirm import confirmation_page, is_confirmed
from civportal.files import serve_file
from civportal.forms import save_once, save_through_service
from civportal.templatetags.thaidate import (
    EN_MONTHS,
    TH_MONTHS,
    _is_thai,
    display_year,
    first_weekday,
    week_start,
)
from communities.selectors import visible_among

from . import services
from .forms import (
    AssignmentForm,
    AttendanceForm,
    FeedbackForm,
    InviteMentorForm,
    MaterialForm,
    MOUCreateForm,
    MOUForm,
    SessionForm,
    SignatoryForm,
    SignedPDFForm,
)
from .ical import BANGKOK, build_calendar
from .models import MOU, CalendarFeedToken, TrainingSession
from .permissions import (
    can_assign_mentors,
    can_create_mous,
    can_edit_mou,
    can_give_feedback,
    can_invite_mentors,
    can_manage_session,
    can_register,
    can_remove_registration,
    can_schedule_session,
    can_see_register,
    can_sign_mou,
    can_take_attendance,
    has_started,
)
from .selectors import (
    attendance_register,
    delivery_by,
    delivery_by_area,
    get_material_for,
    get_mou_for,
    get_registration_for,
    get_session_for,
    get_signed_pdf_version_for,
    mou_page_key,
    mous_for,
    register_counts,
    schedulable_mous_for,
    session_members,
    sessions_for,
    sessions_in_range,
    sessions_overlapping,
    signed_pdf_versions,
    upcoming_sessions_for,
    with_community_names,
    with_names,
    with_register_counts,
)


def _service_form(
    request, form, call, *, done, next_url, title, back, multipart=False, intro="", once=False
):
    """The one shape of a form page: a valid POST runs ``call(form)`` (a service through
    save_through_service), then says ``done`` and redirects to ``next_url`` — either may be
    a function of the service's result. Otherwise the (bound) form is shown again.

    ``once``: a create form, run through save_once with its one-time token, so a second
    POST of the same form creates nothing and is led to ``next_url`` of the first result.
    """
    if request.method == "POST" and form.is_valid():
        result = save_once(request, form, call, form, result_url=next_url) if once else call(form)
        if result is not None:
            messages.success(request, done(result) if callable(done) else done)
            return redirect(next_url(result) if callable(next_url) else next_url)
    return render(
        request,
        "mentorship/form_page.html",
        {"form": form, "title": title, "back": back, "multipart": multipart, "intro": intro},
    )


# --- MOUs ------------------------------------------------------------------------------


@login_required
def mou_list(request):
    return render(
        request,
        "mentorship/mou_list.html",
        {
            "mous": mous_for(request.user),
            "can_create": can_create_mous(request.user),
            "can_invite": can_invite_mentors(request.user),
        },
    )


def _status_moves(user, mou: MOU) -> list[tuple[str, str]]:
    moves = []
    for status in services.ALLOWED_MOVES.get(mou.status, ()):
        allowed = (
            can_sign_mou(user, mou) if status == MOU.Status.SIGNED else can_edit_mou(user, mou)
        )
        if allowed:
            moves.append((status, MOU.Status(status).label, status in ENDING_MOVES))
    return sorted(moves)


# An MOU page lists at most this many covered communities and sessions (on a phone, a
# screenful or two; the calendar and the registry hold the rest).
MOU_LIST_LIMIT = 15


@login_required
def mou_detail(request, pk):
    """The MOU with its communities, mentors, sessions and hours delivered per area."""
    user = request.user
    mou = get_mou_for(user, pk)
    # Hours delivered count every session (in the database); the table lists at most
    # MOU_LIST_LIMIT of them: all of a small MOU's, of a large one's those from a month ago.
    by_area, delivered, session_count = delivery_by_area(mou)
    listed = with_names(register_counts(mou.sessions.select_related("area"))).order_by(
        "starts_at", "pk"
    )
    if session_count > MOU_LIST_LIMIT:
        # From the start of the day a month ago: the same rows all day (the table is kept
        # rendered per day, mentorship.selectors.mou_page_key).
        month_ago = timezone.localdate() - timedelta(days=30)
        listed = listed.filter(ends_at__gte=datetime.combine(month_ago, time(), tzinfo=BANGKOK))
    # Read only when the kept table is rendered afresh.
    sessions = SimpleLazyObject(lambda: list(listed[:MOU_LIST_LIMIT]))
    communities = list(
        mou.communities.select_related("province").order_by("name_th", "pk")[:MOU_LIST_LIMIT]
    )
    community_count = (
        len(communities) if len(communities) < MOU_LIST_LIMIT else mou.communities.count()
    )
    return render(
        request,
        "mentorship/mou_detail.html",
        {
            "mou": mou,
            "areas": mou.areas.all(),
            "communities": communities,
            "community_count": community_count,
            "session_count": session_count,
            # Each reader's link leads to a page they may see: the registry page in their
            # scope, otherwise the community's public page (never a 404).
            "communities_in_scope": visible_among(user, communities),
            "signatories": mou.signatories.all(),
            "assignments": mou.assignments.select_related("mentor", "community").prefetch_related(
                "areas"
            ),
            "sessions": sessions,
            "page_key": mou_page_key(mou),
            "page_seconds": settings.DASHBOARD_FIGURES_SECONDS,
            "by_area": by_area,
            "delivered": delivered,
            "can_edit": can_edit_mou(user, mou),
            "can_assign": can_assign_mentors(user, mou),
            "can_schedule": can_schedule_session(user, mou),
            "can_invite": can_invite_mentors(user) and user.organisation_id == mou.company_id,
            "status_moves": _status_moves(user, mou),
            "pdf_versions": signed_pdf_versions(mou),
        },
    )


@login_required
def mou_create(request):
    require(can_create_mous(request.user))
    return _service_form(
        request,
        MOUCreateForm(request.POST or None, user=request.user),
        lambda form: save_through_service(
            form, services.create_mou, request.user, **form.service_kwargs()
        ),
        done=_("Draft MOU created."),
        next_url=lambda mou: reverse("mou_detail", args=[mou.pk]),
        title=_("New MOU (draft)"),
        back=reverse("mou_list"),
        once=True,
    )


@login_required
def mou_signatory(request, pk):
    mou = get_mou_for(request.user, pk)
    require(can_edit_mou(request.user, mou))
    return _service_form(
        request,
        SignatoryForm(request.POST or None),
        lambda form: save_through_service(
            form, services.add_signatory, request.user, mou, **form.cleaned_data
        ),
        done=_("Signatory added."),
        next_url=reverse("mou_detail", args=[pk]),
        title=_("Add a signatory"),
        back=reverse("mou_detail", args=[pk]),
        once=True,
    )


@login_required
def mou_edit(request, pk):
    mou = get_mou_for(request.user, pk)
    require(can_edit_mou(request.user, mou))

    def save(form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        fresh = mous_for(request.user).get(pk=pk)
        return save_through_service(
            form, services.update_mou, request.user, fresh, version=form.read_version, **fields
        )

    return _service_form(
        request,
        MOUForm(request.POST or None, instance=mou),
        save,
        done=_("MOU saved."),
        next_url=reverse("mou_detail", args=[pk]),
        title=_("Edit MOU"),
        back=reverse("mou_detail", args=[pk]),
    )


# Moves that end an MOU for good: the company loses its working rights under it.
ENDING_MOVES = {MOU.Status.TERMINATED, MOU.Status.EXPIRED}


def _confirm_ending(request, mou: MOU, status: str):
    if status == MOU.Status.TERMINATED:
        title = _("Terminate this MOU?")
        first = _("“%(title)s” ends today, before the end of its term, and is marked terminated.")
        button = _("Yes, terminate the MOU")
    else:
        title = _("Mark this MOU as ended?")
        first = _("“%(title)s” is marked as ended: its term is over.")
        button = _("Yes, mark it ended")
    return confirmation_page(
        request,
        title=title,
        consequences=[
            first % {"title": mou.title},
            _(
                "The company's coordinator and mentors keep reading its sessions, registers "
                "and materials, but can no longer schedule or change anything under it."
            ),
            _("This cannot be undone: to work together again, a new MOU is needed."),
        ],
        button=button,
        back=reverse("mou_detail", args=[mou.pk]),
        hidden={"status": status},
    )


@login_required
def mou_status(request, pk):
    """Move an MOU on; the moves that end it are confirmed first (civportal.confirm)."""
    mou = get_mou_for(request.user, pk)
    require(can_edit_mou(request.user, mou) or can_sign_mou(request.user, mou))
    status = (request.POST if request.method == "POST" else request.GET).get("status", "")
    if status in ENDING_MOVES and not is_confirmed(request):
        if status in services.ALLOWED_MOVES.get(mou.status, ()) and can_edit_mou(request.user, mou):
            return _confirm_ending(request, mou, status)
        if request.method == "GET":
            raise Http404
    elif request.method == "GET":
        raise Http404  # only the ending moves have a page; the others are one POST
    try:
        services.change_mou_status(request.user, mou, status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("MOU status changed."))
    return redirect("mou_detail", pk=pk)


@login_required
def mou_pdf_upload(request, pk):
    mou = get_mou_for(request.user, pk)
    require(can_edit_mou(request.user, mou))
    return _service_form(
        request,
        SignedPDFForm(request.POST or None, request.FILES or None),
        lambda form: save_through_service(
            form, services.attach_signed_pdf, request.user, mou, form.cleaned_data["signed_pdf"]
        ),
        done=_("Signed MOU uploaded."),
        next_url=reverse("mou_detail", args=[pk]),
        title=_("Upload the signed MOU"),
        back=reverse("mou_detail", args=[pk]),
        multipart=True,
    )


@login_required
def mou_pdf(request, pk):
    """The signed PDF, served only to people who may see the MOU."""
    mou = get_mou_for(request.user, pk)
    return serve_file(request, mou.signed_pdf, download_name=f"mou-{mou.pk}.pdf")


@login_required
def mou_pdf_version(request, pk, history_id):
    """An earlier signed PDF of the MOU, from its history, for people who may see the MOU."""
    mou, row, file = get_signed_pdf_version_for(request.user, pk, history_id)
    uploaded = timezone.localdate(row.history_date)
    return serve_file(request, file, download_name=f"mou-{mou.pk}-{uploaded:%Y-%m-%d}.pdf")


@login_required
def session_material_file(request, pk):
    """A session's uploaded material, only for those who may see the session."""
    material = get_material_for(request.user, pk)
    extension = PurePosixPath(material.file.name).suffix
    return serve_file(request, material.file, download_name=f"{material.title}{extension}")


@login_required
def mou_assign(request, pk):
    mou = get_mou_for(request.user, pk)
    require(can_assign_mentors(request.user, mou))
    return _service_form(
        request,
        AssignmentForm(request.POST or None, mou=mou),
        lambda form: save_through_service(
            form, services.assign_mentor, request.user, mou, **form.cleaned_data
        ),
        done=_("Mentor assigned."),
        next_url=reverse("mou_detail", args=[pk]),
        title=_("Assign a mentor"),
        back=reverse("mou_detail", args=[pk]),
        once=True,
    )


@login_required
def session_new(request, pk):
    mou = get_mou_for(request.user, pk)
    require(can_schedule_session(request.user, mou))
    return _service_form(
        request,
        SessionForm(
            request.POST or None, instance=TrainingSession(mou=mou), mou=mou, user=request.user
        ),
        lambda form: save_through_service(
            form, services.schedule_session, request.user, mou, **form.service_kwargs()
        ),
        done=_("Session scheduled."),
        next_url=lambda session: reverse("session_detail", args=[session.pk]),
        title=_("Schedule a training session"),
        back=reverse("mou_detail", args=[pk]),
        once=True,
    )


@login_required
def invite_mentor(request):
    """A coordinator invites a mentor of their company; accepting creates the mentor account."""
    require(can_invite_mentors(request.user))
    return _service_form(
        request,
        InviteMentorForm(request.POST or None),
        lambda form: save_through_service(
            form,
            invite_user,
            request.user,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            role=Role.MENTOR,
            organisation=request.user.organisation,
        ),
        done=lambda invitation: (
            _("Invitation sent to %(email)s. It is valid for %(days)s days.")
            % {"email": invitation.email, "days": settings.INVITATION_EXPIRY_DAYS}
        ),
        next_url=reverse("mou_list"),
        title=_("Invite a mentor"),
        back=reverse("mou_list"),
        once=True,
        intro=_("The invitation e-mail lets them create a mentor account for %(company)s.")
        % {"company": request.user.organisation.name},
    )


# --- Sessions ---------------------------------------------------------------------------


def _attendance_not_yet(session: TrainingSession) -> str:
    """Why the register cannot be ticked (yet): said where the button would be."""
    if session.status == TrainingSession.Status.CANCELLED:
        return _("A cancelled session has no attendance.")
    return _("Attendance is taken, and the session marked done, from its start: %(when)s.") % {
        "when": services.describe_slot(session)
    }


@login_required
def session_detail(request, pk):
    user = request.user
    session = get_session_for(user, pk)
    manage = can_manage_session(user, session)
    see_register = can_see_register(user, session)
    mine = session.attendance.filter(person=user).first() if user.community_id else None
    if mine is not None:
        mine.session = session
    counts = with_register_counts(TrainingSession.objects.filter(pk=pk)).get()
    _by_session, delivered = delivery_by([counts], key=lambda row: row.pk)
    is_open = session.status in services.OPEN_STATUSES
    take_attendance = can_take_attendance(user, session)
    return render(
        request,
        "mentorship/session_detail.html",
        {
            "session": session,
            "communities": session.communities.all(),
            "mentors": session.mentors.all(),
            "materials": session.materials.all(),
            "register": attendance_register(session) if see_register else [],
            "my_registration": mine,
            "can_cancel_mine": mine is not None and can_remove_registration(user, mine),
            "delivered": delivered,
            "counts": counts,
            "can_manage": manage,
            "can_see_register": see_register,
            "can_register": can_register(user, session) and mine is None,
            "can_give_feedback": can_give_feedback(user, session),
            "is_open": is_open,
            "can_take_attendance": take_attendance,
            "attendance_note": "" if take_attendance else _attendance_not_yet(session),
            "can_mark_done": is_open and has_started(session),
            "feedback": session.feedback.select_related("person") if see_register else [],
        },
    )


@login_required
def session_edit(request, pk):
    session = get_session_for(request.user, pk)
    require(can_manage_session(request.user, session))
    return _service_form(
        request,
        SessionForm(request.POST or None, instance=session, mou=session.mou, user=request.user),
        lambda form: save_through_service(
            form,
            services.update_session,
            request.user,
            get_session_for(request.user, pk),
            version=form.read_version,
            **form.service_kwargs(),
        ),
        done=_("Session changed; participants have been told."),
        next_url=reverse("session_detail", args=[pk]),
        title=_("Change session"),
        back=reverse("session_detail", args=[pk]),
    )


SESSION_MOVES = {
    "confirm": (services.confirm_session, _("Session confirmed.")),
    "done": (services.mark_session_done, _("Session marked done.")),
}


@login_required
@require_POST
def session_status(request, pk):
    session = get_session_for(request.user, pk)
    require(can_manage_session(request.user, session))
    if request.POST.get("action") == "cancel":
        # Cancelling is confirmed on its own page; a one-tap POST from an old page goes there.
        return redirect("session_cancel", pk=pk)
    move = SESSION_MOVES.get(request.POST.get("action", ""))
    if move is None:
        raise Http404
    service, done = move
    try:
        service(request.user, session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("session_detail", pk=pk)


@login_required
def session_cancel(request, pk):
    """Cancel a session for everyone, once confirmed (civportal.confirm)."""
    session = get_session_for(request.user, pk)
    require(can_manage_session(request.user, session))
    if session.status not in services.OPEN_STATUSES:
        messages.error(request, _("This session is already finished or cancelled."))
        return redirect("session_detail", pk=pk)
    if not is_confirmed(request):
        registered = session.attendance.filter(person__isnull=False).count()
        return confirmation_page(
            request,
            title=_("Cancel this session?"),
            consequences=[
                _("“%(title)s” on %(when)s is cancelled for everyone.")
                % {"title": session.title, "when": services.describe_slot(session)},
                _(
                    "Its mentors and the members of its communities are told at once "
                    "(%(count)s have registered)."
                )
                % {"count": registered},
                _(
                    "The mentors' and communities' time becomes free for other sessions. "
                    "A cancelled session cannot be reopened: to hold it after all, schedule "
                    "it again."
                ),
            ],
            button=_("Yes, cancel the session"),
            back=reverse("session_detail", args=[pk]),
        )
    try:
        services.cancel_session(request.user, session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Session cancelled; participants have been told."))
    return redirect("session_detail", pk=pk)


@login_required
def registration_remove(request, pk):
    """Take a row off a session's register, once confirmed: a member's own place before
    the start, or anyone by those who run the session."""
    row = get_registration_for(request.user, pk)
    session = row.session
    require(can_remove_registration(request.user, row))
    own = row.person_id == request.user.pk
    if not is_confirmed(request):
        when = services.describe_slot(session)
        if own:
            title, button = _("Cancel your registration?"), _("Yes, cancel my registration")
            consequences = [
                _("Your place in “%(title)s” on %(when)s is freed for someone else.")
                % {"title": session.title, "when": when},
                _("You can register again while the session has not started and places are left."),
            ]
        else:
            title, button = _("Take this person off the register?"), _("Yes, take them off")
            consequences = [
                _("%(name)s is taken off the register of “%(title)s” on %(when)s.")
                % {"name": row.person or row.walk_in_name, "title": session.title, "when": when},
                _(
                    "Whether they were ticked present goes too. A member can register again "
                    "before the session starts."
                ),
            ]
        return confirmation_page(
            request,
            title=title,
            consequences=consequences,
            button=button,
            back=reverse("session_detail", args=[session.pk]),
        )
    services.remove_registration(request.user, row)
    messages.success(
        request,
        _("Your registration is cancelled.") if own else _("Taken off the register."),
    )
    return redirect("session_detail", pk=session.pk)


@login_required
@require_POST
def session_register(request, pk):
    session = get_session_for(request.user, pk)
    require(can_register(request.user, session))
    try:
        services.register_for_session(request.user, session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are registered for this session."))
    return redirect("session_detail", pk=pk)


@login_required
def session_attendance(request, pk):
    """The register on a phone: tick who came, add walk-ins by name."""
    session = get_session_for(request.user, pk)
    require(can_manage_session(request.user, session))
    if not can_take_attendance(request.user, session):
        messages.info(request, _attendance_not_yet(session))
        return redirect("session_detail", pk=pk)
    register = attendance_register(session)
    members = list(session_members(session))
    form = AttendanceForm(request.POST or None, members=members, register=register)
    if request.method == "POST" and form.is_valid():
        present = save_once(
            request,
            form,
            services.record_attendance,
            request.user,
            session,
            **form.service_kwargs(),
            result_url=reverse("session_detail", args=[pk]),
        )
        if present is not None:
            messages.success(
                request, _("Attendance saved: %(count)s present.") % {"count": present}
            )
            return redirect("session_detail", pk=pk)
    return render(request, "mentorship/attendance.html", {"form": form, "session": session})


@login_required
def session_feedback(request, pk):
    session = get_session_for(request.user, pk)
    require(can_give_feedback(request.user, session))
    return _service_form(
        request,
        FeedbackForm(request.POST or None),
        lambda form: save_through_service(
            form, services.give_feedback, request.user, session, **form.cleaned_data
        ),
        done=_("Thank you for your feedback."),
        next_url=reverse("session_detail", args=[pk]),
        title=_("Feedback on “%(title)s”") % {"title": session.title},
        back=reverse("session_detail", args=[pk]),
        once=True,
    )


@login_required
def session_material(request, pk):
    session = get_session_for(request.user, pk)
    require(can_manage_session(request.user, session))
    return _service_form(
        request,
        MaterialForm(request.POST or None, request.FILES or None),
        lambda form: save_through_service(
            form, services.add_material, request.user, session, **form.cleaned_data
        ),
        done=_("Material added."),
        next_url=reverse("session_detail", args=[pk]),
        title=_("Add material"),
        back=reverse("session_detail", args=[pk]),
        once=True,
        multipart=True,
    )


def _ics_response(request, sessions, *, name: str, filename: str) -> HttpResponse:
    body = build_calendar(sessions, name=name, base_url=request.build_absolute_uri("/")[:-1])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def session_ics(request, pk):
    session = get_session_for(request.user, pk)
    return _ics_response(
        request, [session], name=session.title, filename=f"session-{session.pk}.ics"
    )


# --- Calendar ---------------------------------------------------------------------------


def _month_name(month: int) -> str:
    return (TH_MONTHS if _is_thai() else EN_MONTHS)[month - 1]


def _parse_date(value: str, fallback: date) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return fallback


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BANGKOK)


def _by_day(sessions) -> dict[date, list]:
    local_day = lambda session: timezone.localtime(session.starts_at, BANGKOK).date()  # noqa: E731
    return {day: list(items) for day, items in groupby(sessions, key=local_day)}


# The month grid shows this many sessions a day and the week this many, then "+N more"
# (a link to that day, whose sessions are listed DAY_PAGE_SIZE to a page).
MONTH_DAY_LIMIT = 3
WEEK_DAY_LIMIT = 8
DAY_PAGE_SIZE = 25


def _capped(day_sessions: list) -> tuple[list, int]:
    """(the day's sessions shown, how many more the day holds)."""
    total = day_sessions[0].day_total if day_sessions else 0
    return day_sessions, total - len(day_sessions)


@login_required
def calendar_month(request):
    today = timezone.localdate()
    first = _parse_date(request.GET.get("month", "") + "-01", today).replace(day=1)
    starts_on = first_weekday()
    weeks = calendar_module.Calendar(starts_on).monthdatescalendar(first.year, first.month)
    sessions = sessions_in_range(
        request.user,
        _local_midnight(weeks[0][0]),
        _local_midnight(weeks[-1][-1] + timedelta(1)),
        per_day=MONTH_DAY_LIMIT,
    )
    days = _by_day(sessions)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "mentorship/calendar_month.html",
        {
            "title": f"{_month_name(first.month)} {display_year(first.year)}",
            "weekday_names": [WEEKDAYS_ABBR[(starts_on + n) % 7] for n in range(7)],
            "weeks": [[(day, *_capped(days.get(day, []))) for day in week] for week in weeks],
            "month": first.month,
            "today": today,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "week_of": first if first.month != today.month else today,
        },
    )


@login_required
def calendar_week(request):
    today = timezone.localdate()
    picked = _parse_date(request.GET.get("date", ""), today)
    first = week_start(picked)
    week = [first + timedelta(days=n) for n in range(7)]
    sessions = sessions_in_range(
        request.user,
        _local_midnight(first),
        _local_midnight(first + timedelta(7)),
        per_day=WEEK_DAY_LIMIT,
    )
    days = _by_day(sessions)
    return render(
        request,
        "mentorship/calendar_week.html",
        {
            "days": [(day, *_capped(days.get(day, []))) for day in week],
            "first_day": first,
            "last_day": week[-1],
            "today": today,
            "previous": (first - timedelta(7)).isoformat(),
            "following": (first + timedelta(7)).isoformat(),
            "month_of": first.strftime("%Y-%m"),
        },
    )


@login_required
def calendar_day(request):
    """Every session of one day in scope (where the week and month say "+N more"), a page
    of DAY_PAGE_SIZE at a time."""
    day = _parse_date(request.GET.get("date", ""), timezone.localdate())
    sessions = with_community_names(
        sessions_overlapping(
            request.user, _local_midnight(day), _local_midnight(day + timedelta(1))
        )
    ).order_by("starts_at", "pk")
    page = Paginator(sessions, DAY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorship/calendar_day.html",
        {
            "day": day,
            "page": page,
            "today": timezone.localdate(),
            "previous": (day - timedelta(1)).isoformat(),
            "following": (day + timedelta(1)).isoformat(),
            "month_of": day.strftime("%Y-%m"),
        },
    )


@login_required
def upcoming(request):
    """Upcoming sessions in scope; community members register from here."""
    sessions = list(with_names(upcoming_sessions_for(request.user))[:100])
    registered = set(
        request.user.attendance.filter(session__in=sessions).values_list("session_id", flat=True)
    )
    return render(
        request,
        "mentorship/upcoming.html",
        {
            "sessions": sessions,
            "registered": registered,
            "may_register": request.user.role in (Role.LEADER, Role.MEMBER),
            "schedule_url": _schedule_url(request.user),
        },
    )


def _schedule_url(user) -> str:
    """Where "Schedule a session" leads: straight to the form under one's only MOU, to a
    choice of MOU when there are several, nowhere when one may schedule under none."""
    mous = list(schedulable_mous_for(user).values_list("pk", flat=True)[:2])
    if not mous:
        return ""
    if len(mous) == 1:
        return reverse("session_new", args=[mous[0]])
    return reverse("schedule_choose")


@login_required
def schedule_choose(request):
    """Choose the MOU a new session is held under (shown when one may schedule under several)."""
    mous = list(schedulable_mous_for(request.user).order_by("-signed_on", "title_th"))
    if not mous:
        raise Http404
    if len(mous) == 1:
        return redirect("session_new", pk=mous[0].pk)
    return render(request, "mentorship/schedule_choose.html", {"mous": mous})


@login_required
def training_totals(request):
    """Hours × attendees of delivered sessions in scope, per MOU and per area."""
    sessions = list(with_register_counts(sessions_for(request.user).select_related("mou")))
    by_mou, total = delivery_by(sessions, key=lambda session: session.mou)
    by_area, _total = delivery_by(sessions, key=lambda session: session.area)
    return render(
        request,
        "mentorship/totals.html",
        {"groups": [(_("Per MOU"), by_mou), (_("Per area"), by_area)], "total": total},
    )


# --- Private iCal feed ------------------------------------------------------------------

FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=400)


FEED_CHANGES = {
    # action: (title, consequences, button, service, done)
    "revoke": (
        _("Turn your calendar feed off?"),
        [
            _(
                "Calendars subscribed to your feed address stop showing your training "
                "sessions when they next refresh."
            ),
            _("You can create a new address later; calendars then need the new one."),
        ],
        _("Yes, turn the feed off"),
        services.revoke_feed_token,
        _("Your calendar feed address no longer works."),
    ),
    "regenerate": (
        _("Create a new feed address?"),
        [
            _(
                "The current address stops working at once: calendars subscribed to it no "
                "longer get your sessions."
            ),
            _("Subscribe to the new address in your calendar apps."),
        ],
        _("Yes, create a new address"),
        services.regenerate_feed_token,
        _("A new calendar feed address was created."),
    ),
}


@login_required
def feed_settings(request):
    """The private feed address. Creating the first one is one tap; turning it off or
    replacing it (subscribed calendars stop working) is confirmed first."""
    token = services.live_feed_token(request.user)
    action = (request.POST if request.method == "POST" else request.GET).get("action", "")
    if action in FEED_CHANGES and token:
        title, consequences, button, service, done = FEED_CHANGES[action]
        if not is_confirmed(request):
            return confirmation_page(
                request,
                title=title,
                consequences=consequences,
                button=button,
                back=reverse("calendar_feed_settings"),
                hidden={"action": action},
            )
        service(request.user)
        messages.success(request, done)
        return redirect("calendar_feed_settings")
    if request.method == "POST":
        if action == "regenerate":  # the first address: nothing to lose
            services.regenerate_feed_token(request.user)
            messages.success(request, FEED_CHANGES[action][4])
        return redirect("calendar_feed_settings")
    url = request.build_absolute_uri(reverse("calendar_feed", args=[token.token])) if token else ""
    return render(request, "mentorship/feed.html", {"token": token, "feed_url": url})


def calendar_feed(request, token):
    """The feed calendar apps subscribe to: the token is the only key, no login."""
    feed = (
        CalendarFeedToken.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    now = timezone.now()
    sessions = sessions_for(feed.user).filter(
        starts_at__gte=now - FEED_PAST, starts_at__lt=now + FEED_FUTURE
    )
    with translation.override(feed.user.preferred_language or "th"):
        return _ics_response(
            request,
            sessions.order_by("starts_at"),
            name=_("CIV training sessions"),
            filename="civ-training.ics",
        )
