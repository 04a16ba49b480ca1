import contextlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from civportal.files import UploadTo
from civportal.fiscal import Frequency, Period, fy_label

from .contacts import (
    SHOP_DOMAINS,
    ShopLinkValidator,
    normalise_line_id,
    normalise_thai_phone,
    public_channels,
    validate_line_id,
    validate_thai_phone,
)


class BilingualName(models.Model):
    """Thai name first; ``name`` answers in the active language."""

    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_th


def name_expression(path: str = "") -> models.Expression:
    """``BilingualName.name`` in SQL, for ``values()`` and subqueries: the English name in
    English where there is one, otherwise the Thai name. ``path`` leads to the named row
    (``"community__"``)."""
    thai = models.F(f"{path}name_th")
    if get_language() == "en":
        return Coalesce(NullIf(f"{path}name_en", models.Value("")), thai)
    return thai


# --- Geography: จังหวัด → อำเภอ → ตำบล, official codes from geothai ---------
class Province(BilingualName):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    # The head of the provincial industry office (อุตสาหกรรมจังหวัด): late updates of the
    # province's communities are escalated to them. Set by programme staff.
    head_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_provinces",
        verbose_name=_("head of the provincial office"),
        limit_choices_to={"role": "officer"},
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name_th"]


class District(BilingualName):
    """อำเภอ / เขต."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name_th"]


class Subdistrict(BilingualName):
    """ตำบล / แขวง."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subdistricts")
    postal_codes = models.CharField(_("postal codes"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["name_th"]


# --- Organisations ---------------------------------------------------------
class Organisation(BilingualName):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government office")
        COMPANY = "company", _("Company (Big Brother)")
        COMMUNITY_ENTERPRISE = "community_enterprise", _("Community enterprise")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("province"),
        help_text=_("For a provincial industry office: the province it serves."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_th"]
        constraints = [
            models.UniqueConstraint("kind", "name_th", name="organisation_unique_name_per_kind"),
        ]


# --- Programme --------------------------------------------------------------
class Cohort(BilingualName):
    """A programme round, e.g. CIV 2559–2561 BE: 163 target communities, 27 CIV villages."""

    start_year = models.PositiveSmallIntegerField(_("first year (CE)"))
    end_year = models.PositiveSmallIntegerField(_("last year (CE)"))
    target_communities = models.PositiveIntegerField(_("target communities"), default=0)
    civ_villages = models.PositiveIntegerField(_("CIV villages"), default=0)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                name="cohort_years_ordered", condition=Q(end_year__gte=models.F("start_year"))
            ),
            models.CheckConstraint(
                name="cohort_civ_within_target",
                condition=Q(civ_villages__lte=models.F("target_communities")),
            ),
            models.UniqueConstraint("start_year", "end_year", name="cohort_unique_years"),
        ]


class Stage(models.TextChoices):
    TARGET = "target", _("Target community")
    DEVELOPING = "developing", _("Developing")
    CIV = "civ", _("CIV village")
    SELF_SUSTAINING = "self_sustaining", _("Self-sustaining")


class Activity(models.TextChoices):
    FOOD = "food", _("Food and drink")
    AGRICULTURE = "agriculture", _("Agriculture")
    CRAFT = "craft", _("Handicraft")
    TEXTILE = "textile", _("Textiles")
    HERBAL = "herbal", _("Herbal and cosmetics")
    TOURISM = "tourism", _("Community tourism")
    OTHER = "other", _("Other")


class Community(BilingualName):
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        related_name="communities",
        verbose_name=_("subdistrict"),
    )
    # Denormalised from the subdistrict so province scope is one indexed filter.
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="communities",
        editable=False,
        verbose_name=_("province"),
    )
    village_number = models.PositiveSmallIntegerField(
        _("village number (หมู่ที่)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("5")), MaxValueValidator(Decimal("21"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("97")), MaxValueValidator(Decimal("106"))],
    )
    enterprise = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
        limit_choices_to={"kind": Organisation.Kind.COMMUNITY_ENTERPRISE},
        verbose_name=_("community enterprise"),
    )
    identity_story = models.TextField(_("identity story (อัตลักษณ์)"), blank=True)
    main_activities = models.TextField(_("main activities"), blank=True)
    activity = models.CharField(
        _("main activity type"), max_length=20, choices=Activity.choices, default=Activity.OTHER
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("cohort"),
    )
    cohort_year = models.PositiveSmallIntegerField(_("cohort year (CE)"), null=True, blank=True)
    members_count = models.PositiveIntegerField(_("members"), default=0)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Contact channels for buyers (communities.contacts): each shown publicly only when
    # its publish box is ticked.
    buyer_phone = models.CharField(
        _("phone for buyers"),
        max_length=20,
        blank=True,
        validators=[validate_thai_phone],
        help_text=_("A Thai mobile or landline number, e.g. 081 234 5678."),
    )
    publish_buyer_phone = models.BooleanField(
        _("show the phone number on the public page"), default=False
    )
    line_id = models.CharField(
        _("LINE ID"),
        max_length=21,
        blank=True,
        validators=[validate_line_id],
        help_text=_("As it appears in LINE (an official account's ID starts with @)."),
    )
    publish_line_id = models.BooleanField(_("show the LINE ID on the public page"), default=False)
    shopee_url = models.URLField(
        _("Shopee shop link"),
        max_length=500,
        blank=True,
        validators=[ShopLinkValidator(*SHOP_DOMAINS["shopee_url"])],
        help_text=_("e.g. https://shopee.co.th/your-shop"),
    )
    publish_shopee_url = models.BooleanField(_("show the Shopee shop"), default=False)
    lazada_url = models.URLField(
        _("Lazada shop link"),
        max_length=500,
        blank=True,
        validators=[ShopLinkValidator(*SHOP_DOMAINS["lazada_url"])],
        help_text=_("e.g. https://www.lazada.co.th/shop/your-shop"),
    )
    publish_lazada_url = models.BooleanField(_("show the Lazada shop"), default=False)
    facebook_url = models.URLField(
        _("Facebook page link"),
        max_length=500,
        blank=True,
        validators=[ShopLinkValidator(*SHOP_DOMAINS["facebook_url"])],
        help_text=_("e.g. https://www.facebook.com/your-page"),
    )
    publish_facebook_url = models.BooleanField(_("show the Facebook page"), default=False)
    line_oa_url = models.URLField(
        _("LINE official account link"),
        max_length=500,
        blank=True,
        validators=[ShopLinkValidator(*SHOP_DOMAINS["line_oa_url"])],
        help_text=_("e.g. https://lin.ee/AbCdEfG or https://page.line.me/your-account"),
    )
    publish_line_oa_url = models.BooleanField(_("show the LINE official account"), default=False)
    website_url = models.URLField(
        _("website"),
        max_length=500,
        blank=True,
        validators=[ShopLinkValidator()],
        help_text=_("The community's own website, e.g. https://www.example.com"),
    )
    publish_website_url = models.BooleanField(_("show the website"), default=False)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.TARGET, editable=False
    )
    # Who keeps the community's results up to date and is reminded when they are due:
    # by default the officer who registered it; programme staff may hand it to another.
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("responsible officer"),
        limit_choices_to={"role": "officer"},
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped by every service that saves the row; edit forms carry it (civportal.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name_th"]
        constraints = [
            models.UniqueConstraint(
                "subdistrict", "name_th", name="community_unique_name_in_tambon"
            ),
            models.CheckConstraint(
                name="community_lat_lon_together",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["province", "stage"]),
            # A province's registry page in name order.
            models.Index(fields=["province", "name_th", "id"], name="community_province_name"),
            # Nationwide lists (staff) in name order.
            models.Index(fields=["name_th", "id"], name="community_name"),
        ]

    def save(self, *args, **kwargs):
        self.province_id = self.subdistrict.district.province_id
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # Written one way whatever way they were typed; a bad number is already reported
        # on its field by the validators.
        with contextlib.suppress(ValidationError):
            self.buyer_phone = normalise_thai_phone(self.buyer_phone)
        self.line_id = normalise_line_id(self.line_id)

    def public_channels(self):
        """The contact channels this community chose to show on its public page."""
        return public_channels(self)


class CommunityPhoto(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=UploadTo("communities"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("community photo")
        verbose_name_plural = _("community photos")
        ordering = ["position", "id"]

    def __str__(self):
        return self.caption or f"{self.community} #{self.position}"


class StageChange(models.Model):
    """One move of a community's stage: who, when, from, to, why. Append-only."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(
        pgettext_lazy("stage change", "from"), max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField(
        pgettext_lazy("stage change", "to"), max_length=20, choices=Stage.choices
    )
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at"]
        constraints = [
            models.CheckConstraint(
                name="stage_change_moves", condition=~Q(from_stage=models.F("to_stage"))
            ),
            models.CheckConstraint(name="stage_change_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.community}: {self.from_stage or '-'} → {self.to_stage}"


# --- Progress and indicators ---------------------------------------------------
class Indicator(BilingualName):
    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    code = models.SlugField(_("code"), unique=True)
    unit = models.CharField(_("unit"), max_length=40)
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    active = models.BooleanField(_("in use"), default=True)
    # How often a value is due: per visit (whenever the officer goes), or once per month,
    # quarter or fiscal year (see civportal.fiscal).
    frequency = models.CharField(
        _("reporting frequency"),
        max_length=8,
        choices=Frequency.choices,
        default=Frequency.VISIT,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    @property
    def unit_name(self) -> str:
        """The unit in the active language, like ``name`` (Thai when no English is set)."""
        if get_language() == "en" and self.unit_en:
            return self.unit_en
        return self.unit


class CommunityIndicator(models.Model):
    """Baseline of one indicator for one community.

    ``target`` is the single target of before fiscal years: targets now live in
    ``CommunityTarget`` per fiscal year (migration 0009 moved each one to the fiscal year it
    was set in); the column stays readable for the history of those rows.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="indicator_targets"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community indicator")
        verbose_name_plural = _("community indicators")
        constraints = [
            models.UniqueConstraint("community", "indicator", name="one_target_per_indicator"),
        ]

    def __str__(self):
        return f"{self.community} · {self.indicator}"


class CommunityTarget(models.Model):
    """The target of one indicator for one community in one Thai fiscal year (CE number:
    2026 is ปีงบประมาณ พ.ศ. 2569)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fiscal-year target")
        verbose_name_plural = _("fiscal-year targets")
        ordering = ["fiscal_year", "indicator__position", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                "community", "indicator", "fiscal_year", name="one_target_per_fiscal_year"
            ),
            # A CE year of the programme's time: guards against a BE year typed in.
            models.CheckConstraint(
                name="target_fiscal_year_ce",
                condition=Q(fiscal_year__gte=2000, fiscal_year__lte=2200),
            ),
        ]

    def __str__(self):
        return f"{self.community} · {self.indicator} · {fy_label(self.fiscal_year)}"


class ProgressVisit(models.Model):
    """An officer's visit to a community, with what was found and what comes next."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="visits")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("officer"),
    )
    visited_on = models.DateField(_("visit date"))
    summary = models.TextField(_("summary"))
    next_steps = models.TextField(_("next steps"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress visit")
        verbose_name_plural = _("progress visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["community", "-visited_on"]),
            # The latest visits of a dashboard.
            models.Index(fields=["-visited_on", "-id"], name="visit_latest"),
        ]

    def __str__(self):
        return f"{self.community} · {self.visited_on}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(ProgressVisit, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=UploadTo("visits"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self):
        return self.caption or str(self.visit)


class IndicatorValue(models.Model):
    visit = models.ForeignKey(ProgressVisit, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    # The reporting period the value is for (civportal.fiscal): by default the period of the
    # indicator's frequency that contains the visit date; the officer may choose another.
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint("visit", "indicator", name="one_value_per_indicator_per_visit"),
            models.CheckConstraint(
                name="value_period_in_order", condition=Q(period_end__gte=models.F("period_start"))
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period_start"], name="value_period")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, self.indicator.frequency)


class ReportingReminder(models.Model):
    """A reminder or escalation sent about a community's values for one reporting period:
    the row makes each one happen once (communities.reminders)."""

    class Level(models.TextChoices):
        REMINDER = "reminder", _("Reminder before the period closes")
        ESCALATION = "escalation", _("Escalation after the grace period")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="reporting_reminders"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    level = models.CharField(max_length=10, choices=Level.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reporting reminder")
        verbose_name_plural = _("reporting reminders")
        constraints = [
            models.UniqueConstraint(
                "community", "frequency", "period_start", "level", name="one_reminder_per_level"
            ),
        ]

    def __str__(self):
        return f"{self.community} · {self.period_start} · {self.level}"


SCORE = [MinValueValidator(1), MaxValueValidator(5)]
READINESS_CRITERIA = (
    "community_strength",
    "identity",
    "product",
    "management",
    "market",
    "tourism_link",
)


class ReadinessAssessment(models.Model):
    """CIV readiness criteria scored 1–5 at a visit."""

    CRITERIA = READINESS_CRITERIA

    visit = models.OneToOneField(ProgressVisit, on_delete=models.CASCADE, related_name="assessment")
    community_strength = models.PositiveSmallIntegerField(_("community strength"), validators=SCORE)
    identity = models.PositiveSmallIntegerField(_("identity"), validators=SCORE)
    product = models.PositiveSmallIntegerField(_("product"), validators=SCORE)
    management = models.PositiveSmallIntegerField(_("management"), validators=SCORE)
    market = models.PositiveSmallIntegerField(_("market"), validators=SCORE)
    tourism_link = models.PositiveSmallIntegerField(_("tourism link"), validators=SCORE)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")
        constraints = [
            models.CheckConstraint(
                name=f"readiness_{field}_1_to_5",
                condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
            )
            for field in READINESS_CRITERIA
        ]

    def __str__(self):
        return f"{self.visit} · {self.total}/30"

    @property
    def total(self) -> int:
        return sum(getattr(self, field) for field in self.CRITERIA)
