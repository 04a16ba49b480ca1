from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from civportal.constraints import FieldCheckConstraint
from civportal.files import UploadTo
from communities.models import BilingualName, Community, Organisation


class MentoringArea(BilingualName):
    """การบริหารจัดการ, การออกแบบผลิตภัณฑ์, ... as named in the MOU."""

    code = models.SlugField(_("code"), unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("mentoring area")
        verbose_name_plural = _("mentoring areas")
        ordering = ["position", "code"]


class MOU(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    title_th = models.CharField(_("title (Thai)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    government_office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="mous_as_government",
        limit_choices_to={"kind": Organisation.Kind.GOVERNMENT},
        verbose_name=_("government party"),
    )
    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="mous_as_company",
        limit_choices_to={"kind": Organisation.Kind.COMPANY},
        verbose_name=_("company (Big Brother)"),
    )
    framework = models.TextField(_("framework"), blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    starts_on = models.DateField(_("term starts"), null=True, blank=True)
    ends_on = models.DateField(_("term ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    areas = models.ManyToManyField(
        MentoringArea, related_name="mous", verbose_name=_("mentoring areas")
    )
    communities = models.ManyToManyField(
        Community, related_name="mous", blank=True, verbose_name=_("covered communities")
    )
    signed_pdf = models.FileField(_("signed MOU (PDF)"), upload_to=UploadTo("mous"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every service that saves the row; edit forms carry it (civportal.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[areas, communities])

    class Meta:
        verbose_name = _("MOU")
        verbose_name_plural = _("MOUs")
        ordering = ["-signed_on", "-id"]
        constraints = [
            FieldCheckConstraint(
                name="mou_term_ordered",
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                field="ends_on",
                violation_error_code="term_not_ordered",
                violation_error_message=_("The term cannot end before it starts."),
            ),
            FieldCheckConstraint(
                name="mou_signed_has_date",
                condition=Q(status="draft") | Q(signed_on__isnull=False),
                field="signed_on",
                violation_error_code="signing_date_needed",
                violation_error_message=_(
                    "A signed MOU keeps its signing date: enter the date it was signed."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title_th


class MOUSignatory(models.Model):
    class Party(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        COMPANY = "company", _("Company")
        WITNESS = "witness", _("Witness / chair")

    mou = models.ForeignKey(MOU, on_delete=models.CASCADE, related_name="signatories")
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    position_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["position_order", "id"]

    def __str__(self):
        return f"{self.name} ({self.position})"


class MentorAssignment(models.Model):
    mou = models.ForeignKey(MOU, on_delete=models.CASCADE, related_name="assignments")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        limit_choices_to={"role": "mentor"},
        verbose_name=_("mentor"),
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="assignments")
    areas = models.ManyToManyField(MentoringArea, related_name="+", verbose_name=_("areas"))
    starts_on = models.DateField(pgettext_lazy("valid from date", "from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        constraints = [
            models.UniqueConstraint(
                "mou", "mentor", "community", name="one_assignment_per_mentor_community"
            ),
            FieldCheckConstraint(
                name="assignment_dates_ordered",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                field="ends_on",
                violation_error_code="assignment_not_ordered",
                violation_error_message=_("The assignment cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.community}"


class TrainingSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    mou = models.ForeignKey(MOU, on_delete=models.PROTECT, related_name="sessions")
    area = models.ForeignKey(MentoringArea, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Off by default: most sessions are a company's internal training, and the venue of a
    # public one is shown on the public site.
    is_public = models.BooleanField(
        _("open to the public"),
        default=False,
        help_text=_(
            "Listed on the public site with its date, title and venue. Leave unticked for "
            "training only for the community's members."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # Bumped by every change people must hear about; part of the notification
    # event key, so a change notifies again while a retried call does not.
    revision = models.PositiveIntegerField(default=0, editable=False)
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SessionMentor", related_name="mentored_sessions"
    )
    communities = models.ManyToManyField(
        Community, through="SessionCommunity", related_name="sessions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="session_has_venue_or_link", condition=~Q(venue="", online_url="")
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at"]),
            # An MOU's sessions in date order (its page lists a bounded slice of them).
            models.Index(fields=["mou", "starts_at"], name="session_mou_starts"),
        ]

    def __str__(self):
        return self.title


class _Booking(models.Model):
    """A mentor or community booked into a session.

    ``period`` and ``active`` mirror the session (kept in step by the
    scheduling service) so an exclusion constraint can refuse overlaps in the
    database itself, even under concurrent requests.
    """

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE)
    period = DateTimeRangeField()
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True


class SessionMentor(_Booking):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint("session", "mentor", name="session_mentor_once"),
            ExclusionConstraint(
                name="mentor_not_double_booked",
                expressions=[("mentor", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
                condition=Q(active=True),
            ),
        ]

    def __str__(self):
        return f"{self.mentor} @ {self.session}"


class SessionCommunity(_Booking):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="bookings")

    class Meta:
        constraints = [
            models.UniqueConstraint("session", "community", name="session_community_once"),
            ExclusionConstraint(
                name="community_not_double_booked",
                expressions=[
                    ("community", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(active=True),
            ),
        ]

    def __str__(self):
        return f"{self.community} @ {self.session}"


class SessionMaterial(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=UploadTo("materials"), blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """A registration and/or attendance: a community member, or a walk-in by name."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendance",
    )
    walk_in_name = models.CharField(_("walk-in name"), max_length=200, blank=True)
    community = models.ForeignKey(Community, on_delete=models.SET_NULL, null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                name="attendance_person_or_walk_in",
                condition=Q(person__isnull=False) | ~Q(walk_in_name=""),
            ),
            models.UniqueConstraint(
                "session",
                "person",
                name="attend_once_per_session",
                condition=Q(person__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.person or self.walk_in_name} @ {self.session}"


class Feedback(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint("session", "person", name="feedback_once_per_session"),
            models.CheckConstraint(
                name="feedback_rating_1_to_5", condition=Q(rating__gte=1, rating__lte=5)
            ),
        ]

    def __str__(self):
        return f"{self.session}: {self.rating}/5"


class CalendarFeedToken(models.Model):
    """A private, revocable iCal feed address per user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "user", name="one_live_feed_per_user", condition=Q(revoked_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.user} feed"
