from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAdapter(DefaultAccountAdapter):
    """Accounts come from invitations (accounts.services.accept_invitation), never open sign-up."""

    def is_open_for_signup(self, request):
        return False
