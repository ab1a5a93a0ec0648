"""The published register's entries keep their names (the Atom feed's ids, the page's anchors) when
SECRET_KEY is rotated: they are keyed by OPEN_DATA_ENTRY_KEY (issue 22, A8)."""

from register.selectors.briefings import entry_key


def test_an_entrys_name_survives_a_rotated_secret_key_once_its_own_key_is_set(settings):
    settings.OPEN_DATA_ENTRY_KEY = "the-published-entries-own-key"
    settings.SECRET_KEY = "the-first-secret-key-" + "x" * 40
    before = entry_key(17)
    settings.SECRET_KEY = "the-rotated-secret-key-" + "y" * 40
    assert entry_key(17) == before


def test_an_entrys_name_depends_on_the_key_so_that_nobody_without_it_can_count_requests_from_it(settings):
    settings.OPEN_DATA_ENTRY_KEY = "one-council's-key"
    first = entry_key(17)
    settings.OPEN_DATA_ENTRY_KEY = "another-council's-key"
    assert entry_key(17) != first
    assert entry_key(18) != entry_key(17)


def test_without_its_own_key_an_entry_is_named_with_the_secret_key(settings):
    settings.OPEN_DATA_ENTRY_KEY = ""
    settings.SECRET_KEY = "the-first-secret-key-" + "x" * 40
    before = entry_key(17)
    settings.SECRET_KEY = "the-rotated-secret-key-" + "y" * 40
    assert entry_key(17) != before
