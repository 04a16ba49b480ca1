from django.db.models import QuerySet

from civportal.access import get_in_scope_or_404

from .models import ApiToken


def tokens_for(user) -> QuerySet[ApiToken]:
    """A person's own tokens: nobody sees another's, programme staff included."""
    return ApiToken.objects.filter(user=user)


def get_token_for(user, pk) -> ApiToken:
    return get_in_scope_or_404(tokens_for(user), pk=pk)
