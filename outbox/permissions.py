"""Who may see and act on outgoing messages: programme staff, who answer for delivery."""


def can_manage_deliveries(user) -> bool:
    return user.is_authenticated and user.is_programme_staff
