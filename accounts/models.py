import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Programme staff")
    OFFICER = "officer", _("Provincial industry officer")
    COORDINATOR = "coordinator", _("Company coordinator")
    MENTOR = "mentor", _("Mentor")
    LEADER = "leader", _("Community leader")
    MEMBER = "member", _("Community member")


COMPANY_ROLES = {Role.COORDINATOR, Role.MENTOR}
COMMUNITY_ROLES = {Role.LEADER, Role.MEMBER}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        # Members and leaders may sign in with a sign-in name (a phone number, say) or LINE
        # alone; everyone else needs an address (the database holds the same rule).
        if not email and fields.get("role") not in COMMUNITY_ROLES:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("role", Role.STAFF)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person who signs in. The role and its scope decide what they see.

    - officer: ``provinces`` (one or more จังหวัด)
    - coordinator / mentor: ``organisation`` is their company (Big Brother)
    - leader / member: ``community``
    - staff: nationwide
    """

    username = None
    first_name = None
    last_name = None
    # Optional for community members and leaders only (constraint below): many villagers
    # read no e-mail and sign in with a sign-in name or LINE.
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    login_name = models.CharField(
        _("sign-in name"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Letters, digits, dots, dashes or underscores, e.g. a phone number."),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        "communities.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    provinces = models.ManyToManyField(
        "communities.Province", verbose_name=_("provinces"), blank=True, related_name="officers"
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=[("th", "ไทย"), ("en", "English")], default="th"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_community_roles_have_community",
                condition=~Q(role__in=["leader", "member"]) | Q(community__isnull=False),
            ),
            models.CheckConstraint(
                name="user_company_roles_have_organisation",
                condition=~Q(role__in=["coordinator", "mentor"]) | Q(organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="user_email_required_outside_communities",
                condition=Q(email__isnull=False) | Q(role__in=["leader", "member"]),
            ),
            models.CheckConstraint(
                name="user_login_name_lowercase", condition=Q(login_name=Lower("login_name"))
            ),
        ]

    def __str__(self):
        return self.full_name or self.email or self.login_name or ""

    def clean(self):
        """The database's rules, said on the form (the admin's) instead of an IntegrityError."""
        super().clean()
        self.email = self.email or None
        self.login_name = (self.login_name or "").strip().lower() or None
        if self.email is None and self.role not in COMMUNITY_ROLES:
            raise ValidationError(
                {"email": _("Staff, officers, coordinators and mentors need an e-mail address.")}
            )

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else (self.email or self.login_name)

    @property
    def is_programme_staff(self) -> bool:
        return self.is_superuser or self.role == Role.STAFF


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


class Invitation(models.Model):
    """An invitation creates an account with a role and scope; there is no open sign-up.

    Sent by e-mail, or — for community members, who may have no address — a link without
    an address that the inviter shares (over LINE, or as a QR code on their phone). Either
    way the link works once, until it expires or is revoked."""

    email = models.EmailField(_("e-mail"), blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "communities.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    provinces = models.ManyToManyField(
        "communities.Province", blank=True, verbose_name=_("provinces")
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("community"),
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_default_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.OneToOneField(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    # The welcome e-mail is an outbox delivery ("invitation:<id>", accounts.services).

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "email",
                name="one_open_invitation_per_email",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True) & ~Q(email=""),
            ),
            models.CheckConstraint(
                name="invitation_email_required_outside_communities",
                condition=~Q(email="") | Q(role__in=["leader", "member"]),
            ),
            models.CheckConstraint(
                name="invitation_community_roles_have_community",
                condition=~Q(role__in=["leader", "member"]) | Q(community__isnull=False),
            ),
            models.CheckConstraint(
                name="invitation_company_roles_have_organisation",
                condition=~Q(role__in=["coordinator", "mentor"]) | Q(organisation__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.email or self.full_name or self.pk} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def by_link(self) -> bool:
        return not self.email
