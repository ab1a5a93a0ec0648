"""How people sign in (issue 18): who must use two-factor sign-in, and who acts on others' sign-in.

Pure functions of (standing, record) -> bool, as every policy."""

from register.models.people import Post
from register.policies.people import keeps_people_records
from register.policies.standing import Standing

Role = Post.Role

# The posts that decide or see the most: with a local password, they sign in with a second factor too.
TWO_FACTOR_POSTS = frozenset(
    {
        Role.CHIEF_EXECUTIVE,
        Role.DEPUTY_CHIEF_EXECUTIVE,
        Role.MONITORING_OFFICER,
        Role.DEPUTY_MONITORING_OFFICER,
        Role.AUDITOR,
        Role.DEMOCRATIC_SERVICES,
        # Reads Code of Conduct complaints, with the councillor's name, before any decision (D4).
        Role.INDEPENDENT_PERSON,
    }
)


def needs_two_factor(standing: Standing, record=None) -> bool:
    """The Chief Executive and Deputy, the Monitoring Officer and deputy, auditors, Democratic Services,
    the Independent Person and register administrators (superusers) sign in with a password and a code; others may choose to."""
    return standing.is_superuser or standing.holds(*TWO_FACTOR_POSTS)


def manages_sign_in(standing: Standing, person=None) -> bool:
    """Democratic Services sign a person out everywhere (a leaver, a lost laptop) and reset their
    two-factor sign-in (a lost phone): they keep the people records."""
    return keeps_people_records(standing)


def acts_on_own_sign_in(standing: Standing, person=None) -> bool:
    """Everyone signs themselves out everywhere, and sees and revokes their own API tokens."""
    return person is not None and standing.is_active and standing.is_person(person.pk)


def sees_usernames(standing: Standing, record=None) -> bool:
    """Usernames are the half of a credential that the API shows only to those who keep the people
    records (issue 18: listing every username helps an attacker guess passwords)."""
    return keeps_people_records(standing)
