"""Personal access tokens for the API tests, made through the service."""

from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import create_token


def token_for(user, scope=ApiToken.Scope.READ, days=30) -> str:
    _token, key = create_token(user, name="tests", scope=scope, days=days)
    return key


def api_client(user=None, scope=ApiToken.Scope.READ) -> APIClient:
    """A client that speaks for ``user`` with a bearer token (anonymous without a user)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope)}")
    return client
