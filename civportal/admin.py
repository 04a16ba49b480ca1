"""Admin glue: the admin reads through each app's "for this user" selector and edit rules."""


class ScopedAdmin:
    """Mix into a ModelAdmin; set ``selector`` (user → queryset) and optionally ``can_edit``."""

    selector = None
    can_edit = None

    def get_queryset(self, request):
        if self.selector is None:
            return super().get_queryset(request)
        return type(self).selector(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and self.can_edit is not None:
            return type(self).can_edit(request.user, obj)
        return allowed
